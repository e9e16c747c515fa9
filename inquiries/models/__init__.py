"""The Inquiry, its topics and its append-only timeline, and the outbox of its emails.

Every change to an inquiry goes through a verb method (`transition_to`, `assign`,
`add_note`, ...) that saves with `update_fields` and records an `InquiryEvent`, so the
timeline is complete whatever screen made the change.
"""

from inquiries.models.inquiry import Inquiry
from inquiries.models.outbox import Notification, NotificationQuerySet, RetentionRun
from inquiries.models.queries import InquiryQuerySet, promise_kept_q, waiting_too_long_q
from inquiries.models.snapshot import DashboardSnapshot
from inquiries.models.timeline import (
    NO_RESPONSE_AFTER,
    ContactAttempt,
    InquiryEvent,
    ReplyTemplate,
)
from inquiries.models.topic import Topic

__all__ = [
    "NO_RESPONSE_AFTER",
    "ContactAttempt",
    "DashboardSnapshot",
    "Inquiry",
    "InquiryEvent",
    "InquiryQuerySet",
    "Notification",
    "NotificationQuerySet",
    "ReplyTemplate",
    "RetentionRun",
    "Topic",
    "promise_kept_q",
    "waiting_too_long_q",
]
