"""Business-day arithmetic for the queue's "waiting too long" flag and the promise of
first contact within one business day.

Weekends and the days the whole clinic is closed (consultations.Closure with no
location: holidays, training days) are not business days. Times are taken in the site's
local time zone, so "Friday afternoon" means the clinic's Friday afternoon.
"""

from datetime import datetime, time, timedelta

from django.utils import timezone

SATURDAY = 5
DAY = timedelta(days=1)


def whole_clinic_closed_days():
    """The dates the whole clinic is closed, from the consultations app's closures (one
    query). A closure of one location leaves the team answering inquiries."""
    from consultations.models import Closure  # the consultations app builds on this one

    closures = Closure.objects.whole_clinic().only("starts_on", "ends_on")
    return frozenset(day for closure in closures for day in closure.days())


def _local(moment):
    return timezone.localtime(moment) if timezone.is_aware(moment) else moment


def is_business_day(day, closed):
    return day.weekday() < SATURDAY and day not in closed


def _at_midnight(day, like):
    naive = datetime.combine(day, time.min)
    if timezone.is_aware(like):
        return timezone.make_aware(naive, like.tzinfo)
    return naive


def next_business_day(day, closed):
    """The first business day after `day`."""
    day += DAY
    while not is_business_day(day, closed):
        day += DAY
    return day


def add_business_days(moment, days=1, *, closed=None):
    """The moment `days` business days after `moment` (a moment on a weekend or a closed
    day counts from the start of the next business day). `closed`: the closed dates, if
    already read (else read here)."""
    closed = whole_clinic_closed_days() if closed is None else closed
    moment = _local(moment)
    if not is_business_day(moment.date(), closed):
        moment = _at_midnight(next_business_day(moment.date(), closed), moment)
    for _ in range(days):
        moment += DAY
        while not is_business_day(moment.date(), closed):
            moment += DAY
    return moment


def subtract_business_days(moment, days=1, *, closed=None):
    """The earliest moment from which `days` business days have passed by `moment`.

    Anything submitted before the result has waited longer than `days` business days.
    """
    closed = whole_clinic_closed_days() if closed is None else closed
    moment = _local(moment)
    if not is_business_day(moment.date(), closed):
        # Time off doesn't count: the clock stopped at the end of the last business day.
        day = moment.date()
        while not is_business_day(day - DAY, closed):
            day -= DAY
        moment = _at_midnight(day, moment)
    for _ in range(days):
        moment -= DAY
        while not is_business_day(moment.date(), closed):
            moment -= DAY
    return moment


def is_past_business_days(submitted, *, days=1, now=None):
    """True when more than `days` business days have passed since `submitted`."""
    now = now or timezone.now()
    return submitted < subtract_business_days(now, days)
