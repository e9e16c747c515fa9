"""The consultation's confirmation email and its calendar invitation, stored on the
inquiries outbox (a Notification of kind "booking") in the booking's transaction and
sent after commit by the outbox's own path, retried like every other email.

What it says: the clinic's name, the time (with its zone), the kind, and where: the
address, or "we will call you on" the number the patient gave. Never the topic, the
message, or any word about health: an email can be read by others.
"""

from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from consultations.links import manage_url
from consultations.models import Kind
from inquiries.dates import when_text
from inquiries.models import Notification
from inquiries.outbox import queue_delivery


def where_text(booking):
    """Where the consultation happens, in one line for the email and the calendar."""
    offer, inquiry = booking.offer, booking.inquiry
    if offer.kind == Kind.IN_PERSON:
        location = offer.location
        return (
            f"{location.name}, {location.street_address}, {location.locality}, "
            f"{location.region} {location.postal_code}"
        )
    if offer.kind == Kind.PHONE:
        if inquiry.phone:
            return f"We will call you on {inquiry.phone}."
        return (
            f"We will call you: please call us on {settings.CLINIC_PHONE} to give us your number."
        )
    return "A video call: we will email you how to join before the time."


def _ics_text(value):
    return (
        str(value)
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _fold(line):
    """RFC 5545: lines of at most 75 octets, continued with a leading space."""
    data, parts = line.encode(), []
    while len(data) > 75:
        cut = 75 if not parts else 74
        while cut and (data[cut] & 0xC0) == 0x80:  # never split a UTF-8 character
            cut -= 1
        parts.append(data[:cut])
        data = data[cut:]
    parts.append(data)
    return b"\r\n ".join(parts).decode()


def _utc(moment):
    return moment.astimezone(timezone.get_fixed_timezone(0)).strftime("%Y%m%dT%H%M%SZ")


def calendar_invitation(booking, *, now=None):
    """The .ics text: one event, in UTC, whose UID stays the same across moves."""
    host = urlsplit(settings.SITE_URL).hostname or "clinic"
    offer = booking.offer
    description = (
        f"{offer.get_kind_display()} with {settings.CLINIC_NAME}. {where_text(booking)}\n"
        f"To move or cancel: {manage_url(booking)}\n"
        f"Questions: {settings.CLINIC_PHONE}"
    )
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:-//{_ics_text(settings.CLINIC_NAME)}//Consultations//EN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{booking.calendar_uid}@{host}",
        f"SEQUENCE:{booking.calendar_sequence}",
        f"DTSTAMP:{_utc(now or timezone.now())}",
        f"DTSTART:{_utc(booking.starts_at)}",
        f"DTEND:{_utc(booking.ends_at)}",
        f"SUMMARY:{_ics_text('Consultation with ' + settings.CLINIC_NAME)}",
        f"LOCATION:{_ics_text(where_text(booking))}",
        f"DESCRIPTION:{_ics_text(description)}",
        "STATUS:CONFIRMED",
        "BEGIN:VALARM",
        "ACTION:DISPLAY",
        f"DESCRIPTION:{_ics_text('Consultation with ' + settings.CLINIC_NAME)}",
        f"TRIGGER:-PT{int(timedelta(hours=1).total_seconds() // 60)}M",
        "END:VALARM",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"


def confirmation_content(booking):
    """(subject, body, calendar) of the confirmation."""

    context = {
        "clinic_name": settings.CLINIC_NAME,
        "clinic_phone": settings.CLINIC_PHONE,
        "first_name": booking.inquiry.first_name,
        "when": when_text(booking.starts_at),
        "length_minutes": booking.offer.length_minutes,
        "kind": booking.offer.get_kind_display(),
        "where": where_text(booking),
        "moved": booking.replaces_id is not None,
        "manage_url": manage_url(booking),
        "move_url": manage_url(booking, "move"),
        "cancel_url": manage_url(booking, "cancel"),
    }
    subject = render_to_string("emails/consultation_confirmation_subject.txt", context)
    body = render_to_string("emails/consultation_confirmation_body.txt", context)
    return " ".join(subject.split()), body, calendar_invitation(booking)


def queue_confirmation(booking):
    """Store the confirmation on the outbox; a job sends it after commit (None when the
    patient asked not to be contacted)."""
    inquiry = booking.inquiry
    if inquiry.do_not_contact:
        return None
    subject, body, calendar = confirmation_content(booking)
    notification = Notification.objects.create(
        inquiry=inquiry,
        kind=Notification.Kind.BOOKING,
        subject=subject,
        body=body,
        calendar=calendar,
        next_attempt_at=timezone.now(),
    )
    queue_delivery([notification])
    return notification
