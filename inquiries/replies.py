"""Replies to patients from the inquiry: the form's token, and queueing the reply on the
notifications outbox. The text rules (no health details, no other sites, not the
patient's own words) and filling a template in live in inquiries/reply_rules.py.
"""

import uuid

from django.db import IntegrityError, transaction
from django.utils import timezone

from inquiries.models import Inquiry, Notification, ReplyTemplate
from inquiries.outbox import queue_delivery
from inquiries.reply_rules import (  # noqa: F401  (the names this module has always offered)
    DIAGNOSIS_WORDS,
    PLACEHOLDERS,
    fill_template,
    placeholder_values,
    quotes_message,
    reply_problems,
    template_problems,
)

# Namespace for reply form tokens (any fixed UUID; this one is only ours).
_TOKEN_NAMESPACE = uuid.UUID("5c1a7d0e-19b2-4c8e-9f3a-0d6b2e4a8c11")


def reply_token(inquiry, template):
    """The reply form's token: the same for everyone who opens this template's form on
    this inquiry before the next reply is stored, so two staff sending it at once send
    it once; a later reply gets a new token."""
    replies_so_far = inquiry.notifications.filter(kind=Notification.Kind.REPLY).count()
    return uuid.uuid5(_TOKEN_NAMESPACE, f"{inquiry.pk}:{template.pk}:{replies_so_far}")


class ReplyRefused(Exception):
    def __init__(self, problems):
        super().__init__(" ".join(problems))
        self.problems = problems


def queue_reply(*, inquiry, subject, body, template, sender, form_token):
    """Check a reply and put it on the outbox; return (notification, created).

    The form token makes it idempotent: the same form sent twice (two staff at once, a
    double click) finds the first reply and stores nothing. A job sends it after commit
    (inquiries/outbox.py), so a mail failure never undoes the reply's record."""
    existing = Notification.objects.filter(form_token=form_token).first()
    if existing is not None:
        return existing, False
    with transaction.atomic():
        # Lock the inquiry so a do-not-contact flag set this moment is seen here.
        inquiry = Inquiry.objects.select_for_update().get(pk=inquiry.pk)
        problems = reply_problems(inquiry, subject, body)
        if problems:
            raise ReplyRefused(problems)
        notification = Notification(
            inquiry=inquiry,
            kind=Notification.Kind.REPLY,
            subject=subject,
            body=body,
            template=template,
            sent_by=sender,
            form_token=form_token,
            next_attempt_at=timezone.now(),
        )
        try:
            with transaction.atomic():
                notification.save(force_insert=True)
        except IntegrityError:
            # The other request stored the same form a moment ago.
            return Notification.objects.get(form_token=form_token), False
        queue_delivery([notification])
    return notification, True


def active_templates():
    return ReplyTemplate.objects.filter(is_active=True)
