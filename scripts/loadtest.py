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

1. concurrency (scripts/loadtest_database.py): 2,000 valid submissions from 50
   concurrent clients (rate limit raised), some sent twice (one after the other, and two
   at the same instant): every 303 is stored exactly once, a resend lands on the same
   thank-you page, and the worker sends each inquiry's two emails.
2. db-restart (scripts/loadtest_database.py): continuous submissions while PostgreSQL is
   stopped and started again: each is answered 303 or 503, never 500 or a dropped
   connection; every 303 is stored; the same gunicorn answers 303 again afterwards; a
   form answered 503 and sent again is stored once.
3. smtp (scripts/loadtest_mail.py): the mail server unreachable (inquiries stored and
   answered 303, emails pending with the error recorded by the worker), then reachable
   (an aiosmtpd sink on --smtp-port): the worker and two overlapping manual
   `send_pending_notifications` runs send each email exactly once, counted at the sink.
4. two-servers (scripts/loadtest_pages.py): two gunicorns sharing the database and the
   Redis at --redis-url (its database flushed first): the rate limit (5 per 10 minutes)
   holds across both, and a page saved in the admin on one server is fresh on both
   within 2 seconds (it polls and prints how long it took).
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
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import (  # noqa: E402
    Gunicorn,
    TempPostgres,
    Worker,
    manage,
)
from loadtest_database import scenario_concurrency, scenario_db_restart  # noqa: E402
from loadtest_mail import (  # noqa: E402
    scenario_smtp,
    scenario_worker_crash,
    scenario_worker_restart,
)
from loadtest_pages import scenario_two_servers  # noqa: E402
from loadtest_redis import scenario_redis_down  # noqa: E402
from loadtest_site import (  # noqa: E402
    Result,
    base_env,
    port_in_use,
    redis_command,
    say,
)

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
