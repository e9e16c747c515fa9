"""`make run` uses SQLite: the form must store submissions there too.

The rest of the suite runs on PostgreSQL, so this runs the development setup in a
subprocess with its own SQLite file.
"""

import os
import subprocess
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]

SUBMIT = """
from django.test import Client
from django.test.utils import setup_test_environment
from inquiries.models import Inquiry
from tests.inquiries.factories import form_data, post_form

setup_test_environment()
client = Client()
client.get("/get-in-touch/")
data = form_data()
first = post_form(client, data)
again = post_form(client, data)
inquiry = Inquiry.objects.get()
print(first.status_code, again.status_code, inquiry.events.count(), inquiry.notifications.count())
from huey.contrib.djhuey import HUEY
print(HUEY.pending_count())
"""


def development_env(tmp_path, **extra):
    """`make run`'s settings, with the database, media and job queue in tmp_path."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": "clinic.settings",
        "DJANGO_DEBUG": "true",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        # The demo content's image and renditions go there too, not into the project.
        "MEDIA_ROOT": str(tmp_path / "media"),
        # The job queue's SQLite file, beside the database rather than in the project.
        "HUEY_SQLITE_PATH": str(tmp_path / "jobs.sqlite3"),
        "INTAKE_NOTIFY_EMAILS": "intake@clinic.example",
        **extra,
    }


def run_manage(env, *args):
    return subprocess.run(  # noqa: S603 (our own manage.py with fixed arguments)
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def manage(tmp_path, *args):
    return run_manage(development_env(tmp_path), *args)


def test_form_stores_a_submission_once_on_the_development_database(tmp_path):
    migrated = manage(tmp_path, "migrate", "--noinput")
    assert migrated.returncode == 0, migrated.stderr

    result = manage(tmp_path, "shell", "--verbosity", "0", "-c", SUBMIT)

    assert result.returncode == 0, result.stderr
    # 303 twice (the resend answered like the first), one inquiry with its "created"
    # event and both emails, whose delivery job waits in the SQLite job queue.
    assert result.stdout.split()[-5:] == ["303", "303", "1", "2", "1"]
