"""The site under scripts/loadtest.py and its clients, shared by every scenario module:
production settings for a run, one HTTP exchange, the public form as a browser holds it,
what was stored, and the tally of results with its checks."""

import http.client
import re
import socket
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

from harness import site_env, submission

FORM = "/get-in-touch/"
ARTICLE = "/treatments/ketamine-for-ptsd/"
INTAKE_ADDRESS = "intake@clinic.test"
CLIENT_TIMEOUT = 30
LOCMEM_EMAIL = "django.core.mail.backends.locmem.EmailBackend"


def say(message):
    print(message, flush=True)


def base_env(pg, port, **extra):
    """Production settings against the temporary cluster, for a server on this port (its
    links in emails point there); each scenario adds its own."""
    settings = {
        "DJANGO_REQUIRE_2FA": "false",
        "DJANGO_CONN_MAX_AGE": 60,
        "REDIS_URL": "",  # local-memory cache unless a scenario shares Redis
        "EMAIL_BACKEND": LOCMEM_EMAIL,
        "INTAKE_NOTIFY_EMAILS": INTAKE_ADDRESS,
        "INQUIRY_RATE_LIMIT": 1_000_000,  # raised out of reach except in two-servers
        "INQUIRY_RATE_WINDOW_SECONDS": 600,
        "SITE_URL": f"http://127.0.0.1:{port}",
    }
    settings.update(extra)
    return site_env(pg.url, **settings)


def port_in_use(port):
    with socket.socket() as probe:
        probe.settimeout(1)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def request(port, method, path, *, body=None, headers=None, timeout=CLIENT_TIMEOUT):
    """One HTTP exchange on a new connection (gunicorn's sync workers close each one)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def cookies_from(headers):
    found = {}
    for header in headers.get_all("Set-Cookie") or []:
        name, _, rest = header.partition("=")
        found[name.strip()] = rest.split(";", 1)[0]
    return found


@dataclass
class Outcome:
    email: str
    status: int | None  # None: no HTTP answer at all (refused, reset, timed out)
    location: str = ""
    error: str = ""
    body: str = ""
    port: int = 0


class PublicForm:
    """What a browser holds after one GET of the form: the CSRF cookie and token."""

    def __init__(self, port):
        status, headers, content = request(port, "GET", FORM)
        if status != 200:
            raise RuntimeError(f"GET {FORM} answered {status}")
        page = content.decode()
        self.csrf_cookie = cookies_from(headers)["csrftoken"]
        self.csrf_token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        self.topic = re.findall(r'<option value="(\d+)"', page)[0]

    def body(self, token, address, serial):
        return submission(
            csrf_token=self.csrf_token,
            topic=self.topic,
            form_token=token,
            first_name="Load",
            last_name=f"Patient {serial}",
            email=address,
        )

    def post(self, port, body, address):
        try:
            status, headers, _ = request(
                port,
                "POST",
                FORM,
                body=body,
                headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Cookie": f"csrftoken={self.csrf_cookie}",
                    "Referer": f"http://127.0.0.1:{port}{FORM}",
                },
            )
        except (OSError, http.client.HTTPException) as error:
            return Outcome(address, None, error=f"{type(error).__name__}: {error}", body=body)
        return Outcome(address, status, headers.get("Location", ""), body=body, port=port)


def send_with_resends(form, port, serial, body, address, pairs):
    """Send one form as a patient would; some twice: every 20th again as soon as the first
    answer comes (a retry), every 20th from the 10th twice at the same instant (a double
    tap). Each resent form's (kind, first, second) outcomes go on pairs."""
    if serial % 20 == 0:
        first = form.post(port, body, address)
        second = form.post(port, body, address)
        pairs.append(("retry", first, second))
        return [first, second]
    if serial % 20 == 10:
        barrier = threading.Barrier(2)
        twin = []

        def tap():
            barrier.wait()
            twin.append(form.post(port, body, address))

        helper = threading.Thread(target=tap)
        helper.start()
        barrier.wait()
        first = form.post(port, body, address)
        helper.join()
        pairs.append(("double tap", first, twin[0]))
        return [first, twin[0]]
    return [form.post(port, body, address)]


def check_resends(result, pairs):
    """Each form sent twice got 303 to the same thank-you page both times."""
    mismatched = [
        (kind, first, second)
        for kind, first, second in pairs
        if not (first.status == second.status == 303 and first.location == second.location)
    ]
    by_kind = Counter(kind for kind, _, _ in pairs)
    result.check(
        not mismatched,
        f"{by_kind['retry']} retries and {by_kind['double tap']} double taps each answered "
        f"303 to the same thank-you page ({len(mismatched)} differ)",
    )


def stored_counts(pg, prefix, *, real_only=False):
    """{email: rows} for the inquiries whose email starts with prefix."""
    rows = pg.query(
        "SELECT email, count(*) FROM inquiries_inquiry WHERE email LIKE :'pattern' "
        "AND (status <> 'spam' OR NOT :real_only) GROUP BY email",
        pattern=prefix + "%",
        real_only=str(real_only).lower(),
    )
    return {address: int(count) for address, count in rows}


def notification_states(pg, prefix):
    rows = pg.query(
        "SELECT n.state, count(*) FROM inquiries_notification n "
        "JOIN inquiries_inquiry i ON i.id = n.inquiry_id "
        "WHERE i.email LIKE :'pattern' GROUP BY n.state",
        pattern=prefix + "%",
    )
    return {state: int(count) for state, count in rows}


def server_errors_logged(server):
    """Lines where Django logged an unhandled exception (a 500) in gunicorn's log."""
    text = server.log_path.read_text(errors="replace")
    return text.count("Internal Server Error")


# --- results -----------------------------------------------------------------------


@dataclass
class Result:
    name: str
    sent: int = 0
    accepted: int = 0
    unavailable: int = 0
    limited: int = 0
    server_errors: int = 0
    errors: int = 0  # no answer, or a status other than 303, 503, 429 and 500
    stored: int = 0
    duplicates: int = 0
    emails: int = 0
    seconds: float = 0.0
    failures: list = field(default_factory=list)

    def tally(self, outcomes):
        statuses = Counter(outcome.status for outcome in outcomes)
        self.sent += len(outcomes)
        self.accepted += statuses.pop(303, 0)
        self.unavailable += statuses.pop(503, 0)
        self.limited += statuses.pop(429, 0)
        self.server_errors += statuses.pop(500, 0)
        self.errors += sum(statuses.values())
        return statuses

    def check(self, ok, message):
        say(f"  {'ok  ' if ok else 'FAIL'} {message}")
        if not ok:
            self.failures.append(message)
        return ok


def describe(outcomes):
    statuses = Counter(outcome.status for outcome in outcomes)
    text = ", ".join(
        f"{status or 'no answer'}: {n}" for status, n in sorted(statuses.items(), key=str)
    )
    samples = sorted({outcome.error for outcome in outcomes if outcome.error})[:3]
    return text + (f" (e.g. {'; '.join(samples)})" if samples else "")


def check_stored_once(result, outcomes, counts):
    """Every accepted submission is stored, and nothing is stored twice."""
    accepted = {outcome.email for outcome in outcomes if outcome.status == 303}
    missing = sorted(address for address in accepted if counts.get(address, 0) == 0)
    result.duplicates = sum(count - 1 for count in counts.values())
    result.stored = len(counts)
    result.check(not missing, f"every accepted submission stored ({len(missing)} missing)")
    if missing:
        say(f"       missing: {', '.join(missing[:5])}")
    result.check(
        result.duplicates == 0, f"no inquiry stored twice ({result.duplicates} duplicates)"
    )


def redis_command(url, *command):
    """One command to a Redis, through redis-py (the site's client too)."""
    import redis

    with redis.Redis.from_url(url) as client:
        return client.execute_command(*command)


# Emails whose job was lost (PostgreSQL or Redis down when it ran, a worker killed) wait
# for the sweep: up to a minute to its next run, plus the minute a due email is left to
# its own job first.
SWEEP_WAIT_SECONDS = 180


def wait_until_sent(run, prefix, expected, seconds):
    deadline, started = time.monotonic() + seconds, time.monotonic()
    while True:
        states = notification_states(run.pg, prefix)
        if states.get("sent", 0) >= expected or time.monotonic() > deadline:
            return states, time.monotonic() - started
        time.sleep(1)
