"""Retention: delete or anonymise closed inquiries past the clinic's retention period."""

import getpass
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from inquiries.models import Inquiry, InquiryEvent, Notification, RetentionRun

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
PERSONAL_FIELDS = {
    "first_name": ANONYMISED_NAME,
    "last_name": "",
    "email": ANONYMISED_EMAIL,
    "phone": "",
    "best_time": "",
    "message": "",
    "consent_text": "",
    "referrer": "",
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
    run: RetentionRun | None = None


def purgeable(cutoff, *, anonymise):
    inquiries = Inquiry.objects.closed().filter(closed_at__lt=cutoff)
    if anonymise:
        inquiries = inquiries.exclude(email=ANONYMISED_EMAIL)
    return inquiries


def _events_to_remove(pks, *, anonymise):
    events = InquiryEvent.objects.filter(inquiry_id__in=pks)
    return events.exclude(kind__in=KEPT_EVENT_KINDS) if anonymise else events


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
    event_count = sum(
        _events_to_remove(pks[i : i + BATCH_SIZE], anonymise=anonymise).count()
        for i in range(0, len(pks), BATCH_SIZE)
    )
    result = PurgeResult(cutoff=cutoff, inquiry_count=len(pks), event_count=event_count)
    if dry_run or not pks:
        return result

    for start in range(0, len(pks), BATCH_SIZE):
        batch = pks[start : start + BATCH_SIZE]
        if anonymise:
            # Events are append-only for people; retention is the one sanctioned removal.
            _events_to_remove(batch, anonymise=True).delete()
            Notification.objects.filter(inquiry_id__in=batch).delete()
            Inquiry.objects.filter(pk__in=batch).update(**PERSONAL_FIELDS, updated_at=now)
        else:
            Inquiry.objects.filter(pk__in=batch).delete()

    mode = RetentionRun.Mode.ANONYMISE if anonymise else RetentionRun.Mode.DELETE
    result.run = RetentionRun.objects.create(
        ran_at=now,
        mode=mode,
        older_than_days=older_than_days,
        cutoff=cutoff,
        inquiry_count=len(pks),
        event_count=event_count,
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


def _who():
    try:
        return getpass.getuser()[:150]
    except (KeyError, OSError):
        return ""
