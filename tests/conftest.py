import shutil
import tempfile

import pytest
from django.conf import settings
from django.core.files.uploadhandler import TemporaryFileUploadHandler


def pytest_configure(config):
    # Tests run on PostgreSQL, like production; never silently on SQLite.
    engine = settings.DATABASES["default"]["ENGINE"]
    if engine != "django.db.backends.postgresql":
        pytest.exit(
            f"The tests need PostgreSQL, but the database engine is {engine}. "
            "Run them with `make test`, or set DATABASE_URL=postgres://postgres@127.0.0.1:5432/",
            returncode=2,
        )
    # Production hashes passwords with Django's default (PBKDF2, over a million rounds:
    # about a second per sign-in on this machine, which made the sign-in tests half of
    # the suite's time). The tests check what signing in does, not the hash's strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Hashed static names need `collectstatic` first; tests serve the source files
    # (tests/clinic/test_static.py checks the production storage separately).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Jobs run where they are queued (huey's immediate mode, in memory): a test sees the
    # email a stored inquiry's job sends without a worker. Makefile's HUEY_IMMEDIATE=true
    # does the same from the start; this covers a bare `pytest`.
    from huey.contrib.djhuey import HUEY

    HUEY.immediate = True
    # No test reaches the internet: check_links tests external links on a local server.
    settings.PAGES_CHECK_EXTERNAL_LINKS = False
    # Uploads and renditions (the demo image too) go to a throwaway folder, never media/.
    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="clinic-test-media-")


def pytest_unconfigure(config):
    if settings.configured and "clinic-test-media-" in str(settings.MEDIA_ROOT):
        shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)


@pytest.fixture(autouse=True)
def empty_cache():
    # The page cache and the form's rate limit live in the (local-memory) caches, which
    # outlive a test and its rolled-back or flushed database; so does the record of an
    # outage. Each test starts afresh.
    from django.core.cache import caches

    from clinic import outages

    def forget_everything():
        for alias in settings.CACHES:
            caches[alias].clear()
        for dependency in outages.ALL:
            dependency.reset()

    forget_everything()
    yield
    forget_everything()


class RecordingUploadHandler(TemporaryFileUploadHandler):
    """Django's temporary-file upload handler, noting each file it starts to write."""

    started = []

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        RecordingUploadHandler.started.append(self.file_name)


@pytest.fixture
def upload_handlers(settings):
    """Uploads spooled to disk from the first kilobyte, each one noted in `.started`."""
    RecordingUploadHandler.started = []
    settings.FILE_UPLOAD_HANDLERS = ["tests.conftest.RecordingUploadHandler"]
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024
    return RecordingUploadHandler


# Personas shared by the CRM tests (tests/security overrides intake_user to allow export).


@pytest.fixture
def intake_user(db):
    from tests.inquiries.crm_factories import make_intake_user

    return make_intake_user()


@pytest.fixture
def intake_client(client, intake_user):
    client.force_login(intake_user)
    return client
