"""The reminder email, 24 hours before a consultation: queued on the inquiries outbox
once per booking, even with several workers running this at the same time, and sent by
the outbox's own path. None for a booking cancelled or moved; one made less than a day
ahead has just had its confirmation and gets none.

`send_due_reminders` takes no arguments about patients: the worker runs it every five
minutes (consultations/tasks.py); `manage.py send_consultation_reminders` runs it by hand.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone

from consultations.emails import where_text
from consultations.links import manage_url
from consultations.models import Booking
from inquiries.dates import when_text
from inquiries.models import Notification
from inquiries.outbox import enqueue_deliveries

REMIND_BEFORE = timedelta(hours=24)


def reminder_content(booking):

    context = {
        "clinic_name": settings.CLINIC_NAME,
        "clinic_phone": settings.CLINIC_PHONE,
        "first_name": booking.inquiry.first_name,
        "when": when_text(booking.starts_at),
        "kind": booking.offer.get_kind_display(),
        "where": where_text(booking),
        "move_url": manage_url(booking, "move"),
        "cancel_url": manage_url(booking, "cancel"),
    }
    subject = render_to_string("emails/consultation_reminder_subject.txt", context)
    body = render_to_string("emails/consultation_reminder_body.txt", context)
    return " ".join(subject.split()), body


def _due(now):
    return Booking.objects.filter(
        status=Booking.Status.BOOKED,
        reminder__isnull=True,
        starts_at__gt=now,
        starts_at__lte=now + REMIND_BEFORE,
        created_at__lt=F("starts_at") - REMIND_BEFORE,
        inquiry__do_not_contact=False,
    )


def queue_due_reminders(*, now=None, limit=200):
    """Queue the reminders now due, each in its own short transaction with the booking
    locked (others skip it), so each booking is reminded once. Returns the rows queued."""
    now = now or timezone.now()
    queued = []
    for _ in range(limit):
        with transaction.atomic():
            booking = (
                _due(now)
                .select_for_update(skip_locked=True, of=("self",))
                .select_related("inquiry", "offer__location")
                .order_by("starts_at", "pk")
                .first()
            )
            if booking is None:
                break
            subject, body = reminder_content(booking)
            notification = Notification.objects.create(
                inquiry=booking.inquiry,
                kind=Notification.Kind.REMINDER,
                subject=subject,
                body=body,
                next_attempt_at=now,
            )
            booking.reminder = notification
            booking.save(update_fields=["reminder"])
        queued.append(notification)
    return queued


def send_due_reminders(*, now=None, limit=200):
    """Queue the due reminders and their delivery; returns how many were queued. One
    that fails stays on the outbox and is retried like every email."""
    queued = queue_due_reminders(now=now, limit=limit)
    # Each reminder was committed in its own transaction above: its job finds it.
    enqueue_deliveries([notification.pk for notification in queued])
    return len(queued)


def withdraw_reminder(booking):
    """A booking cancelled or moved: its reminder, if queued and not yet tried, goes."""
    if booking.reminder_id is None:
        return
    Notification.objects.filter(
        pk=booking.reminder_id, state=Notification.State.PENDING, attempts=0
    ).delete()
