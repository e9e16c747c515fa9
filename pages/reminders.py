"""Review reminders: each reviewer gets one email listing their pages that need review."""

from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from clinic.context_processors import clinic_details
from pages.models import Page, ReviewReminder


@dataclass
class ReminderPlan:
    """Who gets which pages; and what can't be sent (no email, no reviewer)."""

    reminders: dict = field(default_factory=dict)  # clinician -> pages, most urgent first
    without_email: dict = field(default_factory=dict)
    without_reviewer: list = field(default_factory=list)


def _urgency(page):
    # Never reviewed first, then by due date: the longest overdue leads the list.
    return (page.last_reviewed is not None, page.review_due or date.min, page.path)


def plan_review_reminders():
    """All pages (drafts too: they need review before going live) due within 30 days."""
    plan = ReminderPlan()
    pages = Page.objects.needing_review().select_related("reviewer")
    for page in sorted(pages, key=_urgency):
        if page.reviewer is None:
            plan.without_reviewer.append(page)
        elif not page.reviewer.email:
            plan.without_email.setdefault(page.reviewer, []).append(page)
        else:
            plan.reminders.setdefault(page.reviewer, []).append(page)
    return plan


def due_label(page, today):
    if page.last_reviewed is None:
        return "not reviewed yet"
    due = page.review_due
    if due < today:
        return f"overdue since {due:%B} {due.day}, {due.year}"
    return f"due {due:%B} {due.day}, {due.year}"


def _page_lines(page, today):
    return {
        "title": page.title,
        "draft": not page.is_live,
        "due": due_label(page, today),
        "admin_url": settings.SITE_URL + reverse("admin:pages_page_change", args=[page.pk]),
        "site_url": settings.SITE_URL + page.path,
    }


def render_reminder(clinician, pages, today):
    """(subject, body) of one reviewer's reminder."""
    context = {
        **clinic_details(),
        "clinician": clinician,
        "count": len(pages),
        "pages": [_page_lines(page, today) for page in pages],
    }
    subject = render_to_string("emails/review_reminder_subject.txt", context)
    body = render_to_string("emails/review_reminder_body.txt", context)
    return " ".join(subject.split()), body


def send_review_reminder(clinician, pages):
    """Email one reviewer; False if they were already reminded today (nothing sent).

    The day's record is written before sending, in the same transaction: a second run
    (or one overlapping this) waits on the unique row and then skips; a failed send
    rolls the record back, so the next run tries again.
    """
    today = timezone.localdate()
    subject, body = render_reminder(clinician, pages, today)
    try:
        with transaction.atomic():
            ReviewReminder.objects.create(clinician=clinician, sent_on=today, page_count=len(pages))
            send_mail(subject, body, None, [clinician.email])
    except IntegrityError:
        return False
    return True
