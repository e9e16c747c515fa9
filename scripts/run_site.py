"""`make run`'s one command: Django's development server and the job worker together.

Ctrl-C stops both; so does either of them stopping (the other is stopped too, and the
command exits with its code). Each runs in a process group of its own so that the
development server's auto-reloading child goes with it.

    .venv/bin/python scripts/run_site.py [PORT]
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
STOP_WAIT_SECONDS = 10


def start(*args):
    return subprocess.Popen(  # noqa: S603 (our own manage.py, fixed arguments)
        [sys.executable, "manage.py", *args], cwd=PROJECT, start_new_session=True
    )


def stop(processes):
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGINT)
    deadline = time.monotonic() + STOP_WAIT_SECONDS
    for process in processes:
        try:
            process.wait(timeout=max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def main():
    port = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("PORT", "8000")
    # SIGTERM (a process manager, a test) and SIGHUP (the terminal closed) stop both as
    # Ctrl-C does.
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGHUP, _interrupt)
    # Started in the background by a script (`make run &`), this process finds SIGINT
    # ignored, and the children would inherit that: the web server would not stop at
    # the SIGINT forwarded to it. A handled signal is reset to its default in a child.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    worker = start("run_huey")
    web = start("runserver", f"127.0.0.1:{port}")
    processes = [web, worker]
    print(f"Site on http://127.0.0.1:{port}/ and its job worker; Ctrl-C stops both.", flush=True)
    code = 0
    try:
        while all(process.poll() is None for process in processes):
            time.sleep(0.5)
        ended = next(process for process in processes if process.poll() is not None)
        name = "the web server" if ended is web else "the job worker"
        print(f"{name} stopped (exit code {ended.returncode}); stopping the other.", flush=True)
        code = ended.returncode or 1
    except KeyboardInterrupt:
        pass
    finally:
        stop(processes)
    return code


if __name__ == "__main__":
    sys.exit(main())
