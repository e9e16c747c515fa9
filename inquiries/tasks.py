"""The inquiries app's scheduled jobs, run by the worker (`manage.py run_huey`, which
finds this module by its name). Each is guarded and recorded by clinic.jobs; the work
itself lives in the modules named, so a command or a test runs the same code."""

import logging

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from clinic.jobs import scheduled_job
from inquiries import dashboard_snapshot, outbox
from inquiries.retention import purge_closed_inquiries

logger = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="*"))
@scheduled_job("outbox-sweep")
def sweep_outbox():
    return outbox.sweep()


@db_periodic_task(crontab(minute="*"))
@scheduled_job("dashboard-snapshot")
def snapshot_dashboard():
    return dashboard_snapshot.take_snapshot().pk


@db_task()
def snapshot_dashboard_now():
    """Queued by the dashboard when there is no snapshot yet; the same guarded job."""
    return snapshot_dashboard.call_local()


@db_periodic_task(crontab(hour="3", minute="15"))
def purge_inquiries_past_retention():
    """Daily, and only when a retention period is configured."""
    if not settings.INQUIRY_RETENTION_DAYS:
        return None
    return _purge()


@scheduled_job("retention-purge")
def _purge():
    days = settings.INQUIRY_RETENTION_DAYS
    anonymise = settings.INQUIRY_RETENTION_ACTION == "anonymise"
    action = "anonymise" if anonymise else "delete"
    # The dry run's figures go to the log first: what the real run is about to do.
    planned = purge_closed_inquiries(older_than_days=days, dry_run=True, anonymise=anonymise)
    logger.info(
        "Retention purge (%s, closed more than %d days ago): %d inquiries, %d events to %s",
        action,
        days,
        planned.inquiry_count,
        planned.event_count,
        action,
    )
    result = purge_closed_inquiries(
        older_than_days=days, anonymise=anonymise, run_by="the scheduled retention purge"
    )
    logger.info("Retention purge done: %d inquiries %sd", result.inquiry_count, action)
    return result.inquiry_count
