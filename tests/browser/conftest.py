"""Real-browser fixtures: Playwright drives Debian's Chromium against the live server.

Run separately from the unit tests (`make test` does) because the flag below affects
the whole process: Playwright's sync API keeps an asyncio loop in the main thread, and
Django's async-safety guard would otherwise refuse every ORM call in the test.
"""

import importlib
import io
import os
import re
import shutil
from pathlib import Path

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import pytest  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Git-ignored. BROWSER_SCREENSHOT_DIR moves them, e.g. out of the way of another run.
SCREENSHOT_DIR = Path(
    os.environ.get(
        "BROWSER_SCREENSHOT_DIR",
        Path(__file__).resolve().parents[2] / "test-results" / "screenshots",
    )
)


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


# Data and state --------------------------------------------------------------------------
# Transactional tests flush every table after each test, and a flush re-creates only
# content types and permissions. The groups (migrations 0007 and 0010), the topics (0002)
# and the reply templates (0010) are made again here the way those migrations make them.


@pytest.fixture(autouse=True)
def roles_and_topics(transactional_db):
    from django.apps import apps

    _migration("inquiries", "0002_default_topics").add_default_topics(apps, None)
    _create_roles(_migration("inquiries", "0007_staff_roles"))
    _migration("inquiries", "0010_seed_reply_templates").add_templates(apps, None)


def _migration(app_label, name):
    return importlib.import_module(f"{app_label}.migrations.{name}")


def _create_roles(roles):
    # Not roles.create_roles itself: it switches AppConfig.models_module off afterwards,
    # which on the global registry would stop later flushes from re-creating permissions.
    from django.contrib.auth.models import Group, Permission

    intake, _ = Group.objects.get_or_create(name=roles.INTAKE_STAFF)
    for app_label, codename in roles.INTAKE_STAFF_PERMISSIONS:
        intake.permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    intake.permissions.add(
        Permission.objects.get(content_type__app_label="inquiries", codename="view_replytemplate")
    )
    from inquiries.roles import CONTENT_EDITOR_APPS

    # The migration's apps, and the content apps added since (granted after migrate).
    editors, _ = Group.objects.get_or_create(name=roles.CONTENT_EDITORS)
    editors.permissions.add(
        *Permission.objects.filter(content_type__app_label__in=CONTENT_EDITOR_APPS)
    )


@pytest.fixture
def demo_content(transactional_db):
    from django.core.management import call_command

    call_command("load_demo_content", stdout=io.StringIO())


@pytest.fixture
def quick_fill_allowed(monkeypatch):
    """Playwright types faster than any person: without this, a form filled in under
    MIN_FILL_SECONDS is shown again to check and send. The live server runs in this
    process."""
    monkeypatch.setattr("inquiries.spam.MIN_FILL_SECONDS", 0)


# People ------------------------------------------------------------------------------------

STAFF_PASSWORD = "four words make a passphrase"


@pytest.fixture
def make_staff_user(transactional_db):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    def make(username, group):
        user = get_user_model().objects.create_user(
            username, password=STAFF_PASSWORD, is_staff=True
        )
        user.groups.add(Group.objects.get(name=group))
        return user

    return make


def sign_in(page, user):
    """Sign in through the admin's real login form."""
    from django.urls import reverse

    page.goto(reverse("admin:login"))
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Log in").click()


# Browsers ----------------------------------------------------------------------------------

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@pytest.fixture
def phone_page(browser, browser_context_args):
    """A page in a fresh phone-sized context (touch, mobile viewport, no cookies)."""
    context = browser.new_context(**browser_context_args, **PHONE, device_scale_factor=2)
    page = context.new_page()
    yield page
    context.close()
