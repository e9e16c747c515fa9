"""The work screen's timeline: the inquiry's conversation, newest first.

Three sources, each read in one query whatever the inquiry's age: the events (notes,
attempts, status and assignment changes, the system's emails), the replies to the
patient with their text and send state, and the views, folded into one line per staff
member per day ("Viewed by Ines, 3 times today"). A reply's "sent" and "failed" events
are told by the reply's own line, so each email shows once.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, Max, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from inquiries.models import InquiryEvent, Notification
from inquiries.models.inquiry import staff_name

Kind = InquiryEvent.Kind
# Entries shown before "Show the whole timeline".
PAGE = 50
EMAIL_EVENTS = (Kind.EMAIL_SENT, Kind.EMAIL_FAILED)


@dataclass
class Entry:
    kind: str  # the CSS modifier: an event kind, "reply" or "viewed"
    title: str
    when: datetime
    who: str = ""
    text: str = ""
    subject: str = ""
    state: str = ""
    failing: bool = False
    extra: dict = field(default_factory=dict)


def timeline(inquiry, *, whole=False):
    """(entries newest first, whether older ones were left off)."""
    limit = None if whole else PAGE + 1
    entries = [
        *(_event_entry(event) for event in _cut(_events(inquiry), limit)),
        *(_reply_entry(reply) for reply in _cut(_replies(inquiry), limit)),
        *(_views_entry(row) for row in _cut(_views(inquiry), limit)),
    ]
    entries.sort(key=lambda entry: entry.when, reverse=True)
    if whole or len(entries) <= PAGE:
        return entries, False
    return entries[:PAGE], True


def _cut(queryset, limit):
    return queryset if limit is None else queryset[:limit]


def _events(inquiry):
    # has_key first: without it, NULL (no such key) would make NOT (...) drop the row.
    reply_emails = Q(
        kind__in=EMAIL_EVENTS,
        data__has_key="notification",
        data__notification=Notification.Kind.REPLY,
    )
    return (
        inquiry.events.exclude(kind=Kind.VIEWED)
        .exclude(reply_emails)
        .select_related("actor")
        .order_by("-created_at", "-pk")
    )


def _replies(inquiry):
    return (
        inquiry.notifications.filter(kind=Notification.Kind.REPLY)
        .select_related("template", "sent_by")
        .order_by("-created_at", "-pk")
    )


def _views(inquiry):
    day = TruncDate("created_at", tzinfo=timezone.get_current_timezone())
    return (
        inquiry.events.filter(kind=Kind.VIEWED)
        .annotate(day=day)
        .values("day", "actor_id", "actor__first_name", "actor__username")
        .annotate(times=Count("pk"), last=Max("created_at"))
        .order_by("-last")
    )


def _event_entry(event):
    return Entry(
        kind=event.kind,
        title=event.get_kind_display(),
        when=event.created_at,
        who=staff_name(event.actor) if event.actor_id else "system",
        text=event.message,
    )


def _reply_entry(reply):
    template = f" (“{reply.template.name}”)" if reply.template_id else ""
    if reply.state == Notification.State.SENT:
        state = "Sent"
    elif reply.state == Notification.State.FAILED:
        state = f"Failed, gave up after {reply.attempts} attempts: {reply.last_error}"
    elif reply.failing:
        state = f"Failed {reply.attempts}×, retrying: {reply.last_error}"
    else:
        state = "Waiting to send"
    return Entry(
        kind="reply",
        title=f"Email to the patient{template}",
        when=reply.created_at,
        who=staff_name(reply.sent_by) if reply.sent_by_id else "staff",
        subject=reply.subject,
        text=reply.body,
        state=state,
        failing=reply.failing,
    )


def _views_entry(row):
    name = row["actor__first_name"] or row["actor__username"] or "someone"
    times = "once" if row["times"] == 1 else f"{row['times']} times"
    return Entry(
        kind="viewed",
        title=f"Viewed by {name}, {times} {_day_words(row['day'])}",
        when=row["last"],
    )


def _day_words(day):
    today = timezone.localdate()
    if day == today:
        return "today"
    if day == today - timedelta(days=1):
        return "yesterday"
    return f"on {day:%b} {day.day}, {day.year}"
