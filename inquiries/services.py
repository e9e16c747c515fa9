"""Work on inquiries that spans models: storing a submission with its queued emails."""

import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from clinic.net import client_ip_hash
from inquiries import outbox
from inquiries.consent import CONSENT_TEXT, CONSENT_VERSION
from inquiries.contact_details import clean_metadata, has_control_characters
from inquiries.crisis import has_crisis_language
from inquiries.models import Inquiry, InquiryEvent, Notification, Topic
from inquiries.topics import TopicWithdrawn

logger = logging.getLogger(__name__)

UTM_FIELDS = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content")


def _field_length(name):
    return Inquiry._meta.get_field(name).max_length


def published_page_at(path):
    """The published page at this path, or None: ?from= is kept only for a real page."""
    if (
        not path
        or not path.startswith("/")
        or len(path) > _field_length("source_path")
        or has_control_characters(path)  # PostgreSQL refuses a NUL in a query parameter
    ):
        return None
    from pages.models import Page  # the pages app owns its model; read it lazily

    return Page.objects.published().filter(path=path).first()


def referrer_from(request):
    """The page the visitor came from: carried from the form's GET in a hidden field."""
    if request.method == "POST":
        value = request.POST.get("referrer", "")
    else:
        value = request.META.get("HTTP_REFERER", "")
    return clean_metadata(value, _field_length("referrer"))


def submit_inquiry(*, form, request, rate_limited=False):
    """Store a valid submission with its timeline event and queued emails in one
    transaction; return (inquiry, created). A replayed form token returns the first.

    Raises TopicWithdrawn if the chosen topic was deleted since the form checked it."""
    spam_reason = form.spam_reason or ("rate limit exceeded" if rate_limited else "")
    now = timezone.now()
    inquiry = form.save(commit=False)
    inquiry.consent_text = CONSENT_TEXT
    inquiry.consent_version = CONSENT_VERSION
    inquiry.consent_given_at = now
    inquiry.created_at = now
    # A rate-limited copy is kept without the token, so the same form sent again
    # later (once the limit has passed) is stored as a real inquiry.
    inquiry.submission_token = None if rate_limited else form.submission_token
    inquiry.status = Inquiry.Status.SPAM if spam_reason else Inquiry.Status.NEW
    inquiry.spam_reason = spam_reason[: _field_length("spam_reason")]
    # Spam is stored closed, as transition_to closes it: the retention purge goes by
    # closed_at, and a message held as spam may be a real person's health details.
    inquiry.closed_at = None if inquiry.is_open else now
    if has_crisis_language(inquiry.message):
        inquiry.priority = Inquiry.Priority.URGENT
    page = published_page_at(request.GET.get("from", ""))
    if page is not None:
        inquiry.source_page = page
        inquiry.source_path = page.path
    inquiry.referrer = referrer_from(request)
    for name in UTM_FIELDS:
        setattr(inquiry, name, clean_metadata(request.GET.get(name), _field_length(name)))
    inquiry.ip_hash = client_ip_hash(request)
    inquiry.user_agent = clean_metadata(
        request.META.get("HTTP_USER_AGENT"), _field_length("user_agent")
    )

    created = InquiryEvent(
        kind=InquiryEvent.Kind.CREATED,
        message=_created_message(inquiry),
        data={
            "via": "website form",
            "urgent": inquiry.is_urgent,
            "spam_reason": inquiry.spam_reason,
        },
    )
    notifications = _notifications_for(inquiry, now=now)
    try:
        _store(inquiry, created, notifications)
    except IntegrityError:
        # The same form sent twice (a double tap, a retried request): the unique
        # token stopped the second copy; answer as the first one was answered.
        existing = (
            Inquiry.objects.filter(submission_token=inquiry.submission_token).first()
            if inquiry.submission_token
            else None
        )
        if existing is not None:
            return existing, False
        if not Topic.objects.filter(pk=inquiry.topic_id).exists():
            raise TopicWithdrawn from None
        raise
    _send_when_committed(inquiry, notifications)
    return inquiry, True


def queue_arrival_emails(inquiry):
    """Queue the emails a new inquiry gets, those it lacks, and send them after commit:
    for an inquiry moved out of spam, which was stored without them."""
    queued = []
    for notification in _notifications_for(inquiry, now=timezone.now()):
        notification.inquiry = inquiry
        try:
            with transaction.atomic():
                notification.save(force_insert=True)
        except IntegrityError:
            continue  # one of this kind already exists (sent before a mistaken spam mark)
        queued.append(notification)
    _send_when_committed(inquiry, queued)


def _send_when_committed(inquiry, notifications):
    # A job sends them after commit, so a mail failure can't undo the inquiry and the
    # patient never waits for the mail server; the rows make them retried.
    if notifications and not settings.INTAKE_NOTIFY_EMAILS:
        logger.warning("INTAKE_NOTIFY_EMAILS is empty: no intake email for %s", inquiry.reference)
    outbox.queue_delivery(notifications)


def _store(inquiry, event, notifications):
    try:
        _save_together(inquiry, event, notifications)
    except IntegrityError:
        if inquiry.source_page_id is None or _page_exists(inquiry.source_page_id):
            raise
        # The page the patient came from was deleted this very moment: keep its path,
        # drop the link, and store the inquiry all the same.
        inquiry.source_page = None
        _save_together(inquiry, event, notifications)


def _save_together(inquiry, event, notifications):
    # Foreign keys are checked when the transaction commits, so a topic or page deleted
    # meanwhile raises IntegrityError here, at the end of the block, with nothing stored.
    try:
        with transaction.atomic():
            inquiry.save(force_insert=True)
            event.inquiry = inquiry
            event.save(force_insert=True)
            for notification in notifications:
                notification.inquiry = inquiry
            Notification.objects.bulk_create(notifications)  # one INSERT for both emails
    except IntegrityError:
        for row in (inquiry, event, *notifications):
            row.pk = None  # rolled back: unsaved again, so a retry inserts afresh
        raise


def _page_exists(page_id):
    from pages.models import Page  # the pages app owns its model; read it lazily

    return Page.objects.filter(pk=page_id).exists()


def _created_message(inquiry):
    parts = ["Received through the website form"]
    if inquiry.is_urgent:
        parts.append("marked urgent: crisis language in the message")
    if inquiry.spam_reason:
        parts.append(f"held as spam: {inquiry.spam_reason}")
    return "; ".join(parts)


def _notifications_for(inquiry, *, now):
    """The emails to queue with the inquiry. Spam sends none; with no intake addresses
    configured there is no intake email to queue (the inquiry is in the admin queue)."""
    if inquiry.status == Inquiry.Status.SPAM:
        return []
    kinds = [Notification.Kind.ACKNOWLEDGEMENT]
    if settings.INTAKE_NOTIFY_EMAILS:
        kinds.insert(0, Notification.Kind.INTAKE)
    return [Notification(kind=kind, next_attempt_at=now) for kind in kinds]
