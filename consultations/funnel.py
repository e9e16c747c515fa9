"""The dashboard's closed funnel: of the inquiries submitted, how many booked a
consultation and how many attended, by week, by source page and by topic; and the median
time from an inquiry to its first booking. Each figure links to the queue filtered to it
(the queue's "consultation" filter, inquiries/admin/filters.py).

An inquiry counts as booked once it has a booking that holds its time (booked, attended
or did not attend: a moved booking lives on in the one that replaced it; one cancelled
and never rebooked does not count). Computed by the dashboard's job once a minute with
the rest of its figures (inquiries/dashboard_snapshot.py), never in a staff request.
"""

import statistics
from datetime import datetime, time, timedelta

from django.db.models import Count, Exists, Min, OuterRef, Q
from django.db.models.functions import TruncWeek
from django.utils import timezone

from consultations.models import Booking
from inquiries.dashboard import describe_duration, queue_between, start_of_week
from inquiries.models import Inquiry

WEEKS = 12
BREAKDOWN_DAYS = 365
MEDIAN_DAYS = 90


def booked_q():
    return Q(Exists(Booking.objects.filter(inquiry=OuterRef("pk"), status__in=Booking.HOLDING)))


def attended_q():
    return Q(Exists(Booking.objects.filter(inquiry=OuterRef("pk"), status=Booking.Status.ATTENDED)))


COUNTS = {
    "inquiries": Count("id"),
    "booked": Count("id", filter=booked_q()),
    "attended": Count("id", filter=attended_q()),
}


def _links(base, start, end=None, **params):
    """The queue's URLs for a row's three figures."""
    return {
        "inquiries_url": queue_between(base, start, end, **params),
        "booked_url": queue_between(base, start, end, **params, consultation="booked"),
        "attended_url": queue_between(base, start, end, **params, consultation="attended"),
    }


def _row(label, counts, links):
    inquiries = counts["inquiries"]
    rate = round(100 * counts["booked"] / inquiries) if inquiries else None
    return {"label": label, **counts, "booked_rate": rate, **links}


def by_week(base, now):
    first = start_of_week(now) - timedelta(weeks=WEEKS - 1)
    rows = {
        timezone.localtime(row["week"]).date(): row
        for row in Inquiry.objects.real()
        .filter(created_at__gte=first)
        .annotate(week=TruncWeek("created_at"))
        .values("week")
        .annotate(**COUNTS)
        .order_by()
    }
    weeks = []
    for index in range(WEEKS):
        start = timezone.make_aware(
            datetime.combine((first + timedelta(weeks=index)).date(), time.min)
        )
        end = timezone.make_aware(datetime.combine(start.date() + timedelta(weeks=1), time.min))
        counts = rows.get(start.date(), {"inquiries": 0, "booked": 0, "attended": 0})
        counts = {key: counts[key] for key in COUNTS}
        weeks.append({**_row(start, counts, _links(base, start, end)), "start": start})
    return weeks


def _breakdown(base, since, key, label_key, empty):
    rows = (
        Inquiry.objects.real()
        .filter(created_at__gte=since)
        .values(key, label_key)
        .annotate(**COUNTS)
        .order_by("-inquiries", label_key)
    )
    table = []
    for row in rows:
        pk = row[key]
        params = {f"{key}__id__exact": pk} if pk is not None else {f"{key}__isnull": "True"}
        counts = {name: row[name] for name in COUNTS}
        table.append(_row(row[label_key] or empty, counts, _links(base, since, **params)))
    return table


def median_time_to_booking(since):
    """(median, count): from submission to the first booking made, for inquiries
    submitted since `since` that booked (a handful of rows: computed here)."""
    firsts = (
        Booking.objects.filter(inquiry__created_at__gte=since)
        .exclude(inquiry__status=Inquiry.Status.SPAM)
        .values("inquiry")
        .annotate(first=Min("created_at"), submitted=Min("inquiry__created_at"))
        .order_by()
    )
    waits = [row["first"] - row["submitted"] for row in firsts]
    return (statistics.median(waits) if waits else None), len(waits)


def funnel(*, changelist_url, now=None):
    now = now or timezone.now()
    since = now - timedelta(days=BREAKDOWN_DAYS)
    median_since = now - timedelta(days=MEDIAN_DAYS)
    median, booked = median_time_to_booking(median_since)
    return {
        "weeks": by_week(changelist_url, now),
        "by_page": _breakdown(
            changelist_url, since, "source_page", "source_page__title", "No source page"
        ),
        "by_topic": _breakdown(changelist_url, since, "topic", "topic__name", "No topic"),
        "breakdown_days": BREAKDOWN_DAYS,
        "median_to_booking": {
            "value": median,
            "display": describe_duration(median),
            "booked": booked,
            "days": MEDIAN_DAYS,
            "url": _links(changelist_url, median_since)["booked_url"],
        },
    }
