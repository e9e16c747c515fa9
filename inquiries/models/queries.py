"""How the CRM's lists select inquiries: the queryset's filters and the SQL rules behind
"waiting too long" and "first contact within one business day"."""

from datetime import timedelta

from django.db import models
from django.db.models.functions import ExtractIsoWeekDay, TruncDate
from django.db.models.lookups import Exact, LessThanOrEqual
from django.utils import timezone

from inquiries.business_days import subtract_business_days


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


def promise_kept_q():
    """First contacted within one business day of being submitted, in SQL, by the same
    rule as add_business_days: Monday to Thursday by the same time the next day, Friday
    by the same time on Monday, a weekend before Tuesday starts (local dates, since
    truncated local times don't compare with stored instants in PostgreSQL)."""
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
