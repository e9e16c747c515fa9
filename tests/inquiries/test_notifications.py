import smtplib
import threading
from datetime import timedelta

import pytest
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from inquiries.emails import NoRecipients
from inquiries.models import Inquiry, InquiryEvent, Notification, Topic
from inquiries.outbox import send_due_notifications
from tests.inquiries.factories import form_data, make_inquiry, post_form

URL = "/get-in-touch/"
INTAKE = ["intake@clinic.example", "lead@clinic.example"]


class FailingBackend(LocmemBackend):
    """An SMTP server that hangs up on every message."""

    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


@pytest.fixture(autouse=True)
def intake_addresses(settings):
    settings.INTAKE_NOTIFY_EMAILS = INTAKE


def submit(client, capture, **overrides):
    data = form_data(**overrides)
    with capture(execute=True):
        response = post_form(client, data)
    assert response.status_code == 303
    return Inquiry.objects.latest("pk")


def make_due(inquiry, kind=Notification.Kind.ACKNOWLEDGEMENT):
    return Notification.objects.create(
        inquiry=inquiry, kind=kind, next_attempt_at=timezone.now() - timedelta(seconds=1)
    )


def test_new_inquiry_sends_intake_and_acknowledgement_after_commit(
    client, db, mailoutbox, django_capture_on_commit_callbacks
):
    inquiry = submit(client, django_capture_on_commit_callbacks)

    intake, acknowledgement = mailoutbox
    assert intake.to == INTAKE
    assert intake.subject == f"New inquiry {inquiry.reference}"
    assert acknowledgement.to == ["ada@example.com"]
    assert set(inquiry.notifications.values_list("state", flat=True)) == {"sent"}
    sent_events = inquiry.events.filter(kind=InquiryEvent.Kind.EMAIL_SENT)
    assert sent_events.count() == 2


def test_nothing_is_sent_before_commit(client, db, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        post_form(client, form_data())

    assert mailoutbox == []
    assert len(callbacks) == 1


def test_staff_email_holds_none_of_the_patients_details(
    client, db, mailoutbox, django_capture_on_commit_callbacks, settings
):
    canary = {
        "first_name": "Quetzalcanary",
        "last_name": "Birdsworth",
        "email": "canary.7f3e@example.org",
        "phone": "(212) 555-0199",
        "contact_method": "phone",
        "best_time": "canary-evenings",
        "topic": str(Topic.objects.get(name="Chronic pain").pk),
        "message": "canary-health-detail: fibromyalgia and a ketamine question",
    }

    inquiry = submit(client, django_capture_on_commit_callbacks, **canary)

    intake = mailoutbox[0]
    text = "\n".join([intake.subject, intake.body, str(intake.message())])
    for detail in [
        "Quetzalcanary",
        "Birdsworth",
        "canary.7f3e",
        "555-0199",
        "5550199",
        "canary-evenings",
        "Chronic pain",
        "fibromyalgia",
        "canary-health-detail",
    ]:
        assert detail not in text
    assert intake.subject == f"New inquiry {inquiry.reference}"
    admin_url = f"{settings.SITE_URL}/{settings.ADMIN_PATH}inquiries/inquiry/{inquiry.pk}/"
    # The work screen itself, not the old change form address that only redirects there.
    assert f"{admin_url}\n" in intake.body


def test_acknowledgement_names_no_health_details_but_gives_next_steps_and_crisis_lines(
    client, db, mailoutbox, django_capture_on_commit_callbacks, settings
):
    inquiry = submit(
        client,
        django_capture_on_commit_callbacks,
        topic=str(Topic.objects.get(name="Depression").pk),
        message="canary-message about my depression",
    )

    acknowledgement = mailoutbox[1]
    assert acknowledgement.to == ["ada@example.com"]
    assert "Depression" not in acknowledgement.subject + acknowledgement.body
    assert "canary-message" not in acknowledgement.body
    assert "depression" not in acknowledgement.body.lower()
    assert "within one business day" in acknowledgement.body
    assert "988" in acknowledgement.body
    assert "911" in acknowledgement.body
    assert inquiry.reference in acknowledgement.body
    assert settings.CLINIC_PHONE in acknowledgement.body
    assert "&amp;" not in acknowledgement.body  # plain text, not HTML-escaped


def test_urgent_inquiry_subject_is_prefixed(
    client, db, mailoutbox, django_capture_on_commit_callbacks
):
    inquiry = submit(
        client, django_capture_on_commit_callbacks, message="I keep thinking about suicide"
    )

    assert mailoutbox[0].subject == f"URGENT: New inquiry {inquiry.reference}"
    assert "suicide" not in mailoutbox[0].body


def test_smtp_failure_keeps_the_inquiry_and_records_the_failure(
    client, db, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.EMAIL_BACKEND = "tests.inquiries.test_notifications.FailingBackend"

    inquiry = submit(client, django_capture_on_commit_callbacks)

    assert Inquiry.objects.filter(pk=inquiry.pk, status=Inquiry.Status.NEW).exists()
    # The first email's job meets the outage, records it and backs off; the second job
    # doesn't try the server it knows is down (no timeout per email): it stays due, for
    # the sweep.
    failed, waiting = inquiry.notifications.order_by("-attempts")
    assert failed.attempts == 1 and failed.last_error.startswith("SMTPServerDisconnected")
    assert failed.state == Notification.State.PENDING
    assert failed.next_attempt_at > timezone.now()
    assert waiting.attempts == 0 and waiting.last_error == ""
    assert waiting.state == Notification.State.PENDING
    assert inquiry.events.filter(kind=InquiryEvent.Kind.EMAIL_FAILED).count() == 1
    assert mailoutbox == []


def test_retry_command_sends_failed_emails_once_their_backoff_has_passed(
    client, db, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.EMAIL_BACKEND = "tests.inquiries.test_notifications.FailingBackend"
    inquiry = submit(client, django_capture_on_commit_callbacks)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    call_command("send_pending_notifications")
    assert len(mailoutbox) == 1  # the one never tried; the failed one is backing off

    inquiry.notifications.update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    call_command("send_pending_notifications")
    call_command("send_pending_notifications")

    assert sorted(message.to[0] for message in mailoutbox) == ["ada@example.com", INTAKE[0]]
    notifications = inquiry.notifications.all()
    assert {notification.state for notification in notifications} == {Notification.State.SENT}
    # The email tried by its job, and the one that waited for the command.
    assert sorted(notification.attempts for notification in notifications) == [1, 2]
    assert {notification.last_error for notification in notifications} == {""}


def test_the_request_itself_sends_nothing(
    client, db, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        response = post_form(client, form_data())  # the jobs are queued only after commit

    assert response.status_code == 303
    assert mailoutbox == []
    assert Notification.objects.filter(state=Notification.State.PENDING).count() == 2


def test_retry_command_gives_up_after_the_last_attempt(db, settings, mailoutbox):
    settings.EMAIL_BACKEND = "tests.inquiries.test_notifications.FailingBackend"
    notification = make_due(make_inquiry())
    notification.attempts = Notification.MAX_ATTEMPTS - 1
    notification.save()

    assert send_due_notifications() == (0, 1)

    notification.refresh_from_db()
    assert notification.state == Notification.State.FAILED
    Notification.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    assert send_due_notifications() == (0, 0)


def test_retry_command_prints_counts(db, mailoutbox, capsys):
    make_due(make_inquiry())

    call_command("send_pending_notifications")

    assert "1 sent, 0 failed" in capsys.readouterr().out


def test_no_intake_addresses_means_no_intake_email(
    client, db, mailoutbox, settings, django_capture_on_commit_callbacks
):
    settings.INTAKE_NOTIFY_EMAILS = []

    inquiry = submit(client, django_capture_on_commit_callbacks)

    assert list(inquiry.notifications.values_list("kind", flat=True)) == ["acknowledgement"]
    assert [message.to for message in mailoutbox] == [["ada@example.com"]]


def test_intake_email_with_addresses_removed_since_fails_visibly(db, settings, mailoutbox):
    notification = make_due(make_inquiry(), kind=Notification.Kind.INTAKE)
    settings.INTAKE_NOTIFY_EMAILS = []

    assert send_due_notifications() == (0, 1)

    notification.refresh_from_db()
    assert notification.last_error.startswith(NoRecipients.__name__)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_runs_skip_an_email_another_run_is_sending(mailoutbox):
    notification = make_due(make_inquiry())
    locked = threading.Event()
    release = threading.Event()

    def other_run():
        try:
            with transaction.atomic():
                Notification.objects.select_for_update().get(pk=notification.pk)
                locked.set()
                release.wait(timeout=10)
        finally:
            connection.close()

    thread = threading.Thread(target=other_run)
    thread.start()
    locked.wait(timeout=10)
    try:
        during = send_due_notifications()
    finally:
        release.set()
        thread.join()
    after = send_due_notifications()

    assert during == (0, 0)
    assert after == (1, 0)
    assert len(mailoutbox) == 1


class CountingFailingBackend(FailingBackend):
    attempts = 0

    def send_messages(self, messages):
        CountingFailingBackend.attempts += 1
        super().send_messages(messages)


def test_a_mail_outage_is_logged_once_and_costs_one_timeout_not_one_per_email(
    client, db, settings, django_capture_on_commit_callbacks, caplog
):
    settings.EMAIL_BACKEND = "tests.inquiries.test_notifications.CountingFailingBackend"
    CountingFailingBackend.attempts = 0

    for number in range(3):
        submit(client, django_capture_on_commit_callbacks, email=f"p{number}@example.com")

    warnings = [record.getMessage() for record in caplog.records if record.levelno >= 30]
    assert warnings == [
        "The mail server unreachable (SMTPServerDisconnected); carrying on without it"
    ]
    assert CountingFailingBackend.attempts == 1  # the others wait for the next try
    assert Notification.objects.filter(state=Notification.State.PENDING).count() == 6


class RefusingBackend(LocmemBackend):
    """A mail server that refuses one recipient: that email fails, the server is up."""

    def send_messages(self, messages):
        recipient = messages[0].to[0]
        raise smtplib.SMTPRecipientsRefused({recipient: (550, b"No such user")})


def test_a_refused_address_is_not_an_outage_and_never_logged(
    client, db, settings, django_capture_on_commit_callbacks, caplog
):
    settings.EMAIL_BACKEND = "tests.inquiries.test_notifications.RefusingBackend"

    submit(client, django_capture_on_commit_callbacks, email="ada.private@example.com")

    assert "ada.private@example.com" not in caplog.text
    assert "unreachable" not in caplog.text
    assert Notification.objects.filter(attempts=1).count() == 2


def test_the_database_going_down_after_commit_costs_no_traceback(
    client, db, monkeypatch, django_capture_on_commit_callbacks, caplog
):
    from django.db import OperationalError

    def database_gone(self):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(Notification, "mark_sent", database_gone)

    inquiry = submit(client, django_capture_on_commit_callbacks)

    assert [record.getMessage()[:34] for record in caplog.records if record.levelno >= 30] == [
        "PostgreSQL unreachable (Operationa"
    ]
    assert not any(record.exc_info for record in caplog.records)
    assert inquiry.notifications.filter(state=Notification.State.PENDING).count() == 2
