"""What happens to an inquiry, as records: contact attempts, reply templates and the
append-only timeline of events (written by the Inquiry's verbs)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from inquiries.reply_rules import template_problems

# "Close as no response" is offered after this many unanswered attempts in a row.
NO_RESPONSE_AFTER = 3


class ContactAttempt(models.Model):
    """One try at reaching the patient: how, and what came of it."""

    class Method(models.TextChoices):
        PHONE = "phone", "Phone"
        TEXT = "text", "Text"
        EMAIL = "email", "Email"

    class Outcome(models.TextChoices):
        REACHED = "reached", "Reached"
        NO_ANSWER = "no_answer", "No answer"
        VOICEMAIL = "voicemail", "Left voicemail"
        WRONG_NUMBER = "wrong_number", "Wrong number"
        DO_NOT_CONTACT = "do_not_contact", "Asked not to be contacted"

    # Outcomes that count toward "close as no response".
    UNANSWERED = (Outcome.NO_ANSWER, Outcome.VOICEMAIL)

    # No index of its own: attempt_inquiry_idx starts with it.
    inquiry = models.ForeignKey(
        "inquiries.Inquiry", on_delete=models.CASCADE, related_name="attempts", db_index=False
    )
    method = models.CharField(max_length=10, choices=Method.choices)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    note = models.CharField(max_length=500, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contact_attempts",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["inquiry", "created_at"], name="attempt_inquiry_idx")]

    def __str__(self):
        return f"{self.get_method_display()}: {self.get_outcome_display()}"


class ReplyTemplate(models.Model):
    """A reply staff can send from an inquiry. The rules in inquiries/reply_rules.py keep
    health details out: a template invites the patient to call or book, nothing more."""

    name = models.CharField(max_length=80, unique=True, help_text="Shown in the template list.")
    subject = models.CharField(max_length=150)
    body = models.TextField(
        max_length=4000,
        help_text="Placeholders: {first_name}, {clinic_name}, {clinic_phone}, "
        "{staff_first_name}, {booking_link}.",
    )
    order = models.PositiveSmallIntegerField(default=0, help_text="Lower numbers come first.")
    is_active = models.BooleanField(default=True, help_text="Offered on the inquiry page.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["order", "name"]
        permissions = [("manage_replytemplate", "Can manage reply templates")]

    def __str__(self):
        return self.name

    def clean(self):
        problems = template_problems(self.subject or "", self.body or "")
        if problems:
            raise ValidationError(problems)


class InquiryEvent(models.Model):
    """One line of an inquiry's timeline. Append-only: never changed or deleted."""

    class Kind(models.TextChoices):
        CREATED = "created", "Created"
        STATUS_CHANGED = "status", "Status changed"
        ASSIGNED = "assigned", "Assignment"
        PRIORITY_CHANGED = "priority", "Priority changed"
        FOLLOW_UP_SET = "follow_up", "Follow-up set"
        NOTE = "note", "Note"
        CALL_LOGGED = "call", "Call logged"  # the old free-text log; now contact attempts
        CONTACT_ATTEMPT = "attempt", "Contact attempt"
        EMAIL_SENT = "email_sent", "Email sent"
        EMAIL_FAILED = "email_failed", "Email failed"
        VIEWED = "viewed", "Viewed"
        EXPORTED = "exported", "Exported"
        UPDATED = "updated", "Details updated"
        CONSULTATION = "consultation", "Consultation"

    # No index of its own: event_timeline_idx starts with it (one index less per insert).
    inquiry = models.ForeignKey(
        "inquiries.Inquiry", on_delete=models.CASCADE, related_name="events", db_index=False
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inquiry_events",
    )
    message = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["inquiry", "created_at"], name="event_timeline_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} at {self.created_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValueError("Timeline events are append-only and cannot be changed.")
        super().save(*args, **kwargs)
