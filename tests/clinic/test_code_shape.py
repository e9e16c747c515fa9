"""The shape of the code that the team guide asks for and that tests can check: the
inquiries modules import without a cycle, and no module of the apps grows past 400
lines (migrations and demo content aside)."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ["clinic", "pages", "images", "clinicfacts", "inquiries", "consultations", "staff"]
MAX_LINES = 400
NOT_COUNTED = {"pages/demo_content.py"}


def _modules(package):
    for path in sorted((ROOT / package).rglob("*.py")):
        relative = path.relative_to(ROOT)
        if "migrations" in relative.parts:
            continue
        name = ".".join(relative.with_suffix("").parts).removesuffix(".__init__")
        yield name, path


def import_graph(package):
    """module -> the modules of `package` it imports, at the top or inside a function."""
    modules = dict(_modules(package))
    graph = {name: set() for name in modules}
    for name, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                # "from inquiries.admin import forms" imports the module inquiries.admin.forms;
                # "from inquiries.models import Inquiry", the package inquiries.models.
                targets = [
                    f"{node.module}.{alias.name}"
                    if f"{node.module}.{alias.name}" in modules
                    else node.module
                    for alias in node.names
                ]
            else:
                continue
            graph[name] |= {target for target in targets if target in modules} - {name}
    return graph


def find_cycle(graph):
    """One import cycle as a list of modules, or None."""
    visiting, done = [], set()

    def visit(module):
        if module in visiting:
            return [*visiting[visiting.index(module) :], module]
        if module in done:
            return None
        visiting.append(module)
        for target in sorted(graph[module]):
            cycle = visit(target)
            if cycle:
                return cycle
        visiting.pop()
        done.add(module)
        return None

    for module in sorted(graph):
        cycle = visit(module)
        if cycle:
            return cycle
    return None


def test_the_inquiries_modules_import_without_a_cycle():
    cycle = find_cycle(import_graph("inquiries"))

    assert cycle is None, " → ".join(cycle)


def test_the_cycle_finder_finds_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_no_module_of_the_apps_is_over_400_lines():
    too_long = {
        str(path.relative_to(ROOT)): lines
        for app in APPS
        for _, path in _modules(app)
        if str(path.relative_to(ROOT)) not in NOT_COUNTED
        and (lines := len(path.read_text().splitlines())) > MAX_LINES
    }

    assert too_long == {}
