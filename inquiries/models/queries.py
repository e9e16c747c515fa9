"""How the CRM's lists select inquiries: the queryset's filters and the SQL rules behind
"waiting too long" and "first contact within one business day"."""

from datetime import timedelta

from django.db import models
from django.db.models.functions import ExtractIsoWeekDay, TruncDate
from django.db.models.lookups import Exact, In, LessThan, LessThanOrEqual
from django.utils import timezone

from inquiries.business_days import (
    is_business_day,
    next_business_day,
    subtract_business_days,
    whole_clinic_closed_days,
)


class InquiryQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=self.model.OPEN_STATUSES)

    def closed(self):
        return self.exclude(status__in=self.model.OPEN_STATUSES)

    def real(self):
        """Every inquiry but spam: what the dashboard's figures count."""
        return self.exclude(status=self.model.Status.SPAM)

    def urgent_first(self):
        return self.order_by("priority", "created_at")

    def waiting_too_long(self, now=None):
        """Open, never contacted, and submitted more than one business day ago."""
        return self.open().filter(waiting_too_long_q(now or timezone.now()))

    def overdue(self, now=None):
        """Open, and waiting too long for first contact or past its follow-up date."""
        now = now or timezone.now()
        missed = models.Q(follow_up_on__lt=timezone.localdate(now))
        return self.open().filter(waiting_too_long_q(now) | missed)

    def my_work(self, user, now=None):
        """What is `user`'s to do: open and assigned to them; follow-ups due today or
        missed that are theirs or nobody's; and new inquiries nobody has claimed."""
        today = timezone.localdate(now or timezone.now())
        mine_or_nobodys = models.Q(assignee=user) | models.Q(assignee__isnull=True)
        return self.open().filter(
            models.Q(assignee=user)
            | (models.Q(follow_up_on__lte=today) & mine_or_nobodys)
            | models.Q(status=self.model.Status.NEW, assignee__isnull=True)
        )


def waiting_too_long_q(now):
    """Never contacted and submitted more than one business day before `now`."""
    cutoff = subtract_business_days(now, 1)
    return models.Q(first_contacted_at__isnull=True, created_at__lt=cutoff)


def promise_kept_q(closed=None):
    """First contacted within one business day of being submitted, in SQL, by the same
    rule as add_business_days: Monday to Thursday by the same time the next day, Friday
    by the same time on Monday, a weekend before Tuesday starts (local dates, since
    truncated local times don't compare with stored instants in PostgreSQL). The days
    around a whole-clinic closure follow the closure's own rule, date by date."""
    closed = whole_clinic_closed_days() if closed is None else closed
    weekends = _weekend_rule_q()
    changed = _closure_rules(closed)
    if not changed:
        return weekends
    created_on = TruncDate("created_at")
    kept = models.Q(~models.Q(In(created_on, list(changed))), weekends)
    for day, rule in changed.items():
        kept |= models.Q(Exact(created_on, day), rule)
    return kept


def _due_rule(day, closed):
    """How the promise reads for an inquiry submitted on local `day`: ("after", n) for
    n days after the moment it was submitted, ("before", date) for any time before that
    date starts (submitted on a day off)."""
    if is_business_day(day, closed):
        return ("after", (next_business_day(day, closed) - day).days)
    first = day
    while not is_business_day(first, closed):
        first += timedelta(days=1)
    return ("before", next_business_day(first, closed))


def _closure_rules(closed):
    """{local date: Q} for the submission dates whose deadline a closure moves."""
    candidates = {day - timedelta(days=back) for day in closed for back in range(8)}
    rules = {}
    for day in sorted(candidates):
        rule = _due_rule(day, closed)
        if rule == _due_rule(day, frozenset()):
            continue
        kind, value = rule
        if kind == "after":
            rules[day] = models.Q(
                first_contacted_at__lte=models.F("created_at") + value * timedelta(days=1)
            )
        else:
            rules[day] = models.Q(LessThan(TruncDate("first_contacted_at"), value))
    return rules


def _weekend_rule_q():
    day = timedelta(days=1)
    weekday = ExtractIsoWeekDay("created_at")
    created = models.F("created_at")

    def local_date_within(days):
        monday = models.ExpressionWrapper(
            TruncDate("created_at") + days * day, output_field=models.DateField()
        )
        return LessThanOrEqual(TruncDate("first_contacted_at"), monday)

    return (
        models.Q(LessThanOrEqual(weekday, 4), first_contacted_at__lte=created + day)
        | models.Q(Exact(weekday, 5), first_contacted_at__lte=created + 3 * day)
        | models.Q(Exact(weekday, 6), local_date_within(2))
        | models.Q(Exact(weekday, 7), local_date_within(1))
    )
