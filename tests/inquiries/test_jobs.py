"""The outbox on the job engine: delivery jobs, the sweep for lost jobs, back-off and the
final failure, two workers on one row, and a job queue that cannot be reached. The
tests run huey in immediate mode: a job runs where it is queued."""

import smtplib
import threading
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import connection
from django.utils import timezone
from huey.contrib.djhuey import HUEY
from huey.storage import RedisStorage

from clinic import outages
from inquiries import outbox
from inquiries.models import Inquiry, InquiryEvent, Notification
from inquiries.tasks import sweep_outbox
from tests.inquiries.crm_factories import make_inquiry, queue_url
from tests.inquiries.factories import form_data, post_form

INTAKE = ["intake@clinic.example"]


@pytest.fixture(autouse=True)
def intake_addresses(settings):
    settings.INTAKE_NOTIFY_EMAILS = INTAKE


class FailingBackend(LocmemBackend):
    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


def pending(inquiry, kind=Notification.Kind.ACKNOWLEDGEMENT, **fields):
    return Notification.objects.create(inquiry=inquiry, kind=kind, **fields)


def test_the_delivery_job_sends_the_email_and_records_it(db, mailoutbox):
    notification = pending(make_inquiry())

    outcome = outbox.deliver.call_local([notification.pk])

    notification.refresh_from_db()
    assert outcome == ["sent"]
    assert notification.state == Notification.State.SENT
    assert [message.to for message in mailoutbox] == [[notification.inquiry.email]]
    assert notification.inquiry.events.filter(kind=InquiryEvent.Kind.EMAIL_SENT).count() == 1


def test_a_stored_inquiry_queues_its_jobs_after_commit_and_they_send(
    client, db, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = post_form(client, form_data())

    assert response.status_code == 303
    assert len(callbacks) == 1  # one callback queues both jobs
    assert sorted(message.to[0] for message in mailoutbox) == ["ada@example.com", INTAKE[0]]


def test_the_sweep_finds_emails_whose_job_was_lost(
    client, db, mailoutbox, django_capture_on_commit_callbacks
):
    # The process died between the commit and queueing the jobs.
    with django_capture_on_commit_callbacks(execute=False):
        post_form(client, form_data())
    inquiry = Inquiry.objects.get()

    swept_at_once = sweep_outbox.call_local()  # a fresh row's job may still be on its way
    inquiry.notifications.update(next_attempt_at=timezone.now() - timedelta(minutes=2))
    swept_later = outbox.sweep()

    assert swept_at_once == 0
    assert swept_later == 2
    assert len(mailoutbox) == 2
    assert set(inquiry.notifications.values_list("state", flat=True)) == {"sent"}


def test_a_job_for_an_email_already_sent_sends_nothing(db, mailoutbox):
    notification = pending(make_inquiry())
    outbox.deliver.call_local([notification.pk])

    again = outbox.deliver.call_local([notification.pk])  # the sweep's second job, say

    assert again == ["skipped"]
    assert len(mailoutbox) == 1


def test_failures_back_off_exponentially_then_fail_visibly_on_the_timeline(
    intake_client, settings, mailoutbox
):
    settings.EMAIL_BACKEND = "tests.inquiries.test_jobs.FailingBackend"
    inquiry = make_inquiry()
    reply = pending(inquiry, kind=Notification.Kind.REPLY, subject="Hello", body="Call us.")
    waits = []

    for _ in range(Notification.MAX_ATTEMPTS):
        outages.email.reset()  # each try a minute or more after the last
        before = timezone.now()
        assert outbox.deliver.call_local([reply.pk]) == ["failed"]
        reply.refresh_from_db()
        waits.append(round((reply.next_attempt_at - before).total_seconds() / 60))
        Notification.objects.filter(pk=reply.pk).update(next_attempt_at=before)

    reply.refresh_from_db()
    assert waits[:-1] == [1, 2, 4, 8, 16, 32, 64]  # minutes; the last one gave up
    assert reply.state == Notification.State.FAILED
    assert outbox.deliver.call_local([reply.pk]) == ["skipped"]  # never tried again
    failures = list(inquiry.events.filter(kind=InquiryEvent.Kind.EMAIL_FAILED))
    assert len(failures) == Notification.MAX_ATTEMPTS
    assert "(attempt 1, will retry)" in failures[0].message
    assert f"(attempt {Notification.MAX_ATTEMPTS}, gave up)" in failures[-1].message
    html = intake_client.get(queue_url(), {"contact": "reply_failed"}).content.decode()
    assert inquiry.reference in html
    assert mailoutbox == []


def test_a_failed_send_queues_its_retry_at_the_back_off(db, settings, monkeypatch):
    settings.EMAIL_BACKEND = "tests.inquiries.test_jobs.FailingBackend"
    notification = pending(make_inquiry())
    scheduled = []
    monkeypatch.setattr(
        outbox, "enqueue_deliveries", lambda ids, delay=None: scheduled.append((ids, delay))
    )

    outbox.deliver.call_local([notification.pk])

    [(ids, delay)] = scheduled
    assert ids == [notification.pk]
    assert 55 <= delay <= 60  # the first back-off: a minute


class SlowCountingBackend(LocmemBackend):
    """A mail server that takes a moment, so two workers overlap on one email."""

    sent = 0
    lock = threading.Lock()

    def send_messages(self, messages):
        time.sleep(0.5)
        with SlowCountingBackend.lock:
            SlowCountingBackend.sent += len(messages)
        return len(messages)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_on_one_row_send_it_once(settings):
    settings.EMAIL_BACKEND = "tests.inquiries.test_jobs.SlowCountingBackend"
    SlowCountingBackend.sent = 0
    notification = pending(make_inquiry())
    start = threading.Barrier(2)
    outcomes = []

    def worker():
        try:
            start.wait(timeout=10)
            outcomes.extend(outbox.deliver.call_local([notification.pk]))
        finally:
            connection.close()  # each thread has its own PostgreSQL connection

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["sent", "skipped"]
    assert SlowCountingBackend.sent == 1
    notification.refresh_from_db()
    assert (notification.state, notification.attempts) == (Notification.State.SENT, 1)


class ConnectionCountingBackend(LocmemBackend):
    """A mail server that counts the connections opened to it, opening one per
    send_messages unless the caller opened it first, as Django's SMTP backend does."""

    connections = 0

    def open(self):
        if getattr(self, "is_open", False):
            return False
        self.is_open = True
        ConnectionCountingBackend.connections += 1
        return True

    def close(self):
        self.is_open = False

    def send_messages(self, messages):
        opened_here = self.open()
        try:
            return super().send_messages(messages)
        finally:
            if opened_here:
                self.close()


def test_an_inquirys_emails_go_over_one_connection_to_the_mail_server(
    client, db, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.inquiries.test_jobs.ConnectionCountingBackend"
    ConnectionCountingBackend.connections = 0

    with django_capture_on_commit_callbacks(execute=True):
        assert post_form(client, form_data()).status_code == 303

    assert len(mailoutbox) == 2  # the intake email and the acknowledgement
    assert ConnectionCountingBackend.connections == 1


def test_the_manual_send_uses_one_connection_for_what_is_due(db, settings, mailoutbox):
    from django.core.management import call_command

    settings.EMAIL_BACKEND = "tests.inquiries.test_jobs.ConnectionCountingBackend"
    ConnectionCountingBackend.connections = 0
    for _ in range(3):
        pending(make_inquiry())

    call_command("send_pending_notifications")

    assert len(mailoutbox) == 3
    assert ConnectionCountingBackend.connections == 1


@pytest.fixture
def queue_unreachable():
    """The job queue on a Redis that refuses connections (nothing listens on 6399)."""
    storage = HUEY.storage
    HUEY.immediate = False
    HUEY.storage = RedisStorage(
        name="clinic-jobs-test", url="redis://127.0.0.1:6399/0?socket_connect_timeout=0.25"
    )
    yield
    HUEY.immediate = True
    HUEY.storage = storage


def test_with_the_queue_down_inquiries_are_stored_and_the_sweep_sends_later(
    client, db, mailoutbox, django_capture_on_commit_callbacks, queue_unreachable, caplog
):
    for number in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            response = post_form(client, form_data(email=f"p{number}@example.com"))
        assert response.status_code == 303

    assert Inquiry.objects.count() == 3
    assert mailoutbox == []
    warnings = [record.getMessage() for record in caplog.records if record.levelno >= 30]
    assert len(warnings) == 1 and warnings[0].startswith("The job queue unreachable")

    HUEY.immediate = True  # Redis is back
    outages.jobs.reset()
    Notification.objects.update(next_attempt_at=timezone.now() - timedelta(minutes=2))
    outbox.sweep()

    assert len(mailoutbox) == 6
    assert not Notification.objects.exclude(state=Notification.State.SENT).exists()


def test_the_manual_command_and_a_job_never_send_one_email_twice(db, mailoutbox):
    from django.core.management import call_command

    notification = pending(make_inquiry())
    call_command("send_pending_notifications")

    assert outbox.deliver.call_local([notification.pk]) == ["skipped"]
    assert len(mail.outbox) == 1
