"""The reminder 24 hours ahead: once per booking (two workers at once included), with
the move and cancel links and no health detail; none for a cancelled or moved booking."""

import re
import threading
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from consultations import reminders
from consultations.booking import cancel, move
from consultations.models import Booking
from inquiries.models import Notification
from inquiries.reply_rules import DIAGNOSIS_WORDS
from tests.consultations.factories import make_booking, make_offer
from tests.inquiries.crm_factories import make_inquiry


def booked_tomorrow(offer, inquiry=None, *, hours_ahead=20, booked_days_before=3):
    starts = (timezone.now() + timedelta(hours=hours_ahead)).replace(second=0, microsecond=0)
    starts -= timedelta(minutes=starts.minute % 20)
    booking = make_booking(offer, inquiry or make_inquiry(phone="+15555550123"), starts)
    booking.created_at = starts - timedelta(days=booked_days_before)
    booking.save()
    return booking


@pytest.fixture
def offer(db):
    return make_offer(hours=((0, 0, 23, 40),), weekdays=range(7), min_notice_hours=0)


@pytest.mark.django_db
def test_a_booking_due_within_a_day_is_reminded_once(offer, mailoutbox):
    booking = booked_tomorrow(offer)
    later = booked_tomorrow(offer, hours_ahead=30)

    first = reminders.send_due_reminders()
    second = reminders.send_due_reminders()

    assert (first, second) == (1, 0)
    (email,) = mailoutbox
    assert email.to == [booking.inquiry.email]
    assert email.subject.startswith("Reminder: your consultation on")
    assert "/move/" in email.body and "/cancel/" in email.body
    assert "We will call you on +15555550123." in email.body
    text = email.body.lower()
    assert not [
        w for w in DIAGNOSIS_WORDS if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", text)
    ]
    assert booking.inquiry.topic.name.lower() not in text
    later.refresh_from_db()
    assert later.reminder is None
    assert Notification.objects.get(kind="reminder").state == "sent"


@pytest.mark.django_db
def test_a_booking_made_within_the_day_gets_no_reminder(offer, mailoutbox):
    booked_tomorrow(offer, booked_days_before=0)

    assert reminders.send_due_reminders() == 0


@pytest.mark.django_db
def test_no_reminder_for_a_cancelled_or_moved_booking(offer, rf, intake_user):
    request = rf.post("/")
    request.user = intake_user
    cancelled = booked_tomorrow(offer)
    moved = booked_tomorrow(offer, hours_ahead=21)
    cancel(request, cancelled)
    move(request, moved, offer=offer, starts_at=moved.starts_at + timedelta(days=3))

    assert reminders.send_due_reminders() == 0


@pytest.mark.django_db
def test_a_queued_reminder_not_yet_sent_is_withdrawn_when_cancelled(offer, rf, intake_user):
    request = rf.post("/")
    request.user = intake_user
    booking = booked_tomorrow(offer)
    reminders.queue_due_reminders()
    booking.refresh_from_db()

    cancel(request, booking)

    assert not Notification.objects.filter(kind="reminder").exists()


@pytest.mark.django_db
def test_the_command_sends_the_due_reminders(offer, mailoutbox, capsys):
    booked_tomorrow(offer)

    call_command("send_consultation_reminders")

    assert "1 reminders queued" in capsys.readouterr().out
    assert len(mailoutbox) == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_at_once_remind_each_booking_once(mailoutbox):
    offer = make_offer(hours=((0, 0, 23, 40),), weekdays=range(7), min_notice_hours=0)
    bookings = [booked_tomorrow(offer, hours_ahead=10 + n) for n in range(6)]
    start = threading.Barrier(2, timeout=10)
    counts = []

    def worker():
        try:
            start.wait()
            counts.append(reminders.send_due_reminders())
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sum(counts) == 6
    assert Notification.objects.filter(kind="reminder").count() == 6
    assert len(mailoutbox) == 6
    assert (
        Booking.objects.filter(pk__in=[b.pk for b in bookings], reminder__isnull=True).count() == 0
    )
