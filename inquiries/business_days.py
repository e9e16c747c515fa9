"""Business-day arithmetic for the queue's "waiting too long" flag.

Only weekends are skipped (the clinic's holidays are not modelled). Times are taken in
the site's local time zone, so "Friday afternoon" means the clinic's Friday afternoon.
"""

from datetime import datetime, time, timedelta

from django.utils import timezone

SATURDAY = 5


def _local(moment):
    return timezone.localtime(moment) if timezone.is_aware(moment) else moment


def _is_weekend(moment):
    return moment.weekday() >= SATURDAY


def _start_of_next_monday(moment):
    monday = moment.date() + timedelta(days=7 - moment.weekday())
    return _at_midnight(monday, moment)


def _start_of_saturday(moment):
    saturday = moment.date() - timedelta(days=moment.weekday() - SATURDAY)
    return _at_midnight(saturday, moment)


def _at_midnight(day, like):
    naive = datetime.combine(day, time.min)
    if timezone.is_aware(like):
        return timezone.make_aware(naive, like.tzinfo)
    return naive


def add_business_days(moment, days=1):
    """The moment `days` business days after `moment` (a weekend start counts from Monday)."""
    moment = _local(moment)
    if _is_weekend(moment):
        moment = _start_of_next_monday(moment)
    for _ in range(days):
        moment += timedelta(days=1)
        if _is_weekend(moment):
            moment += timedelta(days=7 - moment.weekday())
    return moment


def subtract_business_days(moment, days=1):
    """The earliest moment from which `days` business days have passed by `moment`.

    Anything submitted before the result has waited longer than `days` business days.
    """
    moment = _local(moment)
    if _is_weekend(moment):
        # Weekend time doesn't count: the clock stopped at the end of Friday.
        moment = _start_of_saturday(moment)
    for _ in range(days):
        moment -= timedelta(days=1)
        if _is_weekend(moment):
            moment -= timedelta(days=moment.weekday() - SATURDAY + 1)
    return moment


def is_past_business_days(submitted, *, days=1, now=None):
    """True when more than `days` business days have passed since `submitted`."""
    now = now or timezone.now()
    return submitted < subtract_business_days(now, days)
