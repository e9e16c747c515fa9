"""Retention: delete or anonymise closed inquiries past the clinic's retention period.

After a run nothing personal of a purged inquiry is left in the database: not in the
inquiry, its timeline (messages and data), contact attempts, stored emails and replies,
nor in Django's admin history, which named the inquiry by the patient's name. The staff
audit trail never stores search terms (staff/audit.py), so it keeps who did what and
when untouched.
"""

import getpass
import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models.functions import Concat, Greatest, Length, LPad
from django.utils import timezone

from inquiries.models import ContactAttempt, Inquiry, InquiryEvent, Notification, RetentionRun

BATCH_SIZE = 5000
ANONYMISED_NAME = "Anonymised"
ANONYMISED_EMAIL = "anonymised@example.invalid"
# Kept on an anonymised inquiry: they say what happened, never who or what was said,
# and the dashboard's pipeline figures need them.
KEPT_EVENT_KINDS = [
    InquiryEvent.Kind.CREATED,
    InquiryEvent.Kind.STATUS_CHANGED,
    InquiryEvent.Kind.ASSIGNED,
    InquiryEvent.Kind.PRIORITY_CHANGED,
    InquiryEvent.Kind.FOLLOW_UP_SET,
]
# What a kept event keeps of its data: choices, ids and dates, never typed text.
KEPT_EVENT_DATA = {"from", "to", "assignee_id", "on", "via", "urgent"}
PERSONAL_FIELDS = {
    "first_name": ANONYMISED_NAME,
    "last_name": "",
    "email": ANONYMISED_EMAIL,
    "phone": "",
    "best_time": "",
    "message": "",
    "consent_text": "",
    "referrer": "",
    # Campaign tags come from the link the patient followed: any text at all.
    "utm_source": "",
    "utm_medium": "",
    "utm_campaign": "",
    "utm_term": "",
    "utm_content": "",
    "ip_hash": "",
    "user_agent": "",
    "spam_reason": "",
    "submission_token": None,
}


@dataclass
class PurgeResult:
    cutoff: object
    inquiry_count: int
    event_count: int
    attempt_count: int = 0
    email_count: int = 0
    history_count: int = 0
    run: RetentionRun | None = None


def purgeable(cutoff, *, anonymise):
    inquiries = Inquiry.objects.closed().filter(closed_at__lt=cutoff)
    if anonymise:
        inquiries = inquiries.exclude(email=ANONYMISED_EMAIL)
    return inquiries


def _events_to_remove(pks, *, anonymise):
    events = InquiryEvent.objects.filter(inquiry_id__in=pks)
    return events.exclude(kind__in=KEPT_EVENT_KINDS) if anonymise else events


def _admin_history(pks):
    """Django's admin history of these inquiries (its object_repr is the patient's name)."""
    content_type = ContentType.objects.get_for_model(Inquiry)
    return LogEntry.objects.filter(content_type=content_type, object_id__in=map(str, pks))


def _batches(pks):
    for start in range(0, len(pks), BATCH_SIZE):
        yield pks[start : start + BATCH_SIZE]


def _count(pks, *, anonymise):
    """What a run removes or rewrites, batch by batch; the dry run prints these."""
    counts = {"event_count": 0, "attempt_count": 0, "email_count": 0, "history_count": 0}
    for batch in _batches(pks):
        counts["event_count"] += _events_to_remove(batch, anonymise=anonymise).count()
        counts["attempt_count"] += ContactAttempt.objects.filter(inquiry_id__in=batch).count()
        counts["email_count"] += Notification.objects.filter(inquiry_id__in=batch).count()
        counts["history_count"] += _admin_history(batch).count()
    return counts


@transaction.atomic
def purge_closed_inquiries(*, older_than_days, dry_run=False, anonymise=False, run_by=None):
    """Delete (or anonymise) inquiries closed more than `older_than_days` ago, in one
    transaction, and leave a RetentionRun row. A dry run only counts."""
    if older_than_days < 1:
        raise ValueError("The retention period must be at least 1 day.")
    now = timezone.now()
    cutoff = now - timedelta(days=older_than_days)
    inquiries = purgeable(cutoff, anonymise=anonymise).select_for_update()
    pks = list(inquiries.order_by("pk").values_list("pk", flat=True))
    result = PurgeResult(cutoff=cutoff, inquiry_count=len(pks), **_count(pks, anonymise=anonymise))
    if dry_run or not pks:
        return result

    for batch in _batches(pks):
        _forget_names_in_admin_history(batch)
        if anonymise:
            _anonymise(batch, now)
        else:
            Inquiry.objects.filter(pk__in=batch).delete()

    mode = RetentionRun.Mode.ANONYMISE if anonymise else RetentionRun.Mode.DELETE
    result.run = RetentionRun.objects.create(
        ran_at=now,
        mode=mode,
        older_than_days=older_than_days,
        cutoff=cutoff,
        inquiry_count=len(pks),
        event_count=result.event_count,
        run_by=run_by if run_by is not None else _who(),
    )
    if anonymise:
        InquiryEvent.objects.bulk_create(
            [
                InquiryEvent(
                    inquiry_id=pk,
                    kind=InquiryEvent.Kind.UPDATED,
                    message=f"Anonymised under the retention policy (run {result.run.pk})",
                    data={"retention_run": result.run.pk},
                    created_at=now,
                )
                for pk in pks
            ],
            batch_size=BATCH_SIZE,
        )
    return result


def _anonymise(batch, now):
    # Events are append-only for people; retention is the one sanctioned change.
    _events_to_remove(batch, anonymise=True).delete()
    _strip_kept_events(batch)
    ContactAttempt.objects.filter(inquiry_id__in=batch).delete()
    Notification.objects.filter(inquiry_id__in=batch).delete()
    Inquiry.objects.filter(pk__in=batch).update(**PERSONAL_FIELDS, updated_at=now)


def _strip_kept_events(batch):
    """Kept events say what happened in words rebuilt from their data: a message may
    quote staff's typed reason ("Priority Normal → Urgent (says she ...)").

    Rebuilt messages and data come in a few shapes ("New → Not a fit"), so one UPDATE
    per shape rewrites them: far quicker than a row-by-row bulk_update."""
    shapes = defaultdict(list)
    events = InquiryEvent.objects.filter(inquiry_id__in=batch, kind__in=KEPT_EVENT_KINDS)
    for pk, kind, message, data in events.values_list("pk", "kind", "message", "data"):
        kept = {key: value for key, value in data.items() if key in KEPT_EVENT_DATA}
        plain = plain_event_message(kind, kept)
        if (plain, kept) != (message, data):
            shapes[(plain, json.dumps(kept, sort_keys=True))].append(pk)
    for (message, data), pks in shapes.items():
        InquiryEvent.objects.filter(pk__in=pks).update(message=message, data=json.loads(data))


def plain_event_message(kind, data):
    """A kept event's message from its data alone ("New → Contacted"), or "" when its
    kind, shown beside it, says enough."""
    try:
        if kind == InquiryEvent.Kind.STATUS_CHANGED:
            return f"{Inquiry.Status(data['from']).label} → {Inquiry.Status(data['to']).label}"
        if kind == InquiryEvent.Kind.PRIORITY_CHANGED:
            old, new = Inquiry.Priority(data["from"]), Inquiry.Priority(data["to"])
            return f"Priority {old.label} → {new.label}"
        if kind == InquiryEvent.Kind.FOLLOW_UP_SET and data.get("on"):
            return f"Follow up on {data['on']}"
        if kind == InquiryEvent.Kind.CREATED and data.get("via"):
            urgent = "; marked urgent: crisis language in the message" if data.get("urgent") else ""
            return f"Received through the {data['via']}{urgent}"
    except (KeyError, ValueError):
        pass
    return ""


def _forget_names_in_admin_history(batch):
    # Who changed or deleted which inquiry, and when, stays; the name becomes the
    # reference, "INQ-" and the id padded to six digits, as Inquiry.reference has it.
    object_id = models.F("object_id")
    padded = LPad(object_id, Greatest(Length(object_id), models.Value(6)), models.Value("0"))
    reference = Concat(models.Value("INQ-"), padded, output_field=models.CharField())
    _admin_history(batch).update(object_repr=reference)


def _who():
    try:
        return getpass.getuser()[:150]
    except (KeyError, OSError):
        return ""
