#!/usr/bin/env python
"""Load and fault test: no inquiry lost or doubled under load, through outages of the
database, the mail server and Redis, and with two app servers sharing PostgreSQL and Redis.

    .venv/bin/python scripts/loadtest.py [--scenario all|concurrency|db-restart|smtp|
        two-servers|redis-down|worker-restart|worker-crash] [--app-port 8801] [--smtp-port 8825]
        [--pg-port 25432] [--redis-port 6399] [--redis-url redis://127.0.0.1:6379/6]
        [--keep-logs]

Starts a PostgreSQL cluster of its own (initdb and pg_ctl in a temporary folder, on
--pg-port), migrates it and loads the demo content, serves the site with gunicorn on
127.0.0.1 (production settings; one port per scenario from --app-port on, two for
two-servers: 8801-8808 by default), each scenario with the site's job worker
(`manage.py run_huey`) beside it, its queue in the Redis at --redis-url (flushed when the
run starts; redis-down's in the Redis it stops), and runs:

1. concurrency: 2,000 valid submissions from 50 concurrent clients (rate limit raised),
   some sent twice (one after the other, and two at the same instant): every 303 is
   stored exactly once, a resend lands on the same thank-you page, and the worker sends
   each inquiry's two emails.
2. db-restart: continuous submissions while PostgreSQL is stopped and started again: each
   is answered 303 or 503, never 500 or a dropped connection; every 303 is stored; the
   same gunicorn answers 303 again afterwards; a form answered 503 and sent again is
   stored once.
3. smtp (scripts/loadtest_mail.py): the mail server unreachable (inquiries stored and
   answered 303, emails pending with the error recorded by the worker), then reachable
   (an aiosmtpd sink on --smtp-port): the worker and two overlapping manual
   `send_pending_notifications` runs send each email exactly once, counted at the sink.
4. two-servers: two gunicorns sharing the database and the Redis at --redis-url (its
   database flushed first): the rate limit (5 per 10 minutes) holds across both, and a
   page saved in the admin on one server is fresh on both within 2 seconds (it polls
   and prints how long it took).
5. redis-down (scripts/loadtest_redis.py): continuous submissions, some sent twice, and
   reads of home, article and form while a Redis of the run's own (on --redis-port) is
   stopped for 5 s and started again: every submission answered 303 and stored exactly
   once, every page 200, Redis used again once back; prints the lines and tracebacks
   gunicorn logged in each phase, and fails on any traceback during the outage; the
   jobs queued while Redis was down are lost with it, and the sweep sends their emails.
6. worker-restart (scripts/loadtest_mail.py): 500 submissions from 10 clients; the
   worker is stopped after 150 (SIGINT, as Ctrl-C or the README's systemd unit stop it:
   the jobs in hand finish) and started again after 350: 0 inquiries lost, 0 emails
   lost, 0 sent twice, counted at the SMTP sink.
7. worker-crash: the same with the worker killed (SIGKILL): 0 inquiries and 0 emails
   lost (the sweep sends those whose job died with it); an email the mail server took
   just before the kill, its "sent" mark unsaved, goes twice (at most 2: the jobs in
   hand), which the run reports.

Two runs on one machine need different ports: pass every option. Prints the figures as
it goes and a summary table; exits 1 if any check fails. Everything it starts
(gunicorns, the SMTP sink, Redis, the cluster) is stopped even on failure.
"""

import argparse
import html
import os
import re
import shutil
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import (  # noqa: E402
    Gunicorn,
    TempPostgres,
    Worker,
    form_tokens,
    manage,
    staff_session,
)
from loadtest_mail import (  # noqa: E402
    scenario_smtp,
    scenario_worker_crash,
    scenario_worker_restart,
)
from loadtest_redis import scenario_redis_down  # noqa: E402
from loadtest_site import (  # noqa: E402
    ARTICLE,
    PublicForm,
    Result,
    base_env,
    check_resends,
    check_stored_once,
    cookies_from,
    describe,
    notification_states,
    port_in_use,
    request,
    say,
    send_with_resends,
    server_errors_logged,
    stored_counts,
)

ADMIN = "/" + os.environ.get("DJANGO_ADMIN_PATH", "admin").strip("/") + "/"
TOKEN_VIOLATION = 'violates unique constraint "inquiries_inquiry_submission_token'
# Emails whose job was lost (PostgreSQL or Redis down when it ran) wait for the sweep.
SWEEP_WAIT_SECONDS = 180


# --- scenarios -----------------------------------------------------------------------


def scenario_concurrency(run, result):
    """2,000 submissions, 50 at a time, some sent twice: each stored exactly once."""
    port = run.ports.server("concurrency")
    env = base_env(run.pg, port, REDIS_URL=run.ports.redis_url)
    server = run.start_server(port, env)
    run.start_worker(env)
    form = PublicForm(port)
    count, clients, prefix = 2000, 50, "lt.s1."
    tokens = form_tokens(env, count)
    pairs = []  # (first, second) outcomes of a body sent twice

    def submit(job):
        serial, token = job
        address = f"{prefix}{serial}@example.com"
        return send_with_resends(
            form, port, serial, form.body(token, address, serial), address, pairs
        )

    violations_before = run.pg.log_text().count(TOKEN_VIOLATION)
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        outcomes = [outcome for batch in pool.map(submit, enumerate(tokens)) for outcome in batch]
    elapsed = time.monotonic() - started
    others = result.tally(outcomes)
    say(
        f"  {count} unique submissions + {len(pairs)} resent, {clients} clients: "
        f"{len(outcomes)} requests in {elapsed:.1f} s ({len(outcomes) / elapsed:.0f}/s): "
        f"{describe(outcomes)}"
    )
    result.check(
        result.accepted == len(outcomes),
        f"every request answered 303 ({len(outcomes) - result.accepted} not: {dict(others)})",
    )
    counts = stored_counts(run.pg, prefix)
    check_stored_once(result, outcomes, counts)
    result.check(len(counts) == count, f"{len(counts)} of {count} unique submissions stored")
    check_resends(result, pairs)
    # Each second copy reached the INSERT and was stopped by the unique form token.
    violations = run.pg.log_text().count(TOKEN_VIOLATION) - violations_before
    result.check(
        violations == len(pairs),
        f"PostgreSQL refused {violations} second copies on the unique form token "
        f"(one per resent form: {len(pairs)})",
    )
    # The thank-you page a resent form lands on names the one inquiry stored for it.
    references = {
        address: f"INQ-{int(pk):06d}"
        for pk, address in run.pg.query(
            "SELECT id, email FROM inquiries_inquiry WHERE email LIKE :'pattern'",
            pattern=prefix + "%",
        )
    }

    def shown_reference(pair):
        status, _, content = request(port, "GET", pair[2].location)
        match = re.search(rb"INQ-\d+", content)
        return status == 200 and match is not None and match.group().decode()

    with ThreadPoolExecutor(max_workers=10) as pool:
        shown = list(pool.map(shown_reference, pairs))
    wrong = [
        (pair[1].email, reference)
        for pair, reference in zip(pairs, shown, strict=True)
        if reference != references.get(pair[1].email)
    ]
    result.check(
        not wrong,
        f"the {len(pairs)} resent forms' thank-you pages each show the reference of the one "
        f"stored inquiry, e.g. {shown[0]} ({len(wrong)} wrong: {wrong[:3]})",
    )
    states, waited = wait_until_sent(run, prefix, 2 * len(counts), 120)
    result.emails = states.get("sent", 0)
    say(f"  notifications {waited:.0f} s after the last submission: {states}")
    result.check(
        result.emails == 2 * len(counts),
        f"{result.emails} emails sent by the worker for {len(counts)} inquiries (2 each, "
        "locmem backend)",
    )
    result.check(server_errors_logged(server) == 0, "no 500 in gunicorn's log")


def scenario_db_restart(run, result):
    """PostgreSQL stopped and started under continuous submissions."""
    port = run.ports.server("db-restart")
    # Long-lived connections, so every worker holds one that the restart breaks.
    env = base_env(run.pg, port, DJANGO_CONN_MAX_AGE=600, REDIS_URL=run.ports.redis_url)
    server = run.start_server(port, env)
    worker = run.start_worker(env)
    form = PublicForm(port)
    prefix, clients = "lt.s2.", 10
    tokens = iter(enumerate(form_tokens(env, 6000)))
    lock, stop = threading.Lock(), threading.Event()
    outcomes = []

    def client():
        while not stop.is_set():
            with lock:
                job = next(tokens, None)
            if job is None:
                return
            serial, token = job
            address = f"{prefix}{serial}@example.com"
            outcome = form.post(port, form.body(token, address, serial), address)
            outcomes.append(outcome)
            if outcome.status != 303:
                time.sleep(0.1)  # a person reads the error before trying anything else

    workers_before = sorted(server.worker_pids())
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(3)
        before_stop = len(outcomes)
        stopped_at = time.monotonic()
        run.pg.stop("fast")
        say(f"  PostgreSQL stopped after {before_stop} submissions")
        try:
            time.sleep(1)
            health_down = request(port, "GET", "/healthz")[0]
            time.sleep(2)
        finally:
            run.pg.start()
        down_for = time.monotonic() - stopped_at
        say(f"  PostgreSQL started again after {down_for:.1f} s down")
        time.sleep(4)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    others = result.tally(outcomes)
    say(f"  during the run: {len(outcomes)} submissions: {describe(outcomes)}")
    result.check(
        not others and result.server_errors == 0,
        f"each answered 303 or 503 ({result.server_errors} 500s, {result.errors} others: "
        f"{dict(others)})",
    )
    result.check(result.unavailable > 0, f"the outage was seen: {result.unavailable} 503s")
    result.check(health_down == 503, f"/healthz during the outage answered {health_down}")

    # Recovery: the same gunicorn, never restarted, takes submissions again at once.
    counts_before_retry = stored_counts(run.pg, prefix)
    recovery = []
    for serial, token in zip(range(100_000, 100_020), form_tokens(env, 20), strict=True):
        address = f"{prefix}{serial}@example.com"
        recovery.append(form.post(port, form.body(token, address, serial), address))
    result.tally(recovery)
    health_up = request(port, "GET", "/healthz")[0]
    result.check(
        all(outcome.status == 303 for outcome in recovery),
        f"after the restart: 20 new submissions: {describe(recovery)}",
    )
    result.check(health_up == 200, f"/healthz after the restart answered {health_up}")
    workers_after = sorted(server.worker_pids())
    result.check(
        server.process.poll() is None,
        f"same gunicorn master (pid {server.process.pid}) still serving; workers "
        f"{'unchanged' if workers_after == workers_before else 'replaced'} "
        f"({workers_before} -> {workers_after})",
    )

    # A patient answered 503 sends the same form again (same token): stored once.
    refused = [outcome for outcome in outcomes if outcome.status == 503]
    ghosts = sum(1 for outcome in refused if counts_before_retry.get(outcome.email))
    say(f"  answered 503 but stored anyway (commit landed, answer did not): {ghosts}")
    with ThreadPoolExecutor(max_workers=clients) as pool:
        resent = list(pool.map(lambda o: form.post(port, o.body, o.email), refused))
    result.tally(resent)
    result.check(
        all(outcome.status == 303 for outcome in resent),
        f"the {len(refused)} forms answered 503, sent again: {describe(resent) or 'none'}",
    )
    counts = stored_counts(run.pg, prefix)
    everything = outcomes + recovery + resent
    check_stored_once(result, everything, counts)
    unique = {outcome.email for outcome in everything}
    result.check(
        set(counts) == unique,
        f"{len(counts)} stored for {len(unique)} distinct forms sent (after resending the 503s)",
    )
    states, waited = wait_until_sent(run, prefix, 2 * len(counts), SWEEP_WAIT_SECONDS)
    result.emails = states.get("sent", 0)
    say(f"  notifications {waited:.0f} s after the last submission: {states}")
    result.check(worker.running, "the worker lived through the restart")
    result.check(
        states == {"sent": 2 * len(counts)},
        f"every email sent by the worker after the restart ({states})",
    )
    if states.get("pending"):
        pending = run.pg.query(
            "SELECT i.email, n.kind, n.attempts, n.last_error FROM inquiries_notification n "
            "JOIN inquiries_inquiry i ON i.id = n.inquiry_id "
            "WHERE i.email LIKE :'pattern' AND n.state = 'pending' ORDER BY n.id",
            pattern=prefix + "%",
        )
        say(
            f"  left pending: {pending[:4]} (an email handed to the backend whose 'sent' mark "
            "did not reach the database is sent again by the sweep: at least once, not "
            "exactly once, across an outage)"
        )
    logged = server_errors_logged(server)
    result.check(logged == 0, f"{logged} 500s in gunicorn's log")
    # The outage is logged once when it starts and once when it ends, per worker.
    log_text = server.log_path.read_text(errors="replace")
    tracebacks = log_text.count("Traceback (most recent call last)")
    outage_lines = [line for line in log_text.splitlines() if line.startswith("PostgreSQL ")]
    say(f"  gunicorn's log: {len(log_text.splitlines())} lines; outage lines: {outage_lines}")
    result.check(tracebacks == 0, f"no traceback in gunicorn's log ({tracebacks})")


# Everything of the page but its title, to show the admin round trip changed nothing else
# (as in a browser, the form trims trailing whitespace and the time widget drops microseconds).
PAGE_PARTS = ("slug", "summary", "body", "status", "parent", "publish_at", "reviewer")
PAGE_FINGERPRINT = """
SELECT md5(p.slug), md5(rtrim(p.summary, E' \n')), md5(rtrim(p.body, E' \n')), p.status,
       coalesce(p.parent_id::text, ''), coalesce(date_trunc('second', p.publish_at)::text, ''),
       coalesce(p.reviewer_id::text, ''),
       (SELECT md5(string_agg(concat_ws('|', question, answer, "order"), '/' ORDER BY id))
          FROM pages_faq WHERE page_id = p.id),
       (SELECT md5(string_agg(concat_ws('|', citation, url, "order"), '/' ORDER BY id))
          FROM pages_reference WHERE page_id = p.id)
FROM pages_page p WHERE p.id = :'page_id'
"""


def changed_parts(before, after):
    names = [*PAGE_PARTS, "faqs", "references"]
    return [
        f"{name}: {old!r} -> {new!r}"
        for name, old, new in zip(names, before[0], after[0], strict=True)
        if old != new
    ]


def heading(content):
    """The text of the page's <h1>."""
    match = re.search(rb"<h1[^>]*>(.*?)</h1>", content, re.S)
    return html.unescape(match.group(1).decode().strip()) if match else None


class FormFields(HTMLParser):
    """The fields a browser submits from one form: inputs, selects and textareas."""

    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.fields = []
        self._select = self._textarea = None
        self._options, self._text = [], []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self.inside = attributes.get("id") == self.form_id
        elif not self.inside:
            return
        elif tag == "input":
            kind = (attributes.get("type") or "text").lower()
            name = attributes.get("name")
            if not name or kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio"):
                if "checked" in attributes:
                    self.fields.append((name, attributes.get("value") or "on"))
                return
            self.fields.append((name, attributes.get("value") or ""))
        elif tag == "select":
            self._select = (attributes.get("name"), "multiple" in attributes)
            self._options = []
        elif tag == "option" and self._select:
            self._options.append((attributes.get("value") or "", "selected" in attributes))
        elif tag == "textarea":
            self._textarea, self._text = attributes.get("name"), []

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select" and self._select:
            name, multiple = self._select
            chosen = [value for value, selected in self._options if selected]
            if not chosen and not multiple and self._options:
                chosen = [self._options[0][0]]  # what a browser sends for a plain select
            if name:
                self.fields.extend((name, value) for value in chosen)
            self._select = None
        elif tag == "textarea" and self._textarea:
            text = "".join(self._text)
            # HTML drops one newline right after <textarea>; Django writes one there.
            self.fields.append((self._textarea, text.removeprefix("\r\n").removeprefix("\n")))
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)


def redis_command(url, *command):
    """One command to a Redis, through redis-py (the site's client too)."""
    import redis

    with redis.Redis.from_url(url) as client:
        return client.execute_command(*command)


# In normal running, a save is visible on every server within this many seconds (each
# server may keep a short-lived local copy of a page in front of Redis).
FRESH_WITHIN = 2.0


def poll_until_fresh(port, title, since):
    """GET the article until it shows this title or FRESH_WITHIN seconds have passed since
    `since` (when the save was answered); return the last answer, the wait and the GETs made."""
    polls = 0
    while True:
        answer = request(port, "GET", ARTICLE)
        polls += 1
        waited = time.monotonic() - since
        if heading(answer[2]) == title or waited > FRESH_WITHIN:
            return answer, waited, polls
        time.sleep(0.05)


def scenario_two_servers(run, result):
    """Two app servers, one database, one Redis: one rate limit, one page cache."""
    port_a, port_b = run.ports.server("two-servers"), run.ports.server("two-servers", 1)
    redis_url = run.ports.redis_url
    redis_command(redis_url, "FLUSHDB")
    say(f"  flushed {redis_url}")
    env = base_env(
        run.pg,
        port_a,
        REDIS_URL=redis_url,
        INQUIRY_RATE_LIMIT=5,
        INQUIRY_RATE_WINDOW_SECONDS=600,
    )
    server_a = run.start_server(port_a, env)
    server_b = run.start_server(port_b, env)
    run.start_worker(env)
    form = PublicForm(port_a)  # the same browser on both servers: one CSRF cookie

    # The rate limit: 12 submissions from one address, alternating between the servers.
    prefix, count = "lt.s4.", 12
    outcomes = []
    for serial, token in enumerate(form_tokens(env, count)):
        port = (port_a, port_b)[serial % 2]
        address = f"{prefix}{serial}@example.com"
        outcomes.append(form.post(port, form.body(token, address, serial), address))
    result.tally(outcomes)
    say(
        "  rate limit, alternating A/B: "
        + " ".join(f"{'AB'[o.port == port_b]}:{o.status}" for o in outcomes)
    )
    expected = [303] * 5 + [429] * (count - 5)
    result.check(
        [outcome.status for outcome in outcomes] == expected,
        f"exactly 5 accepted across both servers, then 429 ({result.accepted} accepted, "
        f"{result.limited} limited)",
    )
    real = stored_counts(run.pg, prefix, real_only=True)
    every = stored_counts(run.pg, prefix)
    check_stored_once(result, outcomes, every)
    result.stored = len(real)
    result.check(
        len(real) == 5 and len(every) == count,
        f"{len(real)} stored as new inquiries, {len(every) - len(real)} kept as spam "
        f"(rate-limited copies)",
    )

    # A page saved through server A is fresh on server B at the next request.
    [(page_id, old_title)] = run.pg.query(
        "SELECT id, title FROM pages_page WHERE slug = 'ketamine-for-ptsd'"
    )
    untouched_before = run.pg.query(PAGE_FINGERPRINT, page_id=page_id)
    first = request(port_b, "GET", ARTICLE)
    second = request(port_b, "GET", ARTICLE)
    cached = redis_command(redis_url, "KEYS", "*pages:response:*")
    old_etag = second[1]["ETag"]
    result.check(
        first[0] == second[0] == 200
        and old_etag == first[1]["ETag"]
        and cached
        and heading(second[2]) == old_title,
        f"article warm in B's cache: 200, <h1> {heading(second[2])!r}, the same ETag "
        f"{old_etag} twice, {len(cached)} page entries in Redis",
    )
    session = staff_session(env, "loadtest-staff")
    cookie = f"csrftoken={form.csrf_cookie}; sessionid={session}"
    change = f"{ADMIN}pages/page/{page_id}/change/"
    status, headers, content = request(port_a, "GET", change, headers={"Cookie": cookie})
    if not result.check(status == 200, f"admin change form on A: GET {change} -> {status}"):
        return
    fresh_cookies = cookies_from(headers)
    if fresh_cookies:
        cookie = "; ".join(
            f"{name}={value}"
            for name, value in {
                "csrftoken": form.csrf_cookie,
                "sessionid": session,
                **fresh_cookies,
            }.items()
        )
    parser = FormFields("page_form")
    parser.feed(content.decode())
    fields = parser.fields
    new_title = f"PTSD and ketamine, edited through server A at {int(time.time())}"
    names = [name for name, _ in fields]
    say(
        f"  change form: {len(fields)} fields, management forms "
        f"{[n for n in names if n.endswith('TOTAL_FORMS')]}"
    )
    fields = [(name, new_title if name == "title" else value) for name, value in fields]
    fields.append(("_save", "Save"))
    status, headers, content = request(
        port_a,
        "POST",
        change,
        body=urlencode(fields),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": cookie,
            "Referer": f"http://127.0.0.1:{port_a}{change}",
        },
    )
    saved_at = time.monotonic()  # the save committed before the admin answered
    if not result.check(status == 302, f"admin save on A: POST -> {status}"):
        errors = re.findall(r'class="errorlist[^"]*"[^>]*>(.*?)</ul>', content.decode(), re.S)
        say(f"       form errors: {[re.sub(r'<[^>]+>', '', e) for e in errors][:5]}")
        return
    # Poll at once, so the wait measured is the site's, not this script's checks'.
    on_b = poll_until_fresh(port_b, new_title, saved_at)
    on_a = poll_until_fresh(port_a, new_title, saved_at)
    [(saved_title,)] = run.pg.query(
        "SELECT title FROM pages_page WHERE id = :'page_id'", page_id=page_id
    )
    result.check(saved_title == new_title, f"title in the database: {saved_title!r}")
    untouched_after = run.pg.query(PAGE_FINGERPRINT, page_id=page_id)
    result.check(
        untouched_after == untouched_before,
        "the rest of the page (body, summary, slug, status, FAQs, references) round-tripped "
        "through the parsed form unchanged "
        f"(changed: {changed_parts(untouched_before, untouched_after) or 'nothing'})",
    )
    (status, headers, content), waited, polls = on_b
    result.check(
        status == 200
        and heading(content) == new_title
        and headers["ETag"] != old_etag
        and waited <= FRESH_WITHIN,
        f"the article on B fresh within {FRESH_WITHIN:.0f} s of the save: {status} "
        f"{waited:.2f} s after the admin's answer ({polls} GETs), "
        f"<h1> {heading(content)!r}, ETag {headers['ETag']} (was {old_etag})",
    )
    (status, _, content), waited, polls = on_a
    result.check(
        status == 200 and heading(content) == new_title and waited <= FRESH_WITHIN,
        f"and on A: {status} {waited:.2f} s after ({polls} GETs), <h1> {heading(content)!r}",
    )
    result.emails = notification_states(run.pg, prefix).get("sent", 0)
    for server in (server_a, server_b):
        result.check(server_errors_logged(server) == 0, f"no 500 in the log of {server.url}")


def wait_until_sent(run, prefix, expected, seconds):
    deadline, started = time.monotonic() + seconds, time.monotonic()
    while True:
        states = notification_states(run.pg, prefix)
        if states.get("sent", 0) >= expected or time.monotonic() > deadline:
            return states, time.monotonic() - started
        time.sleep(1)


SCENARIOS = {
    "concurrency": scenario_concurrency,
    "db-restart": scenario_db_restart,
    "smtp": scenario_smtp,
    "two-servers": scenario_two_servers,
    "redis-down": scenario_redis_down,
    "worker-restart": scenario_worker_restart,
    "worker-crash": scenario_worker_crash,
}


# --- running ---------------------------------------------------------------------

# Each scenario's gunicorn ports, counted from --app-port: one each, two for two-servers.
SERVER_SLOTS = {
    "concurrency": 0,
    "db-restart": 1,
    "smtp": 2,
    "two-servers": 3,
    "redis-down": 5,
    "worker-restart": 6,
    "worker-crash": 7,
}
SERVERS_PER_SCENARIO = {"two-servers": 2}
APP_PORTS = 8


@dataclass(frozen=True)
class Ports:
    """Where one run listens and what it connects to, from the command line, so that two
    runs on one machine can each have their own. The defaults are below the ephemeral
    port range (32768-60999 on Linux): a client connection left in TIME_WAIT by a
    benchmark could otherwise hold a port and stop the cluster starting."""

    app: int = 8801
    smtp: int = 8825
    pg: int = 25432
    redis: int = 6399
    redis_url: str = "redis://127.0.0.1:6379/6"

    def server(self, scenario, index=0):
        """The port of a scenario's gunicorn (two-servers has two: index 0 and 1)."""
        return self.app + SERVER_SLOTS[scenario] + index

    def taken(self, scenarios):
        """The ports these scenarios would listen on that something already holds."""
        wanted = [("--pg-port", self.pg)]
        for name in scenarios:
            for index in range(SERVERS_PER_SCENARIO.get(name, 1)):
                wanted.append(("--app-port", self.server(name, index)))
        if {"smtp", "worker-restart", "worker-crash"} & set(scenarios):
            wanted.append(("--smtp-port", self.smtp))
        if "redis-down" in scenarios:
            wanted.append(("--redis-port", self.redis))
        return [(option, port) for option, port in wanted if port_in_use(port)]


class Run:
    """What one run started, so that all of it is stopped whatever happens."""

    def __init__(self, ports):
        self.ports = ports
        self.folder = Path(tempfile.mkdtemp(prefix="clinic-loadtest-"))
        self.pg = None
        self.servers = []
        self.services = []  # the SMTP sink, a Redis of the run's own
        self.workers = []

    def start_database(self):
        port = self.ports.pg
        if port_in_use(port):
            sys.exit(f"port {port} is in use: another PostgreSQL (or a leftover run?)")
        self.pg = TempPostgres(port)
        self.pg.start()
        self.pg.create_database()
        env = base_env(self.pg, self.ports.app)
        started = time.monotonic()
        manage(env, "migrate", "--noinput")
        manage(env, "collectstatic", "--noinput", "--clear")
        manage(env, "load_demo_content")
        say(
            f"PostgreSQL on {port} in {self.pg.dir}: migrated, demo content loaded in "
            f"{time.monotonic() - started:.0f} s"
        )

    def start_server(self, port, env):
        if port_in_use(port):
            sys.exit(f"port {port} is in use")
        server = Gunicorn("clinic.wsgi", port, env, log_path=self.folder / f"gunicorn-{port}.log")
        self.servers.append(server)
        server.wait_until_up("/healthz")
        return server

    def start_worker(self, env):
        """The site's job worker beside the scenario's servers, stopped with them."""
        number = len(self.workers) + 1
        worker = Worker(env, log_path=self.folder / f"worker-{number}.log")
        self.workers.append(worker)
        return worker

    def start_service(self, service):
        """Start something with start() and stop() that the scenario's end must stop."""
        self.services.append(service)
        service.start()
        return service

    def stop_servers(self):
        while self.workers:
            self.workers.pop().stop()
        while self.servers:
            self.servers.pop().stop()
        while self.services:
            self.services.pop().stop()

    def close(self, keep_logs):
        self.stop_servers()
        if self.pg is not None:
            self.pg.destroy()
        if keep_logs:
            say(f"gunicorn logs kept in {self.folder}")
        else:
            shutil.rmtree(self.folder, ignore_errors=True)


def print_summary(results):
    columns = [
        ("scenario", 15),
        ("sent", 6),
        ("303", 6),
        ("503", 5),
        ("429", 5),
        ("500", 5),
        ("errors", 7),
        ("stored", 7),
        ("dups", 5),
        ("emails", 7),
        ("seconds", 8),
        ("result", 7),
    ]
    say(
        "\n"
        + "".join(
            f"{name:<{width}}" if i == 0 else f"{name:>{width}}"
            for i, (name, width) in enumerate(columns)
        )
    )
    for r in results:
        values = [
            r.name,
            r.sent,
            r.accepted,
            r.unavailable,
            r.limited,
            r.server_errors,
            r.errors,
            r.stored,
            r.duplicates,
            r.emails,
            f"{r.seconds:.1f}",
            "PASS" if not r.failures else "FAIL",
        ]
        say(
            "".join(
                f"{value:<{width}}" if i == 0 else f"{value:>{width}}"
                for i, (value, (_, width)) in enumerate(zip(values, columns, strict=True))
            )
        )
    for r in results:
        for failure in r.failures:
            say(f"FAIL {r.name}: {failure}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenario", choices=["all", *SCENARIOS], default="all")
    parser.add_argument(
        "--keep-logs", action="store_true", help="keep gunicorn's logs even when all pass"
    )
    defaults = Ports()
    parser.add_argument(
        "--app-port",
        type=int,
        default=defaults.app,
        metavar="PORT",
        help=f"the first of {APP_PORTS} consecutive ports for the scenarios' gunicorns, in "
        f"the order {', '.join(SERVER_SLOTS)} (default {defaults.app}: "
        f"{defaults.app}-{defaults.app + APP_PORTS - 1})",
    )
    parser.add_argument(
        "--smtp-port",
        type=int,
        default=defaults.smtp,
        metavar="PORT",
        help=f"the SMTP sink's port for smtp, free at the start (default {defaults.smtp})",
    )
    parser.add_argument(
        "--pg-port",
        type=int,
        default=defaults.pg,
        metavar="PORT",
        help=f"the temporary PostgreSQL cluster's port (default {defaults.pg})",
    )
    parser.add_argument(
        "--redis-port",
        type=int,
        default=defaults.redis,
        metavar="PORT",
        help="the port of the Redis server that redis-down starts, stops and starts again "
        f"(default {defaults.redis})",
    )
    parser.add_argument(
        "--redis-url",
        default=defaults.redis_url,
        metavar="URL",
        help="the running Redis that two-servers shares between its servers; its database "
        f"is flushed first (default {defaults.redis_url})",
    )
    args = parser.parse_args()
    chosen = list(SCENARIOS) if args.scenario == "all" else [args.scenario]
    ports = Ports(
        app=args.app_port,
        smtp=args.smtp_port,
        pg=args.pg_port,
        redis=args.redis_port,
        redis_url=args.redis_url,
    )
    # Refuse before initdb rather than after a minute of setup.
    if taken := ports.taken(chosen):
        sys.exit(
            "in use: "
            + ", ".join(f"port {port} ({option})" for option, port in taken)
            + ": another run, or a leftover one? Choose other ports with the options."
        )

    run, results = Run(ports), []
    started = time.monotonic()
    try:
        # The job queue starts empty: no job of an earlier run against another database.
        redis_command(ports.redis_url, "FLUSHDB")
        run.start_database()
        for name in chosen:
            say(f"\n== {name}: {SCENARIOS[name].__doc__}")
            result = Result(name)
            results.append(result)
            began = time.monotonic()
            try:
                SCENARIOS[name](run, result)
            except (Exception, SystemExit) as error:  # one broken scenario must not hide the rest
                result.check(False, f"crashed: {type(error).__name__}: {error}")
            finally:
                run.stop_servers()
                result.seconds = time.monotonic() - began
    finally:
        failed = not results or any(result.failures for result in results)
        run.close(keep_logs=failed or args.keep_logs)
    print_summary(results)
    say(f"\ntotal {time.monotonic() - started:.0f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
