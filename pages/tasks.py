"""The pages app's scheduled jobs, run by the worker (`manage.py run_huey`, which finds
this module by its name): the same commands a person runs, their output in the log."""

import io
import logging

from django.core.management import CommandError, call_command
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from clinic.jobs import scheduled_job

logger = logging.getLogger(__name__)


def _run(command):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(command, stdout=out, stderr=err)
    finally:
        for line in (out.getvalue() + err.getvalue()).splitlines():
            logger.info("%s: %s", command, line)


# Times are UTC (huey's crontab).
@db_periodic_task(crontab(hour="7", minute="0"))
@scheduled_job("review-reminders")
def send_review_reminders():
    # A failed email raises CommandError: the run is recorded as failed; the next
    # day's run tries again (a reviewer gets at most one reminder a day).
    _run("send_review_reminders")


@db_periodic_task(crontab(day_of_week="1", hour="7", minute="30"))
@scheduled_job("link-check")
def check_links():
    try:
        _run("check_links")
    except CommandError as error:
        # Broken links are what the check is for: the run itself succeeded.
        logger.warning("Link check: %s", error)
