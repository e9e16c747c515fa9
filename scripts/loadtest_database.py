"""Load-test scenarios of the database: concurrency and db-restart (see loadtest.py)."""

import re
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import form_tokens  # noqa: E402
from loadtest_site import (  # noqa: E402
    SWEEP_WAIT_SECONDS,
    PublicForm,
    base_env,
    check_resends,
    check_stored_once,
    describe,
    request,
    say,
    send_with_resends,
    server_errors_logged,
    stored_counts,
    wait_until_sent,
)

TOKEN_VIOLATION = 'violates unique constraint "inquiries_inquiry_submission_token'

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
