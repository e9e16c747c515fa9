"""The scheduled jobs' guard and record.

Every scheduled job runs through `scheduled_job`: one run of a job at a time whatever
the number of workers (a PostgreSQL advisory lock, released by PostgreSQL itself if the
worker dies mid-run, unlike a lock key left behind in Redis), and no second run within
half its interval, so a second scheduler started by mistake cannot double the job. Each
run is recorded in JobRun for the dashboard's health panel.
"""

import logging
import time
import zlib
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from functools import wraps

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone

from clinic import outages
from clinic.models import JobRun

logger = logging.getLogger("clinic.jobs")

# The first half of every advisory lock key this project takes (any fixed number).
LOCK_CLASS = 28028


@dataclass(frozen=True)
class Schedule:
    name: str
    label: str
    every: timedelta

    @property
    def overdue_after(self):
        # Twice the interval and a minute's slack: one missed run is not yet a warning.
        return 2 * self.every + timedelta(minutes=1)


# Every scheduled job, by the name its task passes to `scheduled_job`; when each runs is
# its huey periodic_task's crontab (inquiries/, pages/ and consultations/tasks.py).
SCHEDULES = {
    schedule.name: schedule
    for schedule in (
        Schedule("outbox-sweep", "Outbox sweep (emails whose job was lost)", timedelta(minutes=1)),
        Schedule("dashboard-snapshot", "Dashboard figures", timedelta(minutes=1)),
        Schedule("review-reminders", "Page review reminders", timedelta(days=1)),
        Schedule("link-check", "Link check", timedelta(weeks=1)),
        Schedule("consultation-reminders", "Consultation reminders", timedelta(minutes=5)),
        Schedule("retention-purge", "Retention purge", timedelta(days=1)),
    )
}


@contextmanager
def advisory_lock(name):
    """Yield True if this process now holds the job's lock, False if another does."""
    if connection.vendor != "postgresql":
        yield True  # SQLite for `make run`: one worker, nothing to overlap with
        return
    key = zlib.crc32(name.encode()) & 0x7FFFFFFF
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [LOCK_CLASS, key])
        got = cursor.fetchone()[0]
    try:
        yield got
    finally:
        if got:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [LOCK_CLASS, key])


def scheduled_job(name):
    """Decorate a scheduled job's function: guarded and recorded (see the docstring).
    Returns the function's result, or None when the run was skipped."""
    schedule = SCHEDULES[name]

    def decorate(function):
        @wraps(function)
        def run(*args, **kwargs):
            try:
                return _run_guarded(schedule, function, args, kwargs)
            except DatabaseError as error:
                if not outages.is_database_down(error):
                    raise
                # Nowhere to record the run: the next one tries again. The outage is
                # logged once, not with a traceback per job.
                outages.database.failed(error)
                return None

        return run

    return decorate


def _run_guarded(schedule, function, args, kwargs):
    name = schedule.name
    with advisory_lock(name) as got:
        if not got:
            logger.info("Job %s is running elsewhere: this run skipped", name)
            return None
        record, _ = JobRun.objects.get_or_create(name=name)
        now = timezone.now()
        if record.last_started_at and now - record.last_started_at < schedule.every / 2:
            logger.info("Job %s ran %s ago: this run skipped", name, now - record.last_started_at)
            return None
        record.last_started_at = now
        record.save(update_fields=["last_started_at"])
        started = time.monotonic()
        try:
            result = function(*args, **kwargs)
        except Exception as error:
            record.last_failure_at = timezone.now()
            record.last_error = f"{type(error).__name__}: {error}"[:500]
            record.save(update_fields=["last_failure_at", "last_error"])
            logger.exception("Job %s failed", name)
            raise
        record.last_success_at = timezone.now()
        record.last_duration_ms = round((time.monotonic() - started) * 1000)
        record.save(update_fields=["last_success_at", "last_duration_ms"])
        outages.database.answered()
        return result


def health(*, now=None):
    """Each scheduled job's last successful run, overdue or not, for the dashboard."""
    now = now or timezone.now()
    records = {record.name: record for record in JobRun.objects.filter(name__in=SCHEDULES)}
    rows = []
    for schedule in SCHEDULES.values():
        if schedule.name == "retention-purge" and not settings.INQUIRY_RETENTION_DAYS:
            continue  # not scheduled: no retention period is configured
        record = records.get(schedule.name)
        last = record.last_success_at if record else None
        rows.append(
            {
                "label": schedule.label,
                "last_success_at": last,
                "overdue": last is not None and now - last > schedule.overdue_after,
                "never": last is None,
                "every_minute": schedule.every <= timedelta(minutes=1),
                "last_error": record.last_error
                if record
                and record.last_failure_at
                and (last is None or record.last_failure_at > last)
                else "",
            }
        )
    return rows
