"""The Inquiry and its topics.

Every change to an inquiry goes through a verb method here (`transition_to`,
`assign`, `add_note`, ...) that saves with `update_fields` and records an
`InquiryEvent`, so the timeline is complete whatever screen made the change.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.functions import Lower
from django.utils import timezone

from inquiries.dates import day_text
from inquiries.models.contact import PatientContact
from inquiries.models.queries import InquiryQuerySet
from inquiries.models.timeline import InquiryEvent
from inquiries.models.topic import Topic


def staff_name(user):
    """How the CRM names a staff member: first name, else username."""
    if user is None:
        return "nobody"
    return user.first_name or user.get_username()


class Inquiry(PatientContact, models.Model):
    class Status(models.TextChoices):
        NEW = "new", "New"
        CONTACTED = "contacted", "Contacted"
        CONSULTATION_SCHEDULED = "consultation", "Consultation scheduled"
        BECAME_PATIENT = "patient", "Became a patient"
        NOT_A_FIT = "not_a_fit", "Not a fit"
        NO_RESPONSE = "no_response", "No response"
        SPAM = "spam", "Spam"

    class Priority(models.IntegerChoices):
        # Stored as numbers so "urgent first" is a plain ascending index scan.
        URGENT = 1, "Urgent"
        HIGH = 2, "High"
        NORMAL = 3, "Normal"

    class ContactMethod(models.TextChoices):
        EMAIL = "email", "Email"
        PHONE = "phone", "Phone call"
        TEXT = "text", "Text message"

    OPEN_STATUSES = (Status.NEW, Status.CONTACTED, Status.CONSULTATION_SCHEDULED)
    # Closed statuses staff may undo with a reason (`reopen`); spam has "Not spam".
    REOPENABLE_STATUSES = (Status.BECAME_PATIENT, Status.NOT_A_FIT, Status.NO_RESPONSE)

    # The pipeline, in one place: from each status, where an inquiry may go next. A
    # closed status leads nowhere: undoing one is `reopen`, which asks for the reason.
    ALLOWED_TRANSITIONS = {
        Status.NEW: {Status.CONTACTED, Status.NOT_A_FIT, Status.NO_RESPONSE, Status.SPAM},
        Status.CONTACTED: {Status.CONSULTATION_SCHEDULED, Status.NOT_A_FIT, Status.NO_RESPONSE},
        Status.CONSULTATION_SCHEDULED: {
            Status.BECAME_PATIENT,
            Status.CONTACTED,
            Status.NOT_A_FIT,
            Status.NO_RESPONSE,
        },
        Status.BECAME_PATIENT: set(),
        Status.NOT_A_FIT: set(),
        Status.NO_RESPONSE: set(),
        Status.SPAM: {Status.NEW},
    }

    # Contact details
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    email = models.EmailField(max_length=254, help_text="Stored with its domain in lower case.")
    phone = models.CharField(max_length=20, blank=True, help_text="E.164, e.g. +15555550100.")
    contact_method = models.CharField(
        "preferred contact method", max_length=10, choices=ContactMethod.choices
    )
    best_time = models.CharField("best time to reach", max_length=100, blank=True)
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="inquiries")
    message = models.TextField(max_length=2000, blank=True)

    # Consent, as the patient saw it
    consent_text = models.TextField(help_text="The consent wording the patient agreed to.")
    consent_version = models.CharField(max_length=20)
    consent_given_at = models.DateTimeField()

    # Where the inquiry came from
    source_page = models.ForeignKey(
        "pages.Page",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inquiries",
        help_text="The published page whose link brought the patient to the form.",
    )
    source_path = models.CharField(max_length=200, blank=True)
    referrer = models.CharField(max_length=500, blank=True)
    utm_source = models.CharField(max_length=100, blank=True)
    utm_medium = models.CharField(max_length=100, blank=True)
    utm_campaign = models.CharField(max_length=100, blank=True)
    utm_term = models.CharField(max_length=100, blank=True)
    utm_content = models.CharField(max_length=100, blank=True)

    # Request metadata, minimised: the IP only as a salted hash
    ip_hash = models.CharField(max_length=64, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    submission_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    spam_reason = models.CharField(max_length=200, blank=True)

    # CRM
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NEW)
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.NORMAL)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_inquiries",
    )
    follow_up_on = models.DateField("next follow-up", null=True, blank=True)
    first_contacted_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField("submitted", default=timezone.now, editable=False)

    # Contact attempts, counted on the inquiry so the queue shows them without a join.
    contact_attempts = models.PositiveSmallIntegerField(default=0)
    unanswered_attempts = models.PositiveSmallIntegerField(
        default=0, help_text="Attempts in a row without reaching the patient."
    )
    last_attempt_at = models.DateTimeField("last contact attempt", null=True, blank=True)
    reached_at = models.DateTimeField(
        null=True, blank=True, help_text="When an attempt first reached the patient."
    )
    attempts_to_reach = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Attempts it took to reach the patient the first time."
    )
    do_not_contact = models.BooleanField(
        default=False, help_text="The patient asked not to be contacted: no replies are sent."
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = InquiryQuerySet.as_manager()

    class Meta:
        ordering = ["priority", "created_at"]
        verbose_name_plural = "inquiries"
        indexes = [
            models.Index(fields=["status", "priority", "created_at"], name="inquiry_queue_idx"),
            models.Index(fields=["created_at"], name="inquiry_created_idx"),
            models.Index(Lower("email"), name="inquiry_email_lower_idx"),
            models.Index(fields=["phone"], name="inquiry_phone_idx"),
            # The admin queue: "All" sorts urgent first then oldest straight off this index,
            # and the default "Open" view reads a small partial copy of it.
            models.Index(fields=["priority", "created_at", "id"], name="inquiry_urgent_first_idx"),
            models.Index(
                fields=["priority", "created_at", "id"],
                name="inquiry_open_queue_idx",
                condition=models.Q(status__in=["new", "contacted", "consultation"]),
            ),
            models.Index(fields=["closed_at"], name="inquiry_closed_idx"),
            # Time to first contact per week reads only contacted inquiries, by week.
            models.Index(
                fields=["created_at", "first_contacted_at"],
                name="inquiry_first_contact_idx",
                condition=models.Q(first_contacted_at__isnull=False),
            ),
        ]
        permissions = [("export_inquiry", "Can export inquiries as CSV")]

    def __str__(self):
        return f"{self.reference} {self.first_name} {self.last_name}"

    @property
    def reference(self):
        return f"INQ-{self.pk:06d}" if self.pk else "INQ-(unsaved)"

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}"

    @property
    def is_open(self):
        return self.status in self.OPEN_STATUSES

    @property
    def is_urgent(self):
        return self.priority == self.Priority.URGENT

    # Timeline

    def record_event(self, kind, *, actor=None, message="", data=None):
        return InquiryEvent.objects.create(
            inquiry=self, kind=kind, actor=actor, message=message, data=data or {}
        )

    # State changes: each saves only what it changed and records an event.

    def can_transition_to(self, status):
        return status in self.ALLOWED_TRANSITIONS[self.status]

    @transaction.atomic
    def transition_to(self, status, *, actor=None):
        status = self.Status(status)
        if not self.can_transition_to(status):
            raise ValidationError(self._refusal(status), code="invalid_transition")
        old = self.Status(self.status)
        now = timezone.now()
        self.status = status
        fields = ["status", "updated_at"]
        if status == self.Status.CONTACTED and self.first_contacted_at is None:
            self.first_contacted_at = now
            fields.append("first_contacted_at")
        closed_at = None if status in self.OPEN_STATUSES else now
        if closed_at != self.closed_at:
            self.closed_at = closed_at
            fields.append("closed_at")
        # A closed inquiry has nothing to follow up: left set, the date would still
        # show in the queue and count in "my work".
        cleared_follow_up = self.follow_up_on if closed_at else None
        if cleared_follow_up:
            self.follow_up_on = None
            fields.append("follow_up_on")
        self.save(update_fields=fields)
        self.record_event(
            InquiryEvent.Kind.STATUS_CHANGED,
            actor=actor,
            message=f"{old.label} → {status.label}",
            data={"from": old.value, "to": status.value},
        )
        if cleared_follow_up:
            self.record_event(
                InquiryEvent.Kind.FOLLOW_UP_SET,
                actor=actor,
                message=f"Follow-up of {day_text(cleared_follow_up)} cleared: "
                f"closed as {status.label}",
                data={"on": None, "cleared": cleared_follow_up.isoformat()},
            )

    def _refusal(self, status):
        refusal = f"{self.reference} can't move from {self.get_status_display()} to {status.label}"
        if self.can_reopen and status in self.OPEN_STATUSES:
            return f"{refusal}: to reopen it, use Reopen on its page and give the reason."
        return f"{refusal}."

    @property
    def can_reopen(self):
        return self.status in self.REOPENABLE_STATUSES

    def reopen_status(self):
        """The open status a closed inquiry goes back to: the one it was closed from,
        else Contacted if anyone reached the patient, else New."""
        closing = (
            self.events.filter(kind=InquiryEvent.Kind.STATUS_CHANGED, data__to=self.status)
            .order_by("-created_at", "-pk")
            .values_list("data", flat=True)
            .first()
        )
        before = (closing or {}).get("from")
        if before in self.OPEN_STATUSES:
            return self.Status(before)
        return self.Status.CONTACTED if self.first_contacted_at else self.Status.NEW

    @transaction.atomic
    def reopen(self, *, reason, actor=None):
        """Undo a closing set by mistake; the reason goes on the timeline."""
        reason = " ".join((reason or "").split())
        if not self.can_reopen:
            raise ValidationError(
                f"{self.reference} is {self.get_status_display()}, not closed: "
                "there is nothing to reopen.",
                code="not_closed",
            )
        if not reason:
            raise ValidationError("Say why it is reopened.", code="reason_required")
        old, status = self.Status(self.status), self.reopen_status()
        self.status, self.closed_at = status, None
        self.save(update_fields=["status", "closed_at", "updated_at"])
        self.record_event(
            InquiryEvent.Kind.STATUS_CHANGED,
            actor=actor,
            message=f"Reopened: {old.label} → {status.label}. Reason: {reason}",
            data={"from": old.value, "to": status.value, "reopened": True},
        )
        return status

    @transaction.atomic
    def assign(self, user, *, actor=None):
        if self.assignee_id == (user.pk if user else None):
            return False
        self.assignee = user
        self.save(update_fields=["assignee", "updated_at"])
        self.record_event(
            InquiryEvent.Kind.ASSIGNED,
            actor=actor,
            message=f"Assigned to {user.get_username()}" if user else "Unassigned",
            data={"assignee_id": user.pk if user else None},
        )
        return True

    @transaction.atomic
    def claim(self, user, *, actor=None):
        """Take an unassigned inquiry. Two staff claiming at once: the database lets one
        UPDATE find it unassigned, and the other is told who has it. False when it was
        already theirs."""
        now = timezone.now()
        unassigned = type(self).objects.filter(pk=self.pk, assignee__isnull=True)
        if not unassigned.update(assignee=user, updated_at=now):
            self.refresh_from_db(fields=["assignee"])
            if self.assignee_id == user.pk:
                return False
            raise ValidationError(
                f"{self.reference} is already claimed: {staff_name(self.assignee)} has it.",
                code="claimed",
            )
        self.assignee, self.updated_at = user, now
        self.record_event(
            InquiryEvent.Kind.ASSIGNED,
            actor=actor,
            message=f"Claimed by {staff_name(user)}",
            data={"assignee_id": user.pk, "claimed": True},
        )
        return True

    @transaction.atomic
    def set_priority(self, priority, *, actor=None, reason=""):
        priority = self.Priority(priority)
        if self.priority == priority:
            return False
        old = self.Priority(self.priority)
        self.priority = priority
        self.save(update_fields=["priority", "updated_at"])
        message = f"Priority {old.label} → {priority.label}"
        self.record_event(
            InquiryEvent.Kind.PRIORITY_CHANGED,
            actor=actor,
            message=f"{message} ({reason})" if reason else message,
            data={"from": old.value, "to": priority.value},
        )
        return True

    @transaction.atomic
    def set_follow_up(self, on_date, *, actor=None):
        if self.follow_up_on == on_date:
            return False
        self.follow_up_on = on_date
        self.save(update_fields=["follow_up_on", "updated_at"])
        self.record_event(
            InquiryEvent.Kind.FOLLOW_UP_SET,
            actor=actor,
            message=f"Follow up on {day_text(on_date)}" if on_date else "Follow-up cleared",
            data={"on": on_date.isoformat() if on_date else None},
        )
        return True

    @transaction.atomic
    def update_details(self, fields, *, actor=None):
        """Save contact details already set on the instance; the event names the fields."""
        if not fields:
            return False
        self.save(update_fields=[*fields, "updated_at"])
        labels = [str(self._meta.get_field(name).verbose_name) for name in fields]
        self.record_event(
            InquiryEvent.Kind.UPDATED,
            actor=actor,
            message="Changed " + ", ".join(labels),
            data={"fields": list(fields)},
        )
        return True

    def add_note(self, text, *, actor):
        return self.record_event(InquiryEvent.Kind.NOTE, actor=actor, message=text)
