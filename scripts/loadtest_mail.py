"""The mail scenarios of scripts/loadtest.py, both sending through the site's job worker
to an SMTP sink that records every message:

- smtp: the mail server unreachable, then reachable;
- worker-restart: the worker stopped in the middle of 500 submissions and started again;
- worker-crash: the same with the worker killed (SIGKILL) instead.

Each email is counted where it lands, at the sink: none lost, none sent twice.
"""

import email
import email.policy
import re
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from harness import PROJECT_ROOT, PYTHON, form_tokens
from loadtest_site import (
    INTAKE_ADDRESS,
    SWEEP_WAIT_SECONDS,
    PublicForm,
    base_env,
    check_stored_once,
    describe,
    port_in_use,
    say,
    server_errors_logged,
    stored_counts,
    wait_until_sent,
)

SMTP_EMAIL = "django.core.mail.backends.smtp.EmailBackend"


class SmtpSink:
    """A local SMTP server (aiosmtpd) that accepts everything and records it."""

    def __init__(self, port):
        try:
            from aiosmtpd.controller import Controller
        except ImportError:
            sys.exit("aiosmtpd is needed: .venv/bin/pip install aiosmtpd==1.4.6")
        self.messages = []  # (recipients, subject)
        self.controller = Controller(self, hostname="127.0.0.1", port=port)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((list(envelope.rcpt_tos), str(message["Subject"])))
        return "250 Message accepted for delivery"

    def start(self):
        self.controller.start()

    def stop(self):
        self.controller.stop()


def mail_env(run, port, smtp_port):
    return base_env(
        run.pg,
        port,
        REDIS_URL=run.ports.redis_url,  # the cache and the job queue, as in production
        EMAIL_BACKEND=SMTP_EMAIL,
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=smtp_port,
        EMAIL_TIMEOUT=3,
    )


def submit_all(form, port, env, prefix, count, clients, progress=None):
    def submit(job):
        serial, token = job
        address = f"{prefix}{serial}@example.com"
        outcome = form.post(port, form.body(token, address, serial), address)
        if progress is not None:
            progress.append(outcome)
        return outcome

    with ThreadPoolExecutor(max_workers=clients) as pool:
        return list(pool.map(submit, enumerate(form_tokens(env, count))))


def check_at_the_sink(run, result, sink, prefix, count, *, twice_allowed=False):
    """Exactly one intake email and one acknowledgement per inquiry reached the sink."""
    references = {
        f"INQ-{int(pk):06d}": address
        for pk, address in run.pg.query(
            "SELECT id, email FROM inquiries_inquiry WHERE email LIKE :'pattern'",
            pattern=prefix + "%",
        )
    }
    intake, acknowledgements, elsewhere = Counter(), Counter(), 0
    for recipients, subject in list(sink.messages):
        reference = re.search(r"INQ-\d+", subject)
        if recipients == [INTAKE_ADDRESS] and reference and reference.group() in references:
            intake[reference.group()] += 1
        elif len(recipients) == 1 and recipients[0].startswith(prefix):
            acknowledgements[recipients[0]] += 1
        else:
            elsewhere += 1
    result.emails = sum(intake.values()) + sum(acknowledgements.values())
    twice = sum(n - 1 for n in intake.values()) + sum(n - 1 for n in acknowledgements.values())
    lost = (count - len(intake)) + (count - len(acknowledgements))
    say(
        f"  sink received {len(sink.messages)} messages: {sum(intake.values())} intake, "
        f"{sum(acknowledgements.values())} acknowledgements for this scenario's inquiries, "
        f"{elsewhere} others (earlier scenarios' leftovers)"
    )
    result.check(lost == 0, f"emails lost: {lost} (of {2 * count})")
    if twice_allowed:
        # At most the jobs in the killed worker's hands (its 2 threads).
        result.check(twice <= 2, f"emails sent twice: {twice} (at least once across a crash)")
    else:
        result.check(twice == 0, f"emails sent twice: {twice}")
    result.check(
        len(intake) == len(acknowledgements) == len(references) == count,
        f"one intake email and one acknowledgement for each of the {count} inquiries",
    )


def scenario_smtp(run, result):
    """Mail server down: inquiries stored, emails pending; up: each sent exactly once."""
    port, smtp_port = run.ports.server("smtp"), run.ports.smtp
    if port_in_use(smtp_port):
        sys.exit(f"port {smtp_port} is in use: the mail server must start out unreachable")
    env = mail_env(run, port, smtp_port)
    server = run.start_server(port, env)
    run.start_worker(env)
    form = PublicForm(port)
    prefix, count, clients = "lt.s3.", 200, 10

    outcomes = submit_all(form, port, env, prefix, count, clients)
    result.tally(outcomes)
    say(f"  mail server down: {count} submissions: {describe(outcomes)}")
    result.check(result.accepted == count, f"{result.accepted} of {count} answered 303")
    counts = stored_counts(run.pg, prefix)
    check_stored_once(result, outcomes, counts)
    result.check(len(counts) == count, f"{len(counts)} of {count} stored")
    time.sleep(3)  # the worker works through the jobs
    rows = run.pg.query(
        "SELECT n.state, n.attempts, n.last_error FROM inquiries_notification n "
        "JOIN inquiries_inquiry i ON i.id = n.inquiry_id WHERE i.email LIKE :'pattern'",
        pattern=prefix + "%",
    )
    pending = [row for row in rows if row[0] == "pending"]
    tried = [row for row in pending if int(row[1]) >= 1]
    result.check(
        len(rows) == len(pending) == 2 * count and tried and all(row[2] for row in tried),
        f"{len(pending)} of {len(rows)} notifications pending (expected {2 * count}); "
        f"{len(tried)} tried by the worker with the error recorded, e.g. "
        f"{tried[0][2] if tried else None!r}; the rest waited untried (the mail server was "
        "known to be down: no timeout each)",
    )

    sink = run.start_service(SmtpSink(smtp_port))
    say(f"  SMTP sink listening on {smtp_port}")
    # Stands for waiting out the back-off and the sweep's minute: due now instead.
    run.pg.query(
        "UPDATE inquiries_notification SET next_attempt_at = now() - interval '2 minutes' "
        "WHERE state = 'pending' "
        "AND inquiry_id IN (SELECT id FROM inquiries_inquiry WHERE email LIKE :'pattern')",
        pattern=prefix + "%",
    )
    # A person sends what is due by hand, twice at once, while the worker's sweep and
    # retries send the same emails: each must still go out once.
    command = [PYTHON, "manage.py", "send_pending_notifications", "--limit", "1000"]
    runs = [
        subprocess.Popen(
            command, cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        for _ in range(2)
    ]
    for number, process in enumerate(runs, 1):
        stdout, stderr = process.communicate(timeout=180)
        say(
            f"  send_pending_notifications run {number}: exit {process.returncode}: "
            f"{stdout.decode().strip() or stderr.decode()[-300:]!r}"
        )
        result.check(process.returncode == 0, f"manual run {number} exited 0")
    states, waited = wait_until_sent(run, prefix, 2 * count, SWEEP_WAIT_SECONDS)
    say(f"  notifications {waited:.0f} s later: {states}")
    result.check(states == {"sent": 2 * count}, f"notification states now: {states}")
    check_at_the_sink(run, result, sink, prefix, count)
    result.check(server_errors_logged(server) == 0, "no 500 in gunicorn's log")


def scenario_worker_restart(run, result):
    """The worker stopped in the middle of 500 submissions and started again."""
    worker_stopped_and_started(run, result, "worker-restart", "lt.s6.", abruptly=False)


def scenario_worker_crash(run, result):
    """The worker killed (SIGKILL) in the middle of 500 submissions and started again."""
    worker_stopped_and_started(run, result, "worker-crash", "lt.s7.", abruptly=True)


def worker_stopped_and_started(run, result, scenario, prefix, *, abruptly):
    """Stopped as a process manager or Ctrl-C stops it (SIGINT: the jobs in hand are
    finished first), no email may be lost or sent twice. Killed, the jobs in its hands
    die with it: none may be lost, and an email the mail server took in the instant
    before its "sent" mark was saved goes again (at least once): reported, not failed."""
    port, smtp_port = run.ports.server(scenario), run.ports.smtp
    env = mail_env(run, port, smtp_port)
    sink = run.start_service(SmtpSink(smtp_port))
    server = run.start_server(port, env)
    worker = run.start_worker(env)
    form = PublicForm(port)
    count, clients = 500, 10
    progress, stop_at, start_at = [], 150, 350
    timeline = []
    how = "killed (SIGKILL)" if abruptly else "stopped (SIGINT, as Ctrl-C or systemd)"

    def stop_and_start():
        while len(progress) < stop_at:
            time.sleep(0.01)
        worker.stop(abruptly=abruptly)
        timeline.append(f"worker {how} after {len(progress)} submissions")
        while len(progress) < start_at:
            time.sleep(0.01)
        worker.start()
        timeline.append(f"worker started again after {len(progress)} submissions")

    operator = threading.Thread(target=stop_and_start)
    operator.start()
    outcomes = submit_all(form, port, env, prefix, count, clients, progress)
    operator.join(timeout=60)
    for line in timeline:
        say(f"  {line}")
    result.tally(outcomes)
    say(f"  {count} submissions: {describe(outcomes)}")
    result.check(result.accepted == count, f"{result.accepted} of {count} answered 303")
    counts = stored_counts(run.pg, prefix)
    check_stored_once(result, outcomes, counts)
    result.check(len(counts) == count, f"inquiries lost: {count - len(counts)}")

    states, waited = wait_until_sent(run, prefix, 2 * count, SWEEP_WAIT_SECONDS)
    say(f"  all emails sent {waited:.0f} s after the last submission: {states}")
    result.check(states == {"sent": 2 * count}, f"notification states now: {states}")
    check_at_the_sink(run, result, sink, prefix, count, twice_allowed=abruptly)
    result.check(worker.running, "the restarted worker is still running")
    result.check(server_errors_logged(server) == 0, "no 500 in gunicorn's log")
