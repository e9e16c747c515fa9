"""Each scheduled job in immediate mode, the guard that keeps two runs of one job from
overlapping or doubling, and the record the dashboard's health panel reads."""

import logging
import zlib
from datetime import timedelta

import psycopg2
import pytest
from django.db import connection
from django.utils import timezone

from clinic.jobs import LOCK_CLASS, SCHEDULES
from clinic.models import JobRun
from inquiries.models import DashboardSnapshot, Inquiry, RetentionRun
from inquiries.tasks import purge_inquiries_past_retention, snapshot_dashboard, sweep_outbox
from pages import tasks as page_tasks
from tests.inquiries.crm_factories import dashboard_url, make_inquiry, make_intake_user


def last_success(name):
    return JobRun.objects.get(name=name).last_success_at


def test_the_sweep_job_runs_and_is_recorded(db):
    assert sweep_outbox.call_local() == 0

    assert last_success("outbox-sweep") is not None


def test_the_dashboard_snapshot_job_stores_the_figures(db):
    make_inquiry()

    snapshot_dashboard.call_local()

    snapshot = DashboardSnapshot.objects.get()
    assert snapshot.figures["open"]["count"] == 1
    assert last_success("dashboard-snapshot") == JobRun.objects.get().last_success_at


def test_the_review_reminder_job_runs_the_command_and_logs_its_output(db, caplog):
    caplog.set_level(logging.INFO, logger="pages.tasks")

    page_tasks.send_review_reminders.call_local()

    assert "send_review_reminders: No reviewer has pages due for review." in caplog.text
    assert last_success("review-reminders") is not None


def test_the_link_check_job_counts_broken_links_as_a_finding_not_a_failure(db, caplog, monkeypatch):
    from django.core.management import CommandError

    def broken(*args, **kwargs):
        raise CommandError("3 links on 1 published pages: 1 broken.", returncode=1)

    monkeypatch.setattr(page_tasks, "call_command", broken)

    page_tasks.check_links.call_local()

    assert "Link check: 3 links on 1 published pages: 1 broken." in caplog.text
    assert last_success("link-check") is not None


def test_the_retention_purge_does_nothing_without_a_retention_period(db, settings):
    settings.INQUIRY_RETENTION_DAYS = 0
    make_inquiry(status=Inquiry.Status.NOT_A_FIT, closed_at=timezone.now() - timedelta(days=900))

    assert purge_inquiries_past_retention.call_local() is None

    assert not RetentionRun.objects.exists()
    assert not JobRun.objects.filter(name="retention-purge").exists()


def test_the_retention_purge_logs_its_dry_run_then_anonymises(db, settings, caplog):
    caplog.set_level(logging.INFO, logger="inquiries.tasks")
    settings.INQUIRY_RETENTION_DAYS = 730
    settings.INQUIRY_RETENTION_ACTION = "anonymise"
    old = make_inquiry(
        status=Inquiry.Status.NOT_A_FIT, closed_at=timezone.now() - timedelta(days=900)
    )
    recent = make_inquiry(
        status=Inquiry.Status.NOT_A_FIT, closed_at=timezone.now() - timedelta(days=10)
    )

    assert purge_inquiries_past_retention.call_local() == 1

    messages = [
        record.getMessage() for record in caplog.records if record.name == "inquiries.tasks"
    ]
    assert messages[0].startswith("Retention purge (anonymise, closed more than 730 days ago): 1 ")
    assert messages[1] == "Retention purge done: 1 inquiries anonymised"
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.first_name != "Ada" and recent.first_name == "Ada"
    assert RetentionRun.objects.get().run_by == "the scheduled retention purge"


def lock_key(name):
    return zlib.crc32(name.encode()) & 0x7FFFFFFF


@pytest.fixture
def other_worker_running_the_sweep(db):
    """Another worker's connection, in the middle of a run of the sweep."""
    other = psycopg2.connect(**connection.get_connection_params())
    other.autocommit = True
    with other.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s, %s)", [LOCK_CLASS, lock_key("outbox-sweep")])
    yield other
    other.close()


def test_a_job_running_elsewhere_is_not_run_again_alongside(other_worker_running_the_sweep, caplog):
    caplog.set_level(logging.INFO, logger="clinic.jobs")

    skipped = sweep_outbox.call_local()
    with other_worker_running_the_sweep.cursor() as cursor:  # that run ends
        cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [LOCK_CLASS, lock_key("outbox-sweep")])
    ran = sweep_outbox.call_local()

    assert skipped is None
    assert "Job outbox-sweep is running elsewhere: this run skipped" in caplog.text
    assert ran == 0
    assert last_success("outbox-sweep") is not None


def test_a_second_scheduler_cannot_double_a_job(db, caplog):
    caplog.set_level(logging.INFO, logger="clinic.jobs")
    make_inquiry()

    snapshot_dashboard.call_local()  # the first scheduler's run of this minute
    first = JobRun.objects.get(name="dashboard-snapshot").last_started_at
    second = snapshot_dashboard.call_local()  # a second scheduler's, moments later

    assert second is None
    assert "Job dashboard-snapshot ran" in caplog.text
    assert JobRun.objects.get(name="dashboard-snapshot").last_started_at == first


def test_a_failing_job_is_recorded_and_shown_on_the_dashboard(client, db, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("SMTP refused")

    monkeypatch.setattr(page_tasks, "call_command", broken)
    with pytest.raises(RuntimeError):
        page_tasks.send_review_reminders.call_local()
    client.force_login(make_intake_user())

    html = client.get(dashboard_url()).content.decode()

    record = JobRun.objects.get(name="review-reminders")
    assert record.last_success_at is None and record.last_error == "RuntimeError: SMTP refused"
    assert "Last attempt failed: RuntimeError: SMTP refused" in html


def test_the_health_panel_warns_of_an_overdue_job_and_an_old_unsent_email(client, db):
    from inquiries.models import Notification

    client.force_login(make_intake_user())
    long_ago = timezone.now() - timedelta(minutes=30)
    JobRun.objects.create(name="outbox-sweep", last_success_at=long_ago)
    JobRun.objects.create(name="dashboard-snapshot", last_success_at=timezone.now())
    inquiry = make_inquiry()
    Notification.objects.create(inquiry=inquiry, kind="acknowledgement", created_at=long_ago)
    Notification.objects.create(
        inquiry=inquiry, kind="intake", state="failed", next_attempt_at=timezone.now()
    )

    html = client.get(dashboard_url()).content.decode()

    assert "The emails or the scheduled jobs need a look" in html
    assert "Oldest unsent email: waiting 30 min" in html
    assert "1 email given up in the last 7 days" in html
    assert "Overdue: last ran" in html
    # Not yet run daily, weekly and five-minute jobs are no warning; retention is not
    # scheduled.
    assert html.count("Not run yet") == 3
    assert SCHEDULES["retention-purge"].label not in html


def test_a_worker_that_dies_mid_run_leaves_no_lock_behind(other_worker_running_the_sweep):
    import time

    other_worker_running_the_sweep.close()  # its worker died: PostgreSQL ends its session
    with connection.cursor() as cursor:
        for _ in range(50):
            cursor.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = %s",
                [lock_key("outbox-sweep")],
            )
            if cursor.fetchone()[0] == 0:
                break
            time.sleep(0.1)

    assert sweep_outbox.call_local() == 0  # ran: unlike a lock key left in Redis


def test_a_job_meeting_postgresql_down_logs_the_outage_once_without_a_traceback(
    db, monkeypatch, caplog
):
    from django.db import OperationalError

    def database_gone(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("clinic.jobs.JobRun.objects.get_or_create", database_gone)

    first = sweep_outbox.call_local()
    second = snapshot_dashboard.call_local()

    assert first is second is None
    warnings = [record for record in caplog.records if record.levelno >= logging.WARNING]
    assert [record.getMessage()[:34] for record in warnings] == [
        "PostgreSQL unreachable (Operationa"
    ]
    assert not any(record.exc_info for record in caplog.records)


def test_the_consultation_reminder_job_runs_and_is_recorded(db):
    from consultations.tasks import send_consultation_reminders

    assert send_consultation_reminders.call_local() == 0

    assert last_success("consultation-reminders") is not None
