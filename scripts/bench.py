#!/usr/bin/env python
"""Benchmark the site as patients and staff feel it, in one run on this machine.

    .venv/bin/python scripts/bench.py [--seconds 10] [--rounds 3] [--rows 1000000]

Starts two gunicorn servers on 127.0.0.1 with the same worker settings (2 sync workers):
(a) a bare Django app with no middleware returning a fixed 28 KB page (the ceiling), and
(b) the site with its production settings against PostgreSQL and the Redis cache. Loads
the demo content and tops the inquiries up to --rows with generate_inquiries, then
interleaves the targets over --rounds rounds with wrk: the ceiling, the PTSD article and
the home page (16 connections, compared with the ceiling), real inquiry POSTs (16
connections; each a valid, unique submission that must be stored with its timeline event
and queued emails, the rate limit counted but raised out of reach), and the admin queue,
an exact-email search and the dashboard as one staff member (1 connection, so p50 is one
request's latency), and a patient's booking page (8 weeks of hours, 1,000 booked; 1
connection). The site's job worker (`manage.py run_huey`) runs throughout, as in
production: it sends the POSTs' emails and computes the dashboard's figures every minute.
After the rounds, the dashboard is measured once more for --dashboard-seconds (125 by
default, so the run crosses at least two minute boundaries, when the worker recomputes
the figures): its p99 is `dashboard_p99_ms`. Prints requests/s, p50 and p99 per target,
each floor and whether it was met, and the site worker's RSS; the last line is
machine-readable:

    article=<ratio> home=<ratio> post_p99_ms=<n> queue_p50_ms=<n> email_search_p50_ms=<n>
    dashboard_p50_ms=<n> dashboard_p99_ms=<n> booking_p50_ms=<n> rss_mb=<n>
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_booking import booking_page_path  # noqa: E402
from harness import (  # noqa: E402
    PROJECT_ROOT,
    Gunicorn,
    Worker,
    form_tokens,
    log,
    manage,
    run_wrk,
    shell,
    site_env,
    staff_session,
    submission,
)

ARTICLE = "/treatments/ketamine-for-ptsd/"
CONNECTIONS = 16
POST_LUA = """
local bodies, index, stride = {}, 0, 0
local counter = 0
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end
function init(args)
  for line in io.lines("BODIES") do bodies[#bodies + 1] = line end
  stride = THREADS
  index = id + 1
end
function request()
  local body = bodies[index]
  if body == nil then
    body = bodies[#bodies]  -- out of bodies: a replay, which shows up as a shortfall below
  end
  index = index + stride
  return wrk.format("POST", "/get-in-touch/", {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "csrftoken=CSRF_COOKIE",
    ["Referer"] = "SITE/get-in-touch/",
  }, body)
end
"""


def prepare_site(env, rows):
    log("migrating, collecting static files, loading the demo content...")
    manage(env, "migrate", "--noinput")
    # --clear: each worker indexes the collected files, so leftovers of older versions
    # would count against its memory.
    manage(env, "collectstatic", "--noinput", "--clear")
    manage(env, "load_demo_content")
    have = int(shell(env, "from inquiries.models import Inquiry; print(Inquiry.objects.count())"))
    if have < rows:
        log(f"generating {rows - have:,} inquiries (have {have:,})...")
        started = time.monotonic()
        manage(env, "generate_inquiries", str(rows - have), quiet=False)
        log(f"  generated in {time.monotonic() - started:.0f} s")
    manage(env, "shell", "-c", "from django.core.cache import cache; cache.clear()")
    # The dashboard's first figures, as the worker makes them every minute.
    shell(env, "from inquiries.dashboard_snapshot import take_snapshot; take_snapshot()")


EMAIL_OF_SOME_INQUIRY = """
from inquiries.models import Inquiry
middle = Inquiry.objects.latest("pk").pk // 2
print(Inquiry.objects.filter(pk__gte=middle).order_by("pk").values_list("email", flat=True)[0])
"""


NEWEST_PK = "from inquiries.models import Inquiry; print(Inquiry.objects.latest('pk').pk)"
COUNT_SINCE = """
from inquiries.models import Inquiry
new = Inquiry.objects.filter(pk__gt={after_pk})
print(new.exclude(status="spam").count(), new.filter(status="spam").count())
"""


def count_inquiries_since(env, after_pk):
    real, spam = shell(env, COUNT_SINCE.format(after_pk=after_pk)).split()
    return int(real), int(spam)


class PostBodies:
    """Valid, unique form submissions: one CSRF cookie and token, a fresh form token each."""

    def __init__(self, site, env):
        request = urllib.request.Request(site.url + "/get-in-touch/")
        with urllib.request.urlopen(request) as response:
            html = response.read().decode()
            cookie = response.headers["Set-Cookie"]
        self.csrf_cookie = re.search(r"csrftoken=([^;]+)", cookie).group(1)
        self.csrf_token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        topics = re.findall(r'<option value="(\d+)"', html)
        self.topic = topics[0]
        self.site, self.env = site, env
        self.serial = 0

    def write(self, count, threads):
        tokens = form_tokens(self.env, count)
        folder = Path(tempfile.mkdtemp(prefix="bench-post-"))
        bodies = folder / "bodies.txt"
        lines = []
        for token in tokens:
            self.serial += 1
            lines.append(
                submission(
                    csrf_token=self.csrf_token,
                    topic=self.topic,
                    form_token=token,
                    first_name="Bench",
                    last_name=f"Patient {self.serial}",
                    email=f"bench.patient.{self.serial}@example.com",
                )
            )
        bodies.write_text("\n".join(lines) + "\n")
        script = folder / "post.lua"
        script.write_text(
            POST_LUA.replace("BODIES", str(bodies))
            .replace("THREADS", str(threads))
            .replace("CSRF_COOKIE", self.csrf_cookie)
            .replace("SITE", self.site.url)
        )
        return script


def measure_posts(site, env, bodies, seconds):
    expected_rps = 1500
    script = bodies.write(expected_rps * seconds, threads=2)
    newest = int(shell(env, NEWEST_PK))
    result = run_wrk(
        site.url + "/get-in-touch/", seconds=seconds, connections=CONNECTIONS, script=script
    )
    time.sleep(1)  # let requests in flight when wrk stopped finish
    stored, spam = count_inquiries_since(env, newest)
    answered = result["requests"]
    problems = []
    if result["bad_status"] or result["socket_errors"]:
        problems.append(
            f"{result['bad_status']} bad statuses, {result['socket_errors']} socket errors"
        )
    if spam:
        problems.append(f"{spam} stored as spam")
    if not answered <= stored <= answered + CONNECTIONS:
        problems.append(f"{answered} answered but {stored} stored")
    if problems:
        sys.exit("inquiry POSTs were not all real, stored submissions: " + "; ".join(problems))
    result["stored"] = stored
    return result


# The floors: (summary field, "min" or "max", value).
FLOORS = {
    "article": ("x ceiling", "min", 0.7),
    "home": ("x ceiling", "min", 0.7),
    "post": ("p99 ms", "max", 100),
    "queue": ("p50 ms", "max", 100),
    "email search": ("p50 ms", "max", 50),
    "dashboard": ("p50 ms", "max", 300),
    "booking": ("p50 ms", "max", 100),
    "dashboard over minutes": ("p99 ms", "max", 300),
}

OUTBOX = """
from inquiries.models import Notification
rows = Notification.objects
print(rows.filter(state="sent").count(), rows.filter(state="pending").count())
"""


def wait_for_the_outbox(env, seconds=120):
    """The worker sends what the POSTs queued: wait for it, return (sent, pending)."""
    deadline = time.monotonic() + seconds
    while True:
        sent, pending = (int(n) for n in shell(env, OUTBOX).split())
        if not pending or time.monotonic() > deadline:
            return sent, pending
        time.sleep(2)


def staff_target(url, headers, seconds):
    """One staff member at a time: p50 is the latency of one request."""
    return lambda: run_wrk(url, seconds=seconds, connections=1, threads=1, headers=headers)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument(
        "--dashboard-seconds",
        type=int,
        default=125,
        help="how long to measure the dashboard while the worker recomputes its figures "
        "(125: at least two minute boundaries)",
    )
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/clinic_bench")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/3")
    parser.add_argument("--port", type=int, default=8701, help="the ceiling's; the site's is +1")
    parser.add_argument(
        "--only",
        default="",
        help="comma-separated targets to measure besides the ceiling (for quick checks; "
        "the last line then covers only those)",
    )
    args = parser.parse_args()

    env = site_env(
        args.database_url,
        REDIS_URL=args.redis_url,
        # The rate limit is still counted in Redis on every POST, just set out of reach.
        INQUIRY_RATE_LIMIT=10**9,
        # The POST stores the inquiry and its two emails (intake and acknowledgement) and
        # queues their delivery jobs; the worker sends them, here to nowhere.
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        INTAKE_NOTIFY_EMAILS="intake@clinic.test",
        DJANGO_CONN_MAX_AGE=600,
        SITE_URL=f"http://127.0.0.1:{args.port + 1}",
    )
    subprocess.run(
        ["createdb", "-h", "127.0.0.1", "-U", "postgres", args.database_url.rsplit("/", 1)[1]],
        capture_output=True,
    )
    prepare_site(env, args.rows)
    session_key = staff_session(env, "bench-staff")
    email = shell(env, EMAIL_OF_SOME_INQUIRY)

    offered, booked, booking_path = booking_page_path(env)
    log(f"booking page: {offered:,} times offered over 8 weeks, {booked:,} booked")

    ceiling = Gunicorn("bench_ceiling:application", args.port, env, chdir=PROJECT_ROOT / "scripts")
    site = Gunicorn("clinic.wsgi", args.port + 1, env)
    worker = Worker(env)
    try:
        ceiling.wait_until_up()
        site.wait_until_up("/healthz")
        bodies = PostBodies(site, env)
        staff = [f"Cookie: sessionid={session_key}"]
        staff_seconds = max(3, args.seconds // 2)
        queue = f"/{os.environ.get('DJANGO_ADMIN_PATH', 'admin').strip('/')}/inquiries/inquiry/"
        targets = {
            "ceiling": lambda: run_wrk(
                ceiling.url + "/", seconds=args.seconds, connections=CONNECTIONS
            ),
            "article": lambda: run_wrk(
                site.url + ARTICLE, seconds=args.seconds, connections=CONNECTIONS
            ),
            "home": lambda: run_wrk(site.url + "/", seconds=args.seconds, connections=CONNECTIONS),
            "post": lambda: measure_posts(site, env, bodies, args.seconds),
            "queue": staff_target(site.url + queue, staff, staff_seconds),
            "email search": staff_target(
                site.url + queue + "?" + urlencode({"q": email}), staff, staff_seconds
            ),
            "dashboard": staff_target(site.url + queue + "dashboard/", staff, staff_seconds),
            # A patient opening their booking link: anonymous, one at a time.
            "booking": staff_target(site.url + booking_path, [], staff_seconds),
        }
        if args.only:
            wanted = {"ceiling", *args.only.split(",")}
            targets = {name: measure for name, measure in targets.items() if name in wanted}
        for url in (ARTICLE, "/"):  # warm the page cache
            urllib.request.urlopen(site.url + url).read()
        results = {name: [] for name in targets}
        width = max(23, *(len(name) + 1 for name in targets))
        for round_number in range(1, args.rounds + 1):
            for name, measure in targets.items():
                result = measure()
                if result["bad_status"] or result["socket_errors"]:
                    sys.exit(
                        f"{name}: {result['bad_status']} bad statuses, "
                        f"{result['socket_errors']} socket errors"
                    )
                results[name].append(result)
                log(
                    f"round {round_number} {name:<{width - 1}} {result['rps']:8.0f} req/s  "
                    f"p50 {result['p50_ms']:6.1f} ms  p99 {result['p99_ms']:6.1f} ms  "
                    f"site worker RSS {site.worker_rss_mb():5.1f} MB"
                )
        if "dashboard" in targets:
            log(f"dashboard for {args.dashboard_seconds} s while the worker recomputes it...")
            result = staff_target(site.url + queue + "dashboard/", staff, args.dashboard_seconds)()
            results["dashboard over minutes"] = [result]
            log(
                f"dashboard over minutes {result['rps']:8.0f} req/s  p50 {result['p50_ms']:6.1f} "
                f"ms  p99 {result['p99_ms']:6.1f} ms  max {result['max_ms']:6.1f} ms"
            )
        site_rss = site.worker_rss_mb()
        outbox = wait_for_the_outbox(env) if "post" in targets else None
        if not worker.running:
            sys.exit(f"the job worker stopped; its log:\n{worker.log_path.read_text()[-3000:]}")
    finally:
        worker.stop()
        ceiling.stop()
        site.stop()

    def ratio(name):
        if name == "dashboard over minutes":
            return float("nan")  # measured once, after the rounds
        return statistics.median(
            mine["rps"] / theirs["rps"]
            for mine, theirs in zip(results[name], results["ceiling"], strict=True)
        )

    def ratio_text(name):
        value = ratio(name)
        return "" if value != value else f"{value:.2f}"  # NaN: not compared with the ceiling

    def median(name, key):
        return statistics.median(result[key] for result in results[name])

    def figure(name, column):
        if column == "x ceiling":
            return ratio(name)
        return median(name, "p50_ms" if column == "p50 ms" else "p99_ms")

    print(f"\n{'target':<{width}}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'x ceiling':>11}  floor")
    for name in results:
        floor = ""
        if name in FLOORS:
            column, sense, value = FLOORS[name]
            met = figure(name, column) >= value if sense == "min" else figure(name, column) < value
            floor = (
                f"{column} {'>=' if sense == 'min' else '<'} {value}: {'met' if met else 'MISSED'}"
            )
        print(
            f"{name:<{width}}{median(name, 'rps'):>9.0f}{median(name, 'p50_ms'):>9.1f}"
            f"{median(name, 'p99_ms'):>9.1f}{ratio_text(name):>11}  {floor}"
        )
    if "post" in results:
        stored = sum(result["stored"] for result in results["post"])
        print(f"\ninquiry POSTs stored: {stored:,} (each answered 303 and stored exactly once)")
        print(
            f"the outbox after the worker: {outbox[0]:,} emails sent, {outbox[1]:,} pending "
            "(all runs on this database)"
        )
    print(f"site worker RSS after load: {site_rss:.1f} MB")
    summary = {
        "article": lambda: f"{ratio('article'):.2f}",
        "home": lambda: f"{ratio('home'):.2f}",
        "post_p99_ms": lambda: f"{median('post', 'p99_ms'):.1f}",
        "queue_p50_ms": lambda: f"{median('queue', 'p50_ms'):.1f}",
        "email_search_p50_ms": lambda: f"{median('email search', 'p50_ms'):.1f}",
        "dashboard_p50_ms": lambda: f"{median('dashboard', 'p50_ms'):.1f}",
        "dashboard_p99_ms": lambda: f"{median('dashboard over minutes', 'p99_ms'):.1f}",
        "booking_p50_ms": lambda: f"{median('booking', 'p50_ms'):.1f}",
    }
    fields = [
        f"{name}={value()}"
        for name, value in summary.items()
        if name.removesuffix("_p99_ms").removesuffix("_p50_ms").replace("_", " ") in targets
    ]
    print(" ".join([*fields, f"rss_mb={site_rss:.1f}"]))


if __name__ == "__main__":
    main()
