"""The confirmation email and its .ics: who, when, how, where; nothing about health."""

import re

import pytest

from consultations.models import Booking, Kind
from inquiries.reply_rules import DIAGNOSIS_WORDS
from tests.consultations.conftest import free
from tests.consultations.helpers import pick
from tests.inquiries.crm_factories import make_inquiry

pytestmark = pytest.mark.django_db


def book_and_send(client, link, offer, capture):
    with capture(execute=True):
        pick(client, link, free(offer)[0])
    return Booking.objects.get()


def test_the_email_names_the_clinic_time_kind_and_number_and_no_health_detail(
    client, inquiry, link, offer, mailoutbox, django_capture_on_commit_callbacks, settings
):
    inquiry.message = "My PTSD and depression have been bad since the accident."
    inquiry.save()

    booking = book_and_send(client, link, offer, django_capture_on_commit_callbacks)

    (email,) = mailoutbox
    text = f"{email.subject}\n{email.body}\n{email.attachments[0][1]}".lower()
    assert settings.CLINIC_NAME.lower() in text
    assert "phone call" in text
    assert "we will call you on +15555550123" in text
    assert (
        f"{booking.starts_at.astimezone(__import__('zoneinfo').ZoneInfo('America/New_York')):%H:%M}"
        in email.body
    )
    assert inquiry.topic.name.lower() not in text
    assert "accident" not in text
    found = [
        word
        for word in DIAGNOSIS_WORDS
        if re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text)
    ]
    assert found == []
    assert "/consultation/" in email.body and "/move/" in email.body and "/cancel/" in email.body


def test_the_ics_is_one_utc_event_with_the_right_times(
    client, link, offer, mailoutbox, django_capture_on_commit_callbacks
):
    booking = book_and_send(client, link, offer, django_capture_on_commit_callbacks)

    (email,) = mailoutbox
    name, content, mimetype = email.attachments[0]
    lines = content.split("\r\n")
    assert name == "consultation.ics" and mimetype.startswith("text/calendar")
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR"
    assert (
        f"DTSTART:{booking.starts_at.astimezone(__import__('datetime').UTC):%Y%m%dT%H%M%SZ}"
        in lines
    )
    assert f"DTEND:{booking.ends_at.astimezone(__import__('datetime').UTC):%Y%m%dT%H%M%SZ}" in lines
    assert f"UID:{booking.calendar_uid}@127.0.0.1" in lines
    assert all(len(line.encode()) <= 75 for line in lines)


def test_in_person_gives_the_address(
    client, link, offer, mailoutbox, django_capture_on_commit_callbacks
):
    offer.kind = Kind.IN_PERSON
    offer.save()

    book_and_send(client, link, offer, django_capture_on_commit_callbacks)

    assert "12 River Road, Springfield, IL 62701" in mailoutbox[0].body


def test_a_failed_send_stays_on_the_outbox_to_retry(
    client, link, offer, settings, django_capture_on_commit_callbacks
):
    from inquiries.models import Notification

    settings.EMAIL_BACKEND = "tests.inquiries.test_replies.FailingBackend"

    book_and_send(client, link, offer, django_capture_on_commit_callbacks)

    notification = Notification.objects.get(kind="booking")
    assert notification.state == "pending" and notification.attempts == 1
    assert notification.calendar.startswith("BEGIN:VCALENDAR")


def test_no_email_to_a_patient_who_asked_not_to_be_contacted(client, offer, mailoutbox):
    from consultations.emails import queue_confirmation
    from tests.consultations.factories import make_booking

    inquiry = make_inquiry(do_not_contact=True)

    assert queue_confirmation(make_booking(offer, inquiry, free(offer)[0].starts_at)) is None
