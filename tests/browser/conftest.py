"""Real-browser fixtures: Playwright drives Debian's Chromium against the live server.

Run separately from the unit tests (`make test` does) because the flag below affects
the whole process: Playwright's sync API keeps an asyncio loop in the main thread, and
Django's async-safety guard would otherwise refuse every ORM call in the test.
"""

import os
import re
import shutil
from pathlib import Path

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import pytest  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SCREENSHOT_DIR = Path(__file__).resolve().parents[2] / "test-results" / "screenshots"


def pytest_collection_modifyitems(items):
    # Every browser test needs the live server, hence a transactional database.
    for item in items:
        item.add_marker(pytest.mark.django_db(transaction=True))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        raise pytest.UsageError(f"{CHROMIUM} missing: apt-get install -y chromium")
    # Playwright already adds --headless --no-sandbox --no-first-run --disable-sync
    # --disable-background-networking --disable-component-update.
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--disable-gpu", "--disable-quic"],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args, live_server):
    return {**browser_context_args, "base_url": live_server.url}


@pytest.fixture(scope="session", autouse=True)
def fresh_screenshot_dir():
    shutil.rmtree(SCREENSHOT_DIR, ignore_errors=True)
    SCREENSHOT_DIR.mkdir(parents=True)


@pytest.fixture
def shoot(request):
    """Save a full-page screenshot named after the test and the step, for people to look at."""
    test_name = re.sub(r"[^\w-]+", "_", request.node.name)
    counter = iter(range(1, 100))

    def take(page, step):
        path = SCREENSHOT_DIR / f"{test_name}-{next(counter):02d}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
