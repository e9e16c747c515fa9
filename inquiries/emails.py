"""The emails sent about an inquiry, one function per message.

Neither email names a health detail: the intake team gets only the reference and an
admin link (email is not a safe place for what the patient wrote), and the patient
gets what happens next and the crisis lines, not their topic or message.
"""

from django.conf import settings
from django.core.mail import EmailMessage, send_mail
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse

from clinic.context_processors import clinic_details


class NoRecipients(Exception):
    """INTAKE_NOTIFY_EMAILS is empty, so the intake email has nowhere to go."""


def work_screen_url(inquiry):
    """The inquiry's work screen (its old /change/ address only redirects there)."""
    try:
        path = reverse("admin:inquiries_inquiry_work", args=[inquiry.pk])
    except NoReverseMatch:  # the admin is not registered (e.g. a trimmed-down deployment)
        path = f"/{settings.ADMIN_PATH}inquiries/inquiry/{inquiry.pk}/"
    return settings.SITE_URL + path


def _render(name, context):
    subject = render_to_string(f"emails/{name}_subject.txt", context)
    body = render_to_string(f"emails/{name}_body.txt", context)
    # A subject is one line whatever the template holds (no header injection).
    return " ".join(subject.split()), body


def send_intake_notification(inquiry, *, connection=None):
    recipients = list(settings.INTAKE_NOTIFY_EMAILS)
    if not recipients:
        raise NoRecipients("INTAKE_NOTIFY_EMAILS is empty")
    context = {
        **clinic_details(),
        "reference": inquiry.reference,
        "urgent": inquiry.is_urgent,
        "admin_url": work_screen_url(inquiry),
    }
    subject, body = _render("intake_notification", context)
    send_mail(subject, body, None, recipients, connection=connection)


def send_acknowledgement(inquiry, *, connection=None):
    context = {**clinic_details(), "reference": inquiry.reference}
    subject, body = _render("acknowledgement", context)
    send_mail(subject, body, None, [inquiry.email], connection=connection)


def send_written(notification, *, connection=None):
    """An email whose text was written when it was queued: a staff reply (checked then),
    or a consultation's confirmation or reminder (consultations/emails.py), with the
    calendar invitation if it has one."""
    message = EmailMessage(
        subject=" ".join(notification.subject.split()),
        body=notification.body,
        to=[notification.inquiry.email],
        reply_to=[settings.CLINIC_EMAIL],
        connection=connection,
    )
    if notification.calendar:
        message.attach("consultation.ics", notification.calendar, "text/calendar; method=PUBLISH")
    message.send()
