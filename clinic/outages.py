"""The outside services the site depends on, reported down once and back once.

PostgreSQL, Redis and the mail server each go down in production. A request that meets
one answers without it (a cached page, a 503 with the phone number, a pending email), and
the log says so twice: one warning when the service stops answering, one when it answers
again, with how long it was gone and how many calls failed meanwhile. Never a traceback
per request: a three-second database restart under load used to write tens of thousands
of log lines.

The state is per process (each gunicorn worker logs its own pair), which is enough to see
an outage in the logs and keeps the hot path free of any shared round trip.
"""

import logging
import threading
import time

from django.db import DatabaseError, InterfaceError, OperationalError, connection

logger = logging.getLogger("clinic.outages")

# While a service is down, callers that can do without it (the cache) try it at most this
# often, so a hung Redis costs one timeout a second, not one per call.
PROBE_INTERVAL_SECONDS = 1.0


class Dependency:
    def __init__(self, name, *, log_detail=True):
        self.name = name
        # Whether the error's text may be logged: a mail server's refusal can name the
        # patient's address, so for mail only the kind of error is.
        self.log_detail = log_detail
        self._lock = threading.Lock()
        self.down_since = None
        self.failures = 0
        self._next_probe = 0.0

    @property
    def is_down(self):
        return self.down_since is not None

    def failed(self, error):
        """Record one failed call; the first failure of an outage is logged. The next
        try waits PROBE_INTERVAL_SECONDS from now, so slow failures don't chain."""
        with self._lock:
            self.failures += 1
            self._next_probe = time.monotonic() + PROBE_INTERVAL_SECONDS
            if self.down_since is not None:
                return
            self.down_since = time.monotonic()
        logger.warning(
            "%s unreachable (%s); carrying on without it", self.name, describe(error, self)
        )

    def answered(self):
        """Record a call that worked; the first one after an outage is logged."""
        if self.down_since is None:  # the common case, without taking the lock
            return
        with self._lock:
            if self.down_since is None:
                return
            seconds = time.monotonic() - self.down_since
            failures = self.failures
            self.down_since = None
            self.failures = 0
        logger.warning(
            "%s is back after %.1f s (%d failed %s meanwhile)",
            self.name,
            seconds,
            failures,
            "call" if failures == 1 else "calls",
        )

    def worth_trying(self):
        """False while down, except for one probe per PROBE_INTERVAL_SECONDS."""
        if self.down_since is None:
            return True
        with self._lock:
            now = time.monotonic()
            if now < self._next_probe:
                self.failures += 1  # skipped: it counts as a call the outage cost
                return False
            self._next_probe = now + PROBE_INTERVAL_SECONDS
            return True

    def reset(self):
        """Forget any outage (tests)."""
        with self._lock:
            self.down_since = None
            self.failures = 0
            self._next_probe = 0.0


database = Dependency("PostgreSQL")
cache = Dependency("Redis (the shared cache)")
email = Dependency("The mail server", log_detail=False)
jobs = Dependency("The job queue")

ALL = (database, cache, email, jobs)


def describe(error, dependency):
    text = str(error).strip()
    if not dependency.log_detail or not text:
        return type(error).__name__
    return f"{type(error).__name__}: {text.splitlines()[0]}"


# SQLSTATE classes of a database that can't be reached or is going away: connection
# exceptions (08), and an operator's shutdown or a server starting up (57P).
_DOWN_SQLSTATES = ("08", "57P")


def is_database_down(error):
    """Whether a database error means PostgreSQL can't be reached, as opposed to a
    deadlock, a timeout or a bad query, which are errors of one request."""
    if isinstance(error, InterfaceError):
        return True
    if not isinstance(error, OperationalError):
        return False
    code = getattr(error.__cause__, "pgcode", None)
    return code is None or code.startswith(_DOWN_SQLSTATES)


def database_answers():
    """One cheap query; records whether the database answers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        database.failed(error)
        return False
    database.answered()
    return True


def handles_database_outage(view):
    """Mark a view that answers a database outage itself (clinic.middleware lets it run
    while the database is down instead of answering with the outage page)."""
    view.handles_database_outage = True
    return view


class DropOutageResponses(logging.Filter):
    """Keeps django.request from logging each 503 an outage answers (with its traceback):
    the dependency's own warning has already said it once."""

    def filter(self, record):
        return getattr(record, "status_code", None) != 503
