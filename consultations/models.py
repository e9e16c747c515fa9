"""What the clinic offers for a first consultation (hours, length, kind, notice, horizon,
closures) and the bookings patients and staff make against it.

A booking holds its time through a PostgreSQL exclusion constraint (migration 0002): two
live bookings of one offer can never overlap, whatever the application does.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from clinicfacts.models import OpeningHours

MANAGE_TIMES_PERMISSION = "consultations.manage_consultation_times"


def new_reference():
    """An opaque, unguessable reference: the only thing a patient's link carries."""
    return secrets.token_urlsafe(12)


class Kind(models.TextChoices):
    PHONE = "phone", "Phone call"
    VIDEO = "video", "Video call"
    IN_PERSON = "in_person", "In person"


class ConsultationOffer(models.Model):
    """One calendar patients can book: a location (and optionally one clinician), with its
    weekly hours. Each offer holds one booking at a time."""

    location = models.ForeignKey(
        "clinicfacts.Location", on_delete=models.PROTECT, related_name="consultation_offers"
    )
    clinician = models.ForeignKey(
        "clinicfacts.Clinician",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consultation_offers",
        help_text="Leave empty when whoever is on duty takes the consultation.",
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.PHONE)
    length_minutes = models.PositiveSmallIntegerField(
        "length (minutes)",
        default=20,
        validators=[
            MinValueValidator(5, "A consultation lasts at least 5 minutes (0 is not a length).")
        ],
        help_text="How long one consultation lasts; times are offered back to back.",
    )
    min_notice_hours = models.PositiveSmallIntegerField(
        "shortest notice (hours)",
        default=24,
        validators=[MaxValueValidator(24 * 60)],
        help_text="No time sooner than this many hours ahead is offered.",
    )
    weeks_ahead = models.PositiveSmallIntegerField(
        default=4,
        validators=[
            MinValueValidator(1, "Patients must be able to book at least one week ahead."),
            MaxValueValidator(26, "Offer at most 26 weeks ahead."),
        ],
        help_text="How many weeks ahead patients may book.",
    )
    is_active = models.BooleanField(default=True, help_text="Offered to patients and staff.")

    class Meta:
        ordering = ["location__order", "location__name", "pk"]
        verbose_name = "consultation times"
        verbose_name_plural = "consultation times"
        permissions = [("manage_consultation_times", "Can manage consultation times")]

    def __str__(self):
        who = f" with {self.clinician.name}" if self.clinician_id else ""
        return f"{self.get_kind_display()} at {self.location.name}{who}"

    @property
    def length(self):
        return timedelta(minutes=self.length_minutes)


class WeeklyHours(models.Model):
    """When, each week, an offer's consultations may start and must have ended."""

    Weekday = OpeningHours.Weekday  # the days as the clinic's opening hours name them

    offer = models.ForeignKey(ConsultationOffer, on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    starts = models.TimeField(help_text="The first consultation starts at this time.")
    ends = models.TimeField(help_text="The last consultation ends by this time.")

    class Meta:
        ordering = ["weekday", "starts"]
        verbose_name = "weekly hours"
        verbose_name_plural = "weekly hours"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends__gt=models.F("starts")),
                name="weekly_hours_end_after_start",
                violation_error_message="The hours must end later than they start.",
            )
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.starts:%H:%M}–{self.ends:%H:%M}"


class ClosureQuerySet(models.QuerySet):
    def whole_clinic(self):
        return self.filter(location__isnull=True)

    def overlapping(self, first_day, last_day):
        return self.filter(starts_on__lte=last_day, ends_on__gte=first_day)


class Closure(models.Model):
    """Days the clinic (or one location) is closed: holidays, training days. No
    consultation is offered on them, and a whole-clinic closure pauses the
    one-business-day promise of first contact, as a weekend does."""

    starts_on = models.DateField("first day closed")
    ends_on = models.DateField("last day closed", help_text="The same day for a one-day closure.")
    location = models.ForeignKey(
        "clinicfacts.Location",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="closures",
        help_text="Leave empty when the whole clinic is closed.",
    )
    reason = models.CharField(max_length=100, help_text="For staff, e.g. Thanksgiving.")

    objects = ClosureQuerySet.as_manager()

    class Meta:
        ordering = ["starts_on"]
        verbose_name = "closure"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="closure_ends_after_start",
                violation_error_message="A closure can't end before it starts.",
            )
        ]

    def __str__(self):
        where = self.location.name if self.location_id else "Whole clinic"
        if self.ends_on == self.starts_on:
            return f"{where} closed {self.starts_on:%b %-d, %Y}: {self.reason}"
        return f"{where} closed {self.starts_on:%b %-d}–{self.ends_on:%b %-d, %Y}: {self.reason}"

    def days(self, first=None, last=None):
        """The closed dates, clipped to first..last when given."""
        day = max(self.starts_on, first) if first else self.starts_on
        last = min(self.ends_on, last) if last else self.ends_on
        while day <= last:
            yield day
            day += timedelta(days=1)


class BookingLink(models.Model):
    """The reference behind a patient's personal booking link. The link itself is this
    reference signed with a timestamp (consultations/links.py); it names no inquiry."""

    inquiry = models.ForeignKey(
        "inquiries.Inquiry", on_delete=models.CASCADE, related_name="booking_links"
    )
    reference = models.CharField(max_length=32, unique=True, default=new_reference)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"Booking link for {self.inquiry.reference}"


class BookingQuerySet(models.QuerySet):
    def live(self):
        """Bookings that hold their time."""
        return self.filter(status__in=Booking.HOLDING)

    def between(self, start, end):
        return self.filter(starts_at__lt=end, ends_at__gt=start)


class Booking(models.Model):
    class Status(models.TextChoices):
        BOOKED = "booked", "Booked"
        CANCELLED = "cancelled", "Cancelled"
        MOVED = "moved", "Moved to another time"
        ATTENDED = "attended", "Attended"
        NO_SHOW = "no_show", "Did not attend"

    # Statuses that keep the time taken (the exclusion constraint's condition).
    HOLDING = (Status.BOOKED, Status.ATTENDED, Status.NO_SHOW)

    offer = models.ForeignKey(ConsultationOffer, on_delete=models.PROTECT, related_name="bookings")
    inquiry = models.ForeignKey(
        "inquiries.Inquiry", on_delete=models.CASCADE, related_name="bookings"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.BOOKED)
    # The reference behind this booking's reschedule and cancel links.
    reference = models.CharField(max_length=32, unique=True, default=new_reference)
    # The pick form's token: the same form sent twice (a double tap) books once.
    request_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The staff member who booked it; empty when the patient did.",
    )
    replaces = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replaced_by",
        help_text="The booking this one moved.",
    )
    # The reminder email 24 hours before, once queued (consultations/reminders.py): set in
    # the transaction that queues it, so two workers never both remind.
    reminder = models.OneToOneField(
        "inquiries.Notification",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="reminded_booking",
    )
    # One calendar event in the patient's calendar across moves: the .ics of a moved
    # booking keeps its UID with a higher SEQUENCE, so the calendar updates the event.
    calendar_uid = models.CharField(max_length=32, default=new_reference, editable=False)
    calendar_sequence = models.PositiveSmallIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    changed_at = models.DateTimeField(default=timezone.now)

    objects = BookingQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]
        verbose_name = "consultation"
        verbose_name_plural = "consultations"
        indexes = [models.Index(fields=["starts_at", "status"], name="booking_day_idx")]
        constraints = [
            # One upcoming consultation per inquiry: a second is a move, not a new booking
            # (and two tabs of one link can't book twice).
            models.UniqueConstraint(
                fields=["inquiry"],
                condition=models.Q(status="booked"),
                name="one_booked_consultation_per_inquiry",
                violation_error_message="This inquiry already has a consultation booked.",
            )
        ]

    def __str__(self):
        return f"{self.inquiry.reference} at {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"

    @property
    def is_upcoming(self):
        return self.status == self.Status.BOOKED and self.starts_at > timezone.now()
