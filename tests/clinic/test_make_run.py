"""`make run` starts the site and its job worker with one command; Ctrl-C stops both.

Runs the real launcher (scripts/run_site.py) on a SQLite database of its own, as a
newcomer's first `make run` does, and checks that an inquiry's emails are sent by the
worker it started.
"""

import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

from tests.inquiries.test_form_on_sqlite import PROJECT_ROOT, development_env, run_manage

PORT = 8757  # this project's test servers use 8750-8769

SUBMIT = """
from django.test import Client
from django.test.utils import setup_test_environment
from tests.inquiries.factories import form_data, post_form

setup_test_environment()
client = Client()
client.get("/get-in-touch/")
print(post_form(client, form_data()).status_code)
"""
COUNT_SENT = """
from inquiries.models import Notification
print(Notification.objects.filter(state="sent").count(), Notification.objects.count())
"""


def answers(port):
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def processes_marked(marker):
    """Our processes, found by the environment variable the test gave them."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes()
        except OSError:
            continue
        if f"RUN_SITE_TEST_MARKER={marker}".encode() in environ.split(b"\0"):
            found.append(int(entry.name))
    return found


def wait_for(condition, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.3)
    return False


def start_launcher(tmp_path, marker, **popen_options):
    """`make run`'s launcher on a migrated SQLite site; its processes carry the marker."""
    env = development_env(tmp_path, RUN_SITE_TEST_MARKER=marker)
    assert run_manage(env, "migrate", "--noinput").returncode == 0
    launcher = subprocess.Popen(  # noqa: S603, PLW1509
        [sys.executable, "scripts/run_site.py", str(PORT)],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        **popen_options,
    )
    return env, launcher


def test_make_run_uses_the_launcher():
    # make from the PATH, as a developer runs it
    command = ["make", "-n", "run"]
    plan = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True, check=True)  # noqa: S603, S607

    assert "scripts/run_site.py" in plan.stdout
    assert "runserver" not in plan.stdout  # only through the launcher, beside the worker


def test_make_runs_launcher_starts_the_worker_and_ctrl_c_stops_both(tmp_path):
    marker = uuid.uuid4().hex
    env, launcher = start_launcher(tmp_path, marker)
    try:
        assert wait_for(lambda: answers(PORT), 30), "the web server did not start"
        submitted = run_manage(env, "shell", "--verbosity", "0", "-c", SUBMIT)
        assert submitted.stdout.split()[-1:] == ["303"], submitted.stderr

        def both_sent():
            counted = run_manage(env, "shell", "--verbosity", "0", "-c", COUNT_SENT)
            return counted.stdout.split()[-2:] == ["2", "2"]

        sent_by_the_worker = wait_for(both_sent, 30)
        running = len(processes_marked(marker))
    finally:
        launcher.send_signal(signal.SIGINT)  # what Ctrl-C in the terminal sends
        output, _ = launcher.communicate(timeout=30)

    assert sent_by_the_worker, output
    assert running >= 3  # the launcher, the web server (and its reloader), the worker
    assert "Ctrl-C stops both" in output
    assert not answers(PORT)
    assert wait_for(lambda: not processes_marked(marker), 10), "a process outlived Ctrl-C"


def test_launcher_started_in_the_background_stops_both_on_sigterm(tmp_path):
    # A shell script's `make run &` (a process manager, a check script) starts it with
    # SIGINT ignored, and Python then leaves the web server deaf to the SIGINT the
    # launcher forwards: it must still stop at once, not after the launcher's grace
    # period (whoever sent SIGTERM may send SIGKILL a second later, orphaning it).
    marker = uuid.uuid4().hex
    _env, launcher = start_launcher(
        tmp_path,
        marker,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
    )
    try:
        assert wait_for(lambda: answers(PORT), 30), "the web server did not start"
    finally:
        launcher.terminate()
        stopping = time.monotonic()
        output, _ = launcher.communicate(timeout=30)

    assert time.monotonic() - stopping < 5, output
    assert wait_for(lambda: not processes_marked(marker), 10), output
    assert not answers(PORT)
