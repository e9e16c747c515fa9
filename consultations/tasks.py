"""The consultations app's scheduled job, run by the worker (`manage.py run_huey`, which
finds this module by its name), guarded and recorded by clinic.jobs."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from clinic.jobs import scheduled_job
from consultations.reminders import send_due_reminders


@db_periodic_task(crontab(minute="*/5"))
@scheduled_job("consultation-reminders")
def send_consultation_reminders():
    return send_due_reminders()
