"""A page's past: revisions, redirects from old addresses, and review reminders sent."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class PageRevision(models.Model):
    """A snapshot of a page with its FAQs and references, kept on every save."""

    class Kind(models.TextChoices):
        SAVED = "saved", "Saved"
        DRAFT = "draft", "Draft (not live yet)"
        PUBLISHED = "published", "Published"
        RESTORED = "restored", "Restored"
        REVIEWED = "reviewed", "Medically reviewed"

    page = models.ForeignKey("pages.Page", on_delete=models.CASCADE, related_name="revisions")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.SAVED)
    # Every field an editor changes, plus "faqs" and "references" as lists of dicts.
    content = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    restored_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["page", "-created_at"])]

    def __str__(self):
        return f"{self.page} · {self.get_kind_display()} · {self.created_at:%Y-%m-%d %H:%M}"


class PageRedirect(models.Model):
    """An address a page used to have; it answers 301 to the page's current path."""

    old_path = models.CharField(max_length=255, unique=True)
    page = models.ForeignKey("pages.Page", on_delete=models.CASCADE, related_name="redirects")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["old_path"]

    def __str__(self):
        return f"{self.old_path} → {self.page.path}"


class ReviewReminder(models.Model):
    """A review reminder emailed to a clinician: at most one a day, so cron may rerun."""

    clinician = models.ForeignKey(
        "clinicfacts.Clinician", on_delete=models.CASCADE, related_name="review_reminders"
    )
    sent_on = models.DateField(help_text="The clinic's local date of the email.")
    page_count = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["clinician", "sent_on"], name="one_review_reminder_a_day"
            )
        ]

    def __str__(self):
        return f"{self.clinician} · {self.sent_on} · {self.page_count} page(s)"
