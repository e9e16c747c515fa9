"""The dashboard's figures, computed by a job once a minute and stored as one row.

At a million inquiries the figures take seconds to compute (inquiries/dashboard.py), so no
staff request computes them: the dashboard reads the latest snapshot, at most a minute
old, and says when it is from. With none yet (a fresh install, a worker not yet started)
the page says the figures are being prepared and queues the job.
"""

import time

from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from inquiries import dashboard
from inquiries.models import DashboardSnapshot

# The one row the job rewrites: a snapshot history would be nobody's use.
SNAPSHOT_ID = 1
# Keys holding moments: JSON keeps them as text, the page needs them as datetimes.
MOMENT_KEYS = {"computed_at", "start"}


def changelist_url():
    return reverse("admin:inquiries_inquiry_changelist")


def take_snapshot(*, now=None):
    """Compute the figures and store them as the latest snapshot."""
    started = time.monotonic()
    now = now or timezone.now()
    queue_url = changelist_url()
    figures = dashboard.figures(changelist_url=queue_url, now=now)
    figures["funnel"] = consultation_funnel(queue_url, now)
    snapshot, _ = DashboardSnapshot.objects.update_or_create(
        pk=SNAPSHOT_ID,
        defaults={
            "figures": figures,
            "computed_at": now,
            "duration_ms": round((time.monotonic() - started) * 1000),
        },
    )
    return snapshot


def consultation_funnel(changelist_url, now):
    """Inquiries, consultations booked and attended: from the consultations app, which
    builds on this one."""
    from consultations.funnel import funnel

    return funnel(changelist_url=changelist_url, now=now)


def latest_figures():
    """The stored figures, with their moments as datetimes again; None before the first."""
    snapshot = DashboardSnapshot.objects.filter(pk=SNAPSHOT_ID).first()
    if snapshot is None:
        return None
    return _revive(snapshot.figures)


def _revive(value, key=None):
    if isinstance(value, dict):
        return {name: _revive(item, name) for name, item in value.items()}
    if isinstance(value, list):
        return [_revive(item) for item in value]
    if key in MOMENT_KEYS and isinstance(value, str):
        return parse_datetime(value)
    return value
