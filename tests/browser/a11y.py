"""axe-core checks for Playwright pages, with the copy of axe bundled in axe-playwright-python."""

import json
from functools import cache
from pathlib import Path

import axe_playwright_python

AXE_JS = Path(axe_playwright_python.__file__).parent / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


@cache
def axe_source():
    return AXE_JS.read_text()


def axe_violations(page, *, exclude=()):
    """Run axe in the page and return its WCAG 2.2 A/AA violations.

    page.evaluate goes through the DevTools protocol, so our strict CSP does not block it.
    """
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source())
    context = {"include": [["html"]], "exclude": [[selector] for selector in exclude]}
    results = page.evaluate(
        "([ctx, tags]) => axe.run(ctx, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})",
        [context, WCAG_TAGS],
    )
    return results["violations"]


def format_violations(violations):
    lines = []
    for violation in violations:
        lines.append(f"[{violation['impact']}] {violation['id']}: {violation['help']}")
        for node in violation["nodes"][:5]:
            summary = " ".join(node["failureSummary"].split())[:300]
            lines.append(f"    {json.dumps(node['target'])}: {summary}")
    return "\n".join(lines)


def assert_no_violations(page, *, exclude=()):
    violations = axe_violations(page, exclude=exclude)
    assert not violations, format_violations(violations)
