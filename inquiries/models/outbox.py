"""The outbox: every email an inquiry gets (intake, acknowledgement, replies) stored with
its send state, and the record of each retention run."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from inquiries.models.timeline import InquiryEvent, ReplyTemplate


class NotificationQuerySet(models.QuerySet):
    def failing_replies(self):
        """Replies tried and not sent: pending a retry, or given up."""
        return self.filter(kind=Notification.Kind.REPLY, attempts__gt=0).exclude(
            state=Notification.State.SENT
        )


class Notification(models.Model):
    """An email about an inquiry, stored with its send state so a failure is retried.

    Stored in the same transaction as the inquiry; a job sends it after commit, so a
    mail failure can never lose an inquiry, and retries it (inquiries/outbox.py).
    """

    class Kind(models.TextChoices):
        INTAKE = "intake", "Intake team notification"
        ACKNOWLEDGEMENT = "acknowledgement", "Acknowledgement to the patient"
        REPLY = "reply", "Reply to the patient"
        BOOKING = "booking", "Consultation confirmation to the patient"
        REMINDER = "reminder", "Consultation reminder to the patient"

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed (gave up)"

    MAX_ATTEMPTS = 8

    # No index of its own: one_notification_per_kind starts with it.
    inquiry = models.ForeignKey(
        "inquiries.Inquiry", on_delete=models.CASCADE, related_name="notifications", db_index=False
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    # Replies only: what was sent, from which template, by whom. The token is the reply
    # form's: the same form sent twice (two staff, a double click) stores one reply.
    subject = models.CharField(max_length=150, blank=True)
    body = models.TextField(blank=True)
    template = models.ForeignKey(
        ReplyTemplate, on_delete=models.SET_NULL, null=True, blank=True, related_name="replies"
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sent_replies",
    )
    form_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    # Consultation confirmations: the calendar invitation (.ics) sent with the text, stored
    # as sent so a retry sends the same thing (consultations/emails.py builds it).
    calendar = models.TextField(blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        constraints = [
            # One intake email and one acknowledgement per inquiry; replies and
            # consultation confirmations and reminders, as many as sent.
            models.UniqueConstraint(
                fields=["inquiry", "kind"],
                name="one_notification_per_kind",
                condition=~models.Q(kind__in=["reply", "booking", "reminder"]),
            )
        ]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="notification_due_idx"),
            models.Index(fields=["inquiry", "created_at"], name="notification_inquiry_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} for {self.inquiry.reference}: {self.state}"

    @property
    def is_reply(self):
        return self.kind == self.Kind.REPLY

    @property
    def failing(self):
        """Tried and not (yet) sent: shown on the inquiry and in the queue."""
        return self.state != self.State.SENT and self.attempts > 0

    def _described(self):
        if not self.is_reply:
            return self.get_kind_display()
        template = f"“{self.template.name}”" if self.template_id else "written"
        sender = self.sent_by.get_username() if self.sent_by_id else "staff"
        return f"Reply ({template} template, by {sender})"

    def mark_sent(self):
        self.state = self.State.SENT
        self.attempts += 1
        self.sent_at = timezone.now()
        self.last_error = ""
        self.save(update_fields=["state", "attempts", "sent_at", "last_error"])
        message = f"{self._described()} sent"
        if self.is_reply:
            message += f" to {self.inquiry.email}\nSubject: {self.subject}\n\n{self.body}"
        self.inquiry.record_event(
            InquiryEvent.Kind.EMAIL_SENT,
            actor=self.sent_by,
            message=message,
            data={"notification": self.kind, "notification_id": self.pk},
        )

    def mark_failed(self, error):
        """Record a failed attempt; back off exponentially and give up after MAX_ATTEMPTS."""
        self.attempts += 1
        self.last_error = f"{type(error).__name__}: {error}"[:500]
        if self.attempts >= self.MAX_ATTEMPTS:
            # Given up: next_attempt_at keeps when (the dashboard counts recent ones).
            self.state = self.State.FAILED
            self.next_attempt_at = timezone.now()
        else:
            delay = timedelta(minutes=2 ** (self.attempts - 1))
            self.next_attempt_at = timezone.now() + delay
        self.save(update_fields=["state", "attempts", "last_error", "next_attempt_at"])
        retry = "gave up" if self.state == self.State.FAILED else "will retry"
        self.inquiry.record_event(
            InquiryEvent.Kind.EMAIL_FAILED,
            actor=self.sent_by,
            message=f"{self._described()} failed (attempt {self.attempts}, {retry}): "
            f"{self.last_error}",
            data={"notification": self.kind, "notification_id": self.pk, "attempts": self.attempts},
        )


class RetentionRun(models.Model):
    """One real run of `purge_inquiries`: the audit record that outlives the purged rows."""

    class Mode(models.TextChoices):
        DELETE = "delete", "Deleted"
        ANONYMISE = "anonymise", "Anonymised"

    ran_at = models.DateTimeField(default=timezone.now, editable=False)
    mode = models.CharField(max_length=10, choices=Mode.choices)
    older_than_days = models.PositiveIntegerField(help_text="The retention period asked for.")
    cutoff = models.DateTimeField(help_text="Closed inquiries closed before this were purged.")
    inquiry_count = models.PositiveIntegerField(help_text="Inquiries deleted or anonymised.")
    event_count = models.PositiveIntegerField(help_text="Timeline events removed with them.")
    run_by = models.CharField(max_length=150, blank=True, help_text="Who ran the command.")

    class Meta:
        ordering = ["-ran_at"]

    def __str__(self):
        return f"{self.get_mode_display()} {self.inquiry_count} inquiries on {self.ran_at:%Y-%m-%d}"
