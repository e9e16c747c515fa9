"""Figures for the admin dashboard; each comes with a link to the queue filtered to it.

Spam is no inquiry: every figure counts real inquiries only (`Inquiry.objects.real()`),
and its links open the queue filtered to "All but spam"; spam has one figure of its own.

At a million inquiries the figures take seconds to compute, so a job computes them once a
minute and the dashboard shows that snapshot (inquiries/dashboard_snapshot.py).
"""

import statistics
from datetime import datetime, time, timedelta
from urllib.parse import urlencode

from django.db import connection
from django.db.models import Aggregate, Avg, Count, DurationField, F, Q
from django.db.models.functions import TruncWeek
from django.utils import timezone

from inquiries.business_days import add_business_days, whole_clinic_closed_days
from inquiries.models import Inquiry, promise_kept_q

Status = Inquiry.Status
WEEKS = 12
MEDIAN_DAYS = 30
CONVERSION_DAYS = 365
CHART_WIDTH = 720
CHART_HEIGHT = 220
CHART_TOP = 20  # room for the count above the tallest bar
CHART_BOTTOM = 30  # room for the week labels
ATTEMPTS_DAYS = 30
# The queue's status filter value for every status but spam (StatusFilter.REAL).
ALL_BUT_SPAM = "real"


class Percentile(Aggregate):
    """PostgreSQL's percentile_cont: interpolated like statistics.median at 0.5."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression, fraction, **extra):
        # A number from our code, never from a request.
        super().__init__(expression, fraction=float(fraction), **extra)


class Median(Percentile):
    def __init__(self, expression, **extra):
        super().__init__(expression, 0.5, **extra)


def start_of_week(moment):
    local = timezone.localtime(moment)
    monday = local.date() - timedelta(days=local.weekday())
    return timezone.make_aware(datetime.combine(monday, time.min))


def _stamp(moment):
    # The admin's date filter takes what it wrote itself: "2026-11-23 00:00:00-05:00".
    return str(timezone.localtime(moment).replace(microsecond=0))


def _queue_url(base, **params):
    return f"{base}?{urlencode(params)}"


def queue_between(base, start, end=None, **params):
    """The queue filtered to what was submitted from start (to end), spam left out."""
    params = {"status": ALL_BUT_SPAM, **params, "created_at__gte": _stamp(start)}
    if end is not None:
        params["created_at__lt"] = _stamp(end)
    return _queue_url(base, **params)


def median_time_to_first_contact(since):
    contacted = Inquiry.objects.real().filter(
        created_at__gte=since, first_contacted_at__isnull=False
    )
    waited = F("first_contacted_at") - F("created_at")
    if connection.vendor == "postgresql":
        result = contacted.aggregate(
            median=Median(waited, output_field=DurationField()), count=Count("id")
        )
        return result["median"], result["count"]
    # SQLite and others: no percentile function, so compute it here (a dev database).
    durations = [
        contacted_at - created_at
        for created_at, contacted_at in contacted.values_list("created_at", "first_contacted_at")
    ]
    return (statistics.median(durations) if durations else None), len(durations)


def describe_duration(duration):
    if duration is None:
        return "—"
    hours = duration.total_seconds() / 3600
    if hours < 1:
        return f"{round(hours * 60)} min"
    if hours < 48:
        return f"{hours:.1f} h"
    return f"{hours / 24:.1f} days"


def _conversion(rows, base, since, key, label_key, empty_label):
    table = []
    for row in rows:
        pk = row[key]
        filter_params = {f"{key}__id__exact": pk} if pk is not None else {f"{key}__isnull": "True"}
        total, patients = row["total"], row["patients"]
        table.append(
            {
                "label": row[label_key] or empty_label,
                "total": total,
                "patients": patients,
                "rate": round(100 * patients / total, 1) if total else 0,
                "url": queue_between(base, since, **filter_params),
                "patients_url": queue_between(
                    base, since, **{**filter_params, "status": Status.BECAME_PATIENT}
                ),
            }
        )
    return table


def weekly_series(base, now):
    first_week = start_of_week(now) - timedelta(weeks=WEEKS - 1)
    counts = {
        timezone.localtime(row["week"]).date(): row["n"]
        for row in Inquiry.objects.real()
        .filter(created_at__gte=first_week)
        .annotate(week=TruncWeek("created_at"))
        .values("week")
        .annotate(n=Count("id"))
        .order_by()
    }
    tallest = max(counts.values(), default=0) or 1
    slot = CHART_WIDTH / WEEKS
    usable = CHART_HEIGHT - CHART_TOP - CHART_BOTTOM
    bars = []
    for index in range(WEEKS):
        start = first_week + timedelta(weeks=index)
        start = timezone.make_aware(datetime.combine(start.date(), time.min))
        end = timezone.make_aware(datetime.combine(start.date() + timedelta(weeks=1), time.min))
        count = counts.get(start.date(), 0)
        height = round(usable * count / tallest, 1)
        x = round(index * slot + slot * 0.15, 1)
        bars.append(
            {
                "start": start,
                "count": count,
                "url": queue_between(base, start, end),
                "x": x,
                "width": round(slot * 0.7, 1),
                "y": round(CHART_TOP + usable - height, 1),
                "height": height,
                "label_x": round(index * slot + slot / 2, 1),
                "count_y": round(CHART_TOP + usable - height - 6, 1),
            }
        )
    return {
        "bars": bars,
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "baseline": CHART_HEIGHT - CHART_BOTTOM,
        "label_y": CHART_HEIGHT - CHART_BOTTOM + 18,
        "total": sum(bar["count"] for bar in bars),
        "tallest": max(counts.values(), default=0),
    }


def _python_percentile(durations, fraction):
    """percentile_cont for a database without it (SQLite in development)."""
    ordered = sorted(durations)
    if not ordered:
        return None
    position = (len(ordered) - 1) * fraction
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def first_contact_by_week(base, now):
    """Time to first contact per week of submission: median, 90th percentile, and how
    many were contacted within the one-business-day promise."""
    first_week = start_of_week(now) - timedelta(weeks=WEEKS - 1)
    contacted = Inquiry.objects.real().filter(
        created_at__gte=first_week, first_contacted_at__isnull=False
    )
    waited = F("first_contacted_at") - F("created_at")
    if connection.vendor == "postgresql":
        rows = (
            contacted.annotate(week=TruncWeek("created_at"))
            .values("week")
            .annotate(
                contacted=Count("id"),
                on_time=Count("id", filter=promise_kept_q()),
                median=Median(waited, output_field=DurationField()),
                p90=Percentile(waited, 0.9, output_field=DurationField()),
            )
            .order_by()
        )
        by_week = {timezone.localtime(row["week"]).date(): row for row in rows}
    else:
        by_week = _first_contact_in_python(contacted)
    weeks = []
    for index in range(WEEKS):
        start = timezone.make_aware(
            datetime.combine((first_week + timedelta(weeks=index)).date(), time.min)
        )
        end = timezone.make_aware(datetime.combine(start.date() + timedelta(weeks=1), time.min))
        row = by_week.get(start.date(), {})
        count, on_time = row.get("contacted", 0), row.get("on_time", 0)
        weeks.append(
            {
                "start": start,
                "contacted": count,
                "median": describe_duration(row.get("median")),
                "p90": describe_duration(row.get("p90")),
                "on_time": on_time,
                "late": count - on_time,
                "on_time_rate": round(100 * on_time / count) if count else None,
                "url": queue_between(base, start, end),
                "on_time_url": queue_between(base, start, end, first_contact="on_time"),
                "late_url": queue_between(base, start, end, first_contact="late"),
            }
        )
    return weeks


def _first_contact_in_python(contacted):
    closed = whole_clinic_closed_days()  # read once, not once per inquiry
    grouped = {}
    for created_at, contacted_at in contacted.values_list("created_at", "first_contacted_at"):
        week = start_of_week(created_at).date()
        grouped.setdefault(week, []).append((created_at, contacted_at))
    by_week = {}
    for week, pairs in grouped.items():
        durations = [contacted_at - created_at for created_at, contacted_at in pairs]
        by_week[week] = {
            "contacted": len(pairs),
            "on_time": sum(
                contacted_at <= add_business_days(created_at, closed=closed)
                for created_at, contacted_at in pairs
            ),
            "median": _python_percentile(durations, 0.5),
            "p90": _python_percentile(durations, 0.9),
        }
    return by_week


def attempts_per_reached_patient(base, now):
    """Among inquiries of the last ATTEMPTS_DAYS days that a logged attempt reached: how
    many attempts it took, on average."""
    since = now - timedelta(days=ATTEMPTS_DAYS)
    result = (
        Inquiry.objects.real()
        .filter(created_at__gte=since, reached_at__isnull=False)
        .aggregate(average=Avg("attempts_to_reach"), reached=Count("id"))
    )
    average = result["average"]
    return {
        "value": round(average, 1) if average is not None else None,
        "display": f"{average:.1f}" if average is not None else "—",
        "reached": result["reached"],
        "days": ATTEMPTS_DAYS,
        "url": queue_between(base, since, contact="reached"),
    }


def figures(*, changelist_url, now=None):
    """Everything the dashboard shows, computed in a handful of aggregate queries."""
    now = now or timezone.now()
    base = changelist_url
    by_status_counts = dict(
        Inquiry.objects.values_list("status").annotate(n=Count("id")).order_by()
    )
    by_status = [
        {
            "label": label,
            "count": by_status_counts.get(value, 0),
            "url": _queue_url(base, status=value),
        }
        for value, label in Status.choices
        if value != Status.SPAM
    ]
    open_count = sum(by_status_counts.get(value, 0) for value in Inquiry.OPEN_STATUSES)

    this_week = start_of_week(now)
    last_week = this_week - timedelta(weeks=1)
    weeks = (
        Inquiry.objects.real()
        .filter(created_at__gte=last_week)
        .aggregate(
            this=Count("id", filter=Q(created_at__gte=this_week)),
            last=Count("id", filter=Q(created_at__lt=this_week)),
        )
    )

    median_since = now - timedelta(days=MEDIAN_DAYS)
    median, contacted = median_time_to_first_contact(median_since)

    conversion_since = now - timedelta(days=CONVERSION_DAYS)
    recent = Inquiry.objects.real().filter(created_at__gte=conversion_since)
    counted = {
        "total": Count("id"),
        "patients": Count("id", filter=Q(status=Status.BECAME_PATIENT)),
    }
    by_page = recent.values("source_page", "source_page__title").annotate(**counted)
    by_topic = recent.values("topic", "topic__name").annotate(**counted)

    return {
        "computed_at": now,
        "by_status": by_status,
        "open": {"count": open_count, "url": _queue_url(base, status="open")},
        "spam": {
            "count": by_status_counts.get(Status.SPAM, 0),
            "url": _queue_url(base, status=Status.SPAM),
        },
        "this_week": {
            "count": weeks["this"],
            "url": queue_between(base, this_week),
            "start": this_week,
        },
        "last_week": {
            "count": weeks["last"],
            "url": queue_between(base, last_week, this_week),
            "start": last_week,
        },
        "week_change": weeks["this"] - weeks["last"],
        "overdue": {
            "count": Inquiry.objects.overdue(now).count(),
            "url": _queue_url(base, overdue="yes"),
        },
        "median_first_contact": {
            "value": median,
            "display": describe_duration(median),
            "contacted": contacted,
            "days": MEDIAN_DAYS,
            "url": queue_between(base, median_since),
        },
        "conversion_days": CONVERSION_DAYS,
        "conversion_by_page": _conversion(
            by_page.order_by("-total", "source_page__title"),
            base,
            conversion_since,
            "source_page",
            "source_page__title",
            "No source page",
        ),
        "conversion_by_topic": _conversion(
            by_topic.order_by("-total", "topic__name"),
            base,
            conversion_since,
            "topic",
            "topic__name",
            "No topic",
        ),
        "weekly": weekly_series(base, now),
        "first_contact_weeks": first_contact_by_week(base, now),
        "attempts_per_reached": attempts_per_reached_patient(base, now),
    }
