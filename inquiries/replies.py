"""Replies to patients from the inquiry: the rules that keep health details out of email,
filling a template in, and queueing the reply on the notifications outbox.

A reply invites the patient to call or book; it never discusses health by email. So a
template or an edited reply is refused when it holds a diagnosis word from the list
below, a link to a host other than the clinic's own, or (when sending) any run of the
patient's own message.
"""

import re
import string
import uuid
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from inquiries.models import Inquiry, Notification, ReplyTemplate
from inquiries.services import SEND_LEASE, send_after_commit

PLACEHOLDERS = ("first_name", "clinic_name", "clinic_phone", "staff_first_name", "booking_link")

# Reviewed list: words that would tell a reader of the email what the patient may be
# treated for. Change it only with the clinic's medical reviewer; tests pin a few.
DIAGNOSIS_WORDS = (
    "addiction",
    "alcoholism",
    "anorexia",
    "antidepressant",
    "antidepressants",
    "anxiety",
    "bipolar",
    "bulimia",
    "chronic pain",
    "crps",
    "depressed",
    "depression",
    "diagnosed",
    "diagnosis",
    "eating disorder",
    "fibromyalgia",
    "mdd",
    "medication",
    "medications",
    "migraine",
    "migraines",
    "ocd",
    "overdose",
    "panic disorder",
    "post-traumatic",
    "postpartum",
    "prescription",
    "psychosis",
    "ptsd",
    "schizophrenia",
    "self-harm",
    "substance use",
    "suicidal",
    "suicide",
    "trauma",
    "treatment-resistant",
)
_DIAGNOSIS_RE = re.compile(
    r"(?<![\w-])(" + "|".join(re.escape(word) for word in DIAGNOSIS_WORDS) + r")(?![\w-])",
    re.IGNORECASE,
)
# Anything that a mail program would turn into a link: a scheme, www., or host/path.
_LINK_RE = re.compile(
    r"(?:[a-z][a-z0-9+.-]*://[^\s<>\"']+)|(?:\bwww\.[^\s<>\"']+)"
    r"|(?:\b(?:[a-z0-9-]+\.)+[a-z]{2,}/[^\s<>\"']*)",
    re.IGNORECASE,
)
# A run of this many words from the patient's message counts as quoting it.
QUOTED_WORDS = 5


def allowed_hosts():
    hosts = {urlsplit(settings.SITE_URL).hostname, urlsplit(settings.CLINIC_BOOKING_URL).hostname}
    return {host.lower() for host in hosts if host}


def _host_of(link):
    if "://" not in link:
        link = "//" + link
    return (urlsplit(link).hostname or "").lower()


def unknown_placeholders(text):
    """The placeholder names in `text` that we cannot fill; raises ValueError on bad braces."""
    names = [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]
    return [name for name in names if name not in PLACEHOLDERS]


def _rule_problems(text):
    problems = []
    words = sorted({match.group(1).lower() for match in _DIAGNOSIS_RE.finditer(text)})
    if words:
        problems.append(
            "It names a health condition or treatment detail ("
            + ", ".join(f"“{word}”" for word in words)
            + "): replies invite the patient to call or book; they never discuss health by "
            "email."
        )
    hosts = sorted({_host_of(link) for link in _LINK_RE.findall(text)} - allowed_hosts())
    if hosts:
        problems.append(
            "It links to another site (" + ", ".join(hosts) + "): replies may link only to "
            "the clinic's own site and booking page."
        )
    return problems


def template_problems(subject, body):
    """Why this template can't be saved (a list of messages; empty when it can)."""
    problems = []
    for label, text in (("subject", subject), ("body", body)):
        try:
            unknown = unknown_placeholders(text)
        except ValueError:
            problems.append(
                f"The {label} has a stray {{ or }}: placeholders look like {{first_name}}."
            )
            continue
        if unknown:
            problems.append(
                f"The {label} has an unknown placeholder "
                + ", ".join(f"{{{name}}}" for name in unknown)
                + ". Use one of: "
                + ", ".join(f"{{{name}}}" for name in PLACEHOLDERS)
                + "."
            )
    problems += _rule_problems(f"{subject}\n{body}")
    return problems


def _normalised_words(text):
    return re.findall(r"[\w']+", text.lower())


def quotes_message(text, message):
    """True when `text` holds a run of QUOTED_WORDS words of the patient's message (or
    all of a shorter message of at least three words)."""
    message_words = _normalised_words(message)
    if len(message_words) < 3:
        return False
    size = min(QUOTED_WORDS, len(message_words))
    runs = {tuple(message_words[i : i + size]) for i in range(len(message_words) - size + 1)}
    words = _normalised_words(text)
    return any(tuple(words[i : i + size]) in runs for i in range(len(words) - size + 1))


def reply_problems(inquiry, subject, body):
    """Why this reply can't be sent to this inquiry (a list of messages)."""
    problems = []
    if inquiry.reply_refusal:
        problems.append(inquiry.reply_refusal)
    if quotes_message(f"{subject}\n{body}", inquiry.message):
        problems.append(
            "It repeats the patient's own message: what they wrote stays in the clinic's "
            "records, not in email."
        )
    return problems + _rule_problems(f"{subject}\n{body}")


def placeholder_values(inquiry, staff_user):
    return {
        "first_name": inquiry.first_name,
        "clinic_name": settings.CLINIC_NAME,
        "clinic_phone": settings.CLINIC_PHONE,
        "staff_first_name": staff_user.first_name or staff_user.get_username(),
        "booking_link": settings.CLINIC_BOOKING_URL,
    }


def fill_template(template, inquiry, staff_user):
    """The template's subject and body with the placeholders filled in."""
    values = placeholder_values(inquiry, staff_user)
    return template.subject.format(**values), template.body.format(**values)


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


def queue_reply(*, inquiry, subject, body, template, sender, form_token, send_now=True):
    """Check a reply and put it on the outbox; return (notification, created).

    The form token makes it idempotent: the same form sent twice (two staff at once, a
    double click) finds the first reply and stores nothing. Sent after commit, so a mail
    failure never undoes the reply's record; `send_pending_notifications` retries."""
    existing = Notification.objects.filter(form_token=form_token).first()
    if existing is not None:
        return existing, False
    with transaction.atomic():
        # Lock the inquiry so a do-not-contact flag set this moment is seen here.
        inquiry = Inquiry.objects.select_for_update().get(pk=inquiry.pk)
        problems = reply_problems(inquiry, subject, body)
        if problems:
            raise ReplyRefused(problems)
        # A lease, as for the form's own emails: cron leaves it to this request for a while.
        in_request = send_now and settings.INQUIRY_EMAILS_IN_REQUEST
        notification = Notification(
            inquiry=inquiry,
            kind=Notification.Kind.REPLY,
            subject=subject,
            body=body,
            template=template,
            sent_by=sender,
            form_token=form_token,
            next_attempt_at=timezone.now() + (SEND_LEASE if in_request else timedelta()),
        )
        try:
            with transaction.atomic():
                notification.save(force_insert=True)
        except IntegrityError:
            # The other request stored the same form a moment ago.
            return Notification.objects.get(form_token=form_token), False
    if in_request:
        transaction.on_commit(lambda: send_after_commit([notification]), robust=True)
    return notification, True


def active_templates():
    return ReplyTemplate.objects.filter(is_active=True)
