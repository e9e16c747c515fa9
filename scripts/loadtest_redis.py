"""The redis-down scenario of scripts/loadtest.py: inquiries keep arriving and pages keep
being read while the site's Redis is stopped and then started again.

The run starts a Redis server of its own (no persistence, on --redis-port) so that
stopping it disturbs nothing else on the machine and its return can be watched too.
"""

import shutil
import subprocess
import sys
import threading
import time
from collections import Counter
from itertools import pairwise
from statistics import median

from harness import form_tokens
from loadtest_site import (
    ARTICLE,
    FORM,
    SWEEP_WAIT_SECONDS,
    PublicForm,
    base_env,
    check_resends,
    check_stored_once,
    describe,
    notification_states,
    request,
    say,
    send_with_resends,
    server_errors_logged,
    stored_counts,
)

PHASES = ("up", "down", "back")
SECONDS = {"up": 3, "down": 5, "back": 4}
PUBLIC_PAGES = ("/", ARTICLE, FORM)
TRACEBACK = "Traceback (most recent call last)"


class TempRedis:
    """A Redis server on its own port, keeping nothing on disk, that the scenario can
    stop and start again like a cache server going away and coming back."""

    def __init__(self, port, folder):
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"
        self.log_path = folder / f"redis-{port}.log"
        self.process = None

    def start(self, timeout=10):
        binary = shutil.which("redis-server")
        if not binary:
            sys.exit("redis-server is needed: apt-get install -y redis-server")
        command = [binary, "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "no"]
        with open(self.log_path, "a") as log:
            self.process = subprocess.Popen(
                command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                sys.exit(f"redis-server on {self.port} exited:\n{self.log_path.read_text()}")
            try:
                self.command("PING")
                return
            except OSError:
                time.sleep(0.1)
        sys.exit(f"redis-server on {self.port} did not answer in {timeout} s")

    def command(self, *command):
        import redis

        with redis.Redis(port=self.port, socket_timeout=2) as client:
            try:
                return client.execute_command(*command)
            except redis.ConnectionError as error:
                raise OSError(error) from error

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class Traffic:
    """Patients sending the form (some twice) and readers loading public pages, each
    answer filed under the phase (Redis up, down, back) in which its request was sent."""

    def __init__(self, port, form, tokens, prefix, clients):
        self.port, self.form, self.prefix, self.clients = port, form, prefix, clients
        self.tokens = iter(enumerate(tokens))
        self.phase = PHASES[0]
        self.sent = {phase: [] for phase in PHASES}
        self.read = {phase: [] for phase in PHASES}  # (path, status, seconds)
        self.pairs = {phase: [] for phase in PHASES}  # forms sent twice
        self._lock, self._stop = threading.Lock(), threading.Event()
        self._threads = []

    def start(self):
        self._threads = [threading.Thread(target=self._patient) for _ in range(self.clients)]
        self._threads.append(threading.Thread(target=self._reader))
        for thread in self._threads:
            thread.start()

    def stop(self):
        self._stop.set()
        for thread in self._threads:
            thread.join()

    def _patient(self):
        while not self._stop.is_set():
            with self._lock:
                job = next(self.tokens, None)
            if job is None:
                return
            serial, token = job
            phase = self.phase
            address = f"{self.prefix}{serial}@example.com"
            body = self.form.body(token, address, serial)
            pairs = self.pairs[phase]
            sent = send_with_resends(self.form, self.port, serial, body, address, pairs)
            self.sent[phase].extend(sent)

    def _reader(self):
        for serial in range(1_000_000):
            if self._stop.is_set():
                return
            path, phase = PUBLIC_PAGES[serial % len(PUBLIC_PAGES)], self.phase
            began = time.monotonic()
            try:
                status = request(self.port, "GET", path)[0]
            except OSError:
                status = None
            self.read[phase].append((path, status, time.monotonic() - began))

    def outcomes(self):
        return [outcome for phase in PHASES for outcome in self.sent[phase]]


def log_size(server):
    return server.log_path.stat().st_size


def log_between(server, start, end):
    with open(server.log_path, "rb") as log:
        log.seek(start)
        return log.read(end - start).decode(errors="replace")


def traceback_sources(text, count=3):
    """The messages logged with a traceback, most frequent first: the line before each
    traceback that is neither blank nor the link between two chained exceptions."""
    lines = text.splitlines()
    sources = Counter(
        previous[:100]
        for previous, line in pairwise(lines)
        if line.startswith(TRACEBACK) and previous.strip() and not previous.endswith(":")
    )
    return sources.most_common(count)


def describe_reads(reads):
    statuses = Counter(status for _, status, _ in reads)
    times = [seconds * 1000 for _, _, seconds in reads]
    if not times:
        return "none"
    return (
        f"{len(reads)} GETs, {dict(sorted(statuses.items(), key=str))}, "
        f"p50 {median(times):.0f} ms, max {max(times):.0f} ms"
    )


def scenario_redis_down(run, result):
    """Redis stopped and started again while inquiries arrive and pages are read."""
    port = run.ports.server("redis-down")
    redis = run.start_service(TempRedis(run.ports.redis, run.folder))
    env = base_env(run.pg, port, REDIS_URL=redis.url)
    server = run.start_server(port, env)
    # The job queue is in this Redis too: the jobs queued while it is down are lost.
    worker = run.start_worker(env)
    say(f"  Redis of this run's own on {redis.port}; gunicorn on {port}")
    prefix = "lt.s5."
    traffic = Traffic(port, PublicForm(port), form_tokens(env, 3000), prefix, clients=4)
    logs = outage(redis, server, traffic)

    for phase in PHASES:
        say(f"  Redis {phase}: submissions {describe(traffic.sent[phase]) or 'none'}")
        say(f"  Redis {phase}: public pages {describe_reads(traffic.read[phase])}")
    check_submissions(run, result, traffic, prefix)
    check_emails(run, result, worker, prefix)
    for phase in PHASES:
        reads = traffic.read[phase]
        result.check(
            bool(reads) and all(status == 200 for _, status, _ in reads),
            f"home, article and form answered 200 while Redis was {phase} "
            f"({sum(status != 200 for _, status, _ in reads)} of {len(reads)} not)",
        )
    # Back: the site uses Redis again, for the page cache and the rate limit. The pages
    # read all along are served from each worker's own copy, so ask for one it has not
    # seen: its entry must be stored in Redis.
    request(port, "GET", "/locations/")
    keys = [key.decode() for key in redis.command("KEYS", "*")]
    pages = sum(":pages:response:" in key for key in keys)
    counters = sum(":inquiries:rate:" in key for key in keys)
    result.check(
        pages > 0 and counters > 0,
        f"Redis in use again: {pages} page entries, {counters} rate-limit counters "
        f"({len(keys)} keys)",
    )
    check_log(result, server, traffic, logs)


def outage(redis, server, traffic):
    """Run the traffic through Redis up, down and back; return the server's log of each."""
    traffic.start()
    try:
        time.sleep(SECONDS["up"])
        down_from, stopped_at = log_size(server), time.monotonic()
        traffic.phase = "down"
        redis.stop()
        say(f"  Redis stopped after {len(traffic.sent['up'])} submissions")
        time.sleep(SECONDS["down"])
        redis.start()
        down_to, down_for = log_size(server), time.monotonic() - stopped_at
        traffic.phase = "back"
        say(f"  Redis answering again after {down_for:.1f} s down")
        time.sleep(SECONDS["back"])
    finally:
        traffic.stop()
    return {
        "up": log_between(server, 0, down_from),
        "down": log_between(server, down_from, down_to),
        "back": log_between(server, down_to, log_size(server)),
    }


def check_submissions(run, result, traffic, prefix):
    """Every submission answered 303 and stored exactly once, through the outage."""
    outcomes = traffic.outcomes()
    others = result.tally(outcomes)
    result.check(
        result.accepted == len(outcomes),
        f"every submission answered 303 ({result.server_errors} 500s, "
        f"{len(outcomes) - result.accepted} not 303: {dict(others)})",
    )
    for phase in ("down", "back"):
        accepted = sum(outcome.status == 303 for outcome in traffic.sent[phase])
        result.check(accepted > 0, f"submissions accepted while Redis was {phase}: {accepted}")
    counts = stored_counts(run.pg, prefix)
    check_stored_once(result, outcomes, counts)
    unique = {outcome.email for outcome in outcomes}
    result.check(
        set(counts) == unique,
        f"{len(counts)} stored for {len(unique)} distinct forms sent "
        f"({len(unique - set(counts))} lost)",
    )
    pairs = [pair for phase in PHASES for pair in traffic.pairs[phase]]
    say(f"  forms sent twice: {len(pairs)}, {len(traffic.pairs['down'])} during the outage")
    check_resends(result, pairs)


def check_emails(run, result, worker, prefix):
    """The emails of inquiries stored while Redis was down had no job: the sweep sends
    them once Redis is back (within about two minutes)."""
    expected = 2 * len(stored_counts(run.pg, prefix))
    deadline, started = time.monotonic() + SWEEP_WAIT_SECONDS, time.monotonic()
    states = notification_states(run.pg, prefix)
    while states.get("sent", 0) < expected and time.monotonic() < deadline:
        time.sleep(1)
        states = notification_states(run.pg, prefix)
    result.emails = states.get("sent", 0)
    say(f"  notifications {time.monotonic() - started:.0f} s after the traffic: {states}")
    result.check(
        states == {"sent": expected},
        f"every email sent by the worker, those queued during the outage by the sweep "
        f"({states}, expected {expected} sent)",
    )
    result.check(worker.running, "the worker lived through the outage")


def check_log(result, server, traffic, logs):
    """What the outage wrote to gunicorn's log: a warning when Redis goes and one when it
    is back are enough to act on; a traceback per request buries everything else."""
    for phase, text in logs.items():
        requests = len(traffic.sent[phase]) + len(traffic.read[phase])
        say(
            f"  gunicorn's log while Redis was {phase}: {len(text.splitlines())} lines, "
            f"{text.count(TRACEBACK)} tracebacks, for {requests} requests; "
            f"tracebacks logged by: {traceback_sources(text) or 'none'}"
        )
    tracebacks = logs["down"].count(TRACEBACK)
    result.check(
        tracebacks == 0, f"no traceback in gunicorn's log during the outage ({tracebacks})"
    )
    logged = server_errors_logged(server)
    result.check(logged == 0, f"{logged} 500s in gunicorn's log")
