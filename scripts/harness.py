"""Shared machinery for scripts/bench.py and scripts/loadtest.py: a throwaway PostgreSQL
cluster, gunicorn servers of the site, wrk runs, worker memory."""

import contextlib
import glob
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

PROJECT_ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = PROJECT_ROOT / ".venv" / "bin"
PYTHON = str(VENV_BIN / "python") if (VENV_BIN / "python").exists() else sys.executable
SECRET_KEY = "bench-and-loadtest-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"


def log(message):
    print(message, file=sys.stderr, flush=True)


def pg_bin(name):
    matches = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not matches:
        sys.exit(f"{name} not found: install PostgreSQL's server package (postgresql).")
    return matches[-1]


class TempPostgres:
    """A PostgreSQL cluster of our own in a temporary folder, on its own port, so that
    stopping or restarting it disturbs nothing else on the machine."""

    def __init__(self, port):
        self.port = port
        self.dir = Path(tempfile.mkdtemp(prefix="clinic-pg-"))
        self.data = self.dir / "data"
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_postgres:
            shutil.chown(self.dir, "postgres", "postgres")

    @property
    def url(self):
        return f"postgres://postgres@127.0.0.1:{self.port}/clinic"

    def _run(self, *args):
        subprocess.run([*self.as_postgres, *args], check=True, capture_output=True)

    def start(self):
        if not self.data.exists():
            self._run(pg_bin("initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust")
        options = (
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c max_connections=200"
        )
        self._run(
            pg_bin("pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.dir / "server.log"),
            "-w",
            "start",
        )
        self._run(pg_bin("psql"), *self._client_args(), "-tc", "SELECT 1")

    def _client_args(self):
        return ["-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres"]

    def create_database(self):
        subprocess.run([pg_bin("createdb"), *self._client_args(), "clinic"], capture_output=True)

    def stop(self, mode="fast"):
        self._run(pg_bin("pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def log_text(self):
        """The server's log so far (errors such as unique violations are logged there)."""
        path = self.dir / "server.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def query(self, sql, database="clinic", **variables):
        """Run SQL with psql in this cluster; return its rows, each a list of text fields.
        Values go in as psql variables, quoted by psql: `email LIKE :'pattern'`."""
        command = [
            pg_bin("psql"),
            *self._client_args(),
            "-d",
            database,
            "-v",
            "ON_ERROR_STOP=1",
            "-qAtF",
            "\t",
        ]
        for name, value in variables.items():
            command += ["-v", f"{name}={value}"]
        result = subprocess.run(
            [*command, "-f", "-"], input=sql, check=True, capture_output=True, text=True
        )
        return [line.split("\t") for line in result.stdout.splitlines() if line]

    def destroy(self):
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop("immediate")
        shutil.rmtree(self.dir, ignore_errors=True)


def site_env(database_url, **extra):
    """Production settings for a local run: debug off, HTTP allowed, plain-text secrets."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "clinic.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": SECRET_KEY,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_SECURE_COOKIES": "false",
        "DJANGO_LOG_LEVEL": "WARNING",
        "DATABASE_URL": database_url,
    }
    env.update({key: str(value) for key, value in extra.items()})
    return env


def manage(env, *args, quiet=True):
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=PROJECT_ROOT, env=env, capture_output=quiet, text=True
    )
    if result.returncode != 0:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


class Gunicorn:
    """gunicorn serving a WSGI app on 127.0.0.1:port."""

    def __init__(self, app, port, env, *, workers=2, chdir=PROJECT_ROOT, log_path=None):
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.log_path = log_path or Path(tempfile.mkstemp(prefix="gunicorn-", suffix=".log")[1])
        command = [
            str(VENV_BIN / "gunicorn"),
            app,
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            "sync",
            "--chdir",
            str(chdir),
            "--graceful-timeout",
            "5",
            "--timeout",
            "60",
            "--backlog",
            "2048",
        ]
        self.process = subprocess.Popen(
            command,
            env=env,
            stdout=open(self.log_path, "w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_until_up(self, path="/", timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                sys.exit(f"gunicorn on {self.port} exited; log:\n{self.log_path.read_text()}")
            try:
                urllib.request.urlopen(self.url + path, timeout=2)
                return
            except urllib.error.HTTPError:
                return  # it answered
            except OSError:
                time.sleep(0.2)
        sys.exit(f"gunicorn on {self.port} did not answer in {timeout} s")

    def worker_pids(self):
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]

    def worker_rss_mb(self):
        """Mean resident memory of the workers, in MB."""
        sizes = []
        for pid in self.worker_pids():
            status = Path(f"/proc/{pid}/status").read_text()
            sizes.append(int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) / 1024)
        return sum(sizes) / len(sizes)

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)


class Worker:
    """The site's job worker (`manage.py run_huey`), as a clinic runs it beside gunicorn."""

    def __init__(self, env, *, log_path=None):
        self.env = env
        self.log_path = log_path or Path(tempfile.mkstemp(prefix="worker-", suffix=".log")[1])
        self.process = None
        self.start()

    def start(self):
        self.process = subprocess.Popen(
            [PYTHON, "manage.py", "run_huey"],
            cwd=PROJECT_ROOT,
            env=self.env,
            stdout=open(self.log_path, "a"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    @property
    def running(self):
        return self.process is not None and self.process.poll() is None

    def stop(self, *, abruptly=False):
        """Ctrl-C (huey finishes the jobs in hand), or SIGKILL: a worker that dies."""
        if not self.running:
            return
        os.killpg(self.process.pid, signal.SIGKILL if abruptly else signal.SIGINT)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def ensure_wrk():
    if shutil.which("wrk"):
        return "wrk"
    if os.geteuid() == 0 and shutil.which("apt-get"):
        log("Installing wrk from the system's packages...")
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], capture_output=True)
        if shutil.which("wrk"):
            return "wrk"
    sys.exit("wrk is needed: apt-get install -y wrk")


def run_wrk(url, *, seconds, connections, threads=2, script=None, headers=()):
    command = [
        ensure_wrk(),
        "--latency",
        "-d",
        f"{seconds}s",
        "-c",
        str(connections),
        "-t",
        str(threads),
        # wrk's own 2 s would count a slow dashboard as a socket error, not a latency.
        "--timeout",
        "10s",
    ]
    for header in headers:
        command += ["-H", header]
    if script:
        command += ["-s", str(script)]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    return parse_wrk(output)


def _to_ms(value):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def parse_wrk(output):
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50_ms": _to_ms(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1)),
        "p99_ms": _to_ms(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1)),
        "max_ms": _to_ms(re.search(r"Latency\s+\S+\s+\S+\s+(\S+)", output).group(1)),
        "requests": requests,
        "bad_status": int(bad.group(1)) if bad else 0,
        "socket_errors": sum(map(int, errors.groups())) if errors else 0,
    }


def shell(env, code):
    """Run Python in `manage.py shell` with the site's settings; return what it printed."""
    return manage(env, "shell", "--verbosity", "0", "-c", code).strip()


FORM_TOKENS = """
import time
from inquiries.spam import issue_form_token
shown = time.time() - 30
print("\\n".join(issue_form_token(now=shown) for _ in range({count})))
"""


def submission(*, csrf_token, topic, form_token, first_name, last_name, email):
    """A valid, urlencoded "Get in touch" form submission."""
    return urlencode(
        {
            "csrfmiddlewaretoken": csrf_token,
            "first_name": first_name,
            "last_name": last_name,
            "email": email,
            "contact_method": "email",
            "phone": "",
            "best_time": "Weekday mornings",
            "topic": topic,
            "message": "I would like to know whether ketamine therapy could help me.",
            "consent": "on",
            "website": "",
            "form_token": form_token,
        }
    )


def form_tokens(env, count):
    """Fresh signed form tokens, as if each form had been shown 30 seconds ago."""
    return shell(env, FORM_TOKENS.format(count=count)).splitlines()


STAFF_SESSION = """
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
user, _ = get_user_model().objects.get_or_create(username="{username}")
user.is_staff = user.is_superuser = True
user.set_unusable_password()
user.save()
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.set_expiry(3600)
session.save()
print(session.session_key)
"""


def staff_session(env, username):
    """The session key of a signed-in superuser, for driving the admin over HTTP."""
    return shell(env, STAFF_SESSION.format(username=username))
