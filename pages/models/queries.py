from django.db import models
from django.utils import timezone

from pages.models.rules import REVIEW_DUE_SOON


class PageQuerySet(models.QuerySet):
    def published(self):
        """Live pages: published, with a publish time that has come (no cron needed)."""
        return self.filter(status=self.model.Status.PUBLISHED, publish_at__lte=timezone.now())

    def in_navigation(self):
        return (
            self.published().filter(show_in_navigation=True).order_by("navigation_order", "title")
        )

    def never_reviewed(self):
        return self.filter(last_reviewed__isnull=True)

    def review_overdue(self):
        """Reviewed once, and the next review date has passed."""
        return self.filter(last_reviewed__isnull=False, next_review__lt=timezone.localdate())

    def review_due_soon(self):
        today = timezone.localdate()
        return self.filter(
            last_reviewed__isnull=False, next_review__range=(today, today + REVIEW_DUE_SOON)
        )

    def review_up_to_date(self):
        return self.filter(
            last_reviewed__isnull=False,
            next_review__gt=timezone.localdate() + REVIEW_DUE_SOON,
        )

    def needing_review(self):
        """Never reviewed, overdue or due within REVIEW_DUE_SOON: what reminders list."""
        return self.never_reviewed() | self.review_overdue() | self.review_due_soon()
