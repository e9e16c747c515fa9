"""Booking, moving and cancelling a consultation, and recording how it went: each is one
transaction through inquiries.changes.change_inquiry, so the inquiry's status, its
timeline event and the audit entry are written together with the booking, or not at all.

The time itself is held by the database (migration 0002's exclusion constraint): of two
bookings of one time, whoever commits first has it; the other is told it was just taken.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone

from consultations.emails import queue_confirmation
from consultations.models import Booking
from consultations.reminders import withdraw_reminder
from consultations.slots import is_offered
from inquiries.changes import change_inquiry
from inquiries.dates import when_text
from inquiries.models import Inquiry, InquiryEvent
from inquiries.models.inquiry import staff_name


class TimeTaken(Exception):
    """Someone else booked this time a moment ago."""


class BookingRefused(Exception):
    """The rules say no; `message` says why, in words for whoever asked."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class _Conflict(Exception):
    """An insert hit a constraint; the caller works out which one (outside the rolled
    back transaction)."""


def refusal(inquiry, offer, starts_at, *, by_staff, now=None):
    """Why this time can't be booked for this inquiry ("" when it can)."""
    now = now or timezone.now()
    if not (inquiry.is_open or inquiry.status == Inquiry.Status.NO_RESPONSE):
        return "This inquiry is closed, so no consultation can be booked from it."
    if inquiry.is_urgent and not by_staff:
        return "Our team will call you: this inquiry is not booked online."
    if starts_at <= now:
        return "That time has passed. Please choose one of the times below."
    if not offer.is_active or not is_offered(offer, starts_at, now=now):
        return "That time is not one we offer. Please choose one of the times below."
    return ""


def _actor(user):
    return user if user is not None and user.is_authenticated else None


# Two inserts of overlapping times at the same moment each wait for the other's row
# while checking the exclusion constraint; PostgreSQL ends that by failing one of them
# with a deadlock. For the one that failed, the time was taken all the same.
CONCURRENT_CONFLICT_CODES = {"40P01", "40001"}  # deadlock_detected, serialization_failure


def _insert(booking):
    try:
        with transaction.atomic():
            booking.save(force_insert=True)
    except IntegrityError as error:
        raise _Conflict from error
    except OperationalError as error:
        if getattr(error.__cause__, "pgcode", None) not in CONCURRENT_CONFLICT_CODES:
            raise
        raise _Conflict from error


def _schedule(inquiry, actor):
    """Move the inquiry to Consultation scheduled along the pipeline's own steps. One
    closed for want of an answer reopens: "could not reach you" invites a booking."""
    if inquiry.status == Inquiry.Status.NO_RESPONSE:
        inquiry.reopen(reason="A consultation was booked", actor=actor)
    if inquiry.status == Inquiry.Status.NEW:
        inquiry.transition_to(Inquiry.Status.CONTACTED, actor=actor)
    if inquiry.status == Inquiry.Status.CONTACTED:
        inquiry.transition_to(Inquiry.Status.CONSULTATION_SCHEDULED, actor=actor)


def _by_whom(actor):
    return f"by {staff_name(actor)}" if actor else "by the patient"


def _describe(booking, actor):
    offer = booking.offer
    who = _by_whom(actor)
    kind = offer.get_kind_display().lower()
    return f"{when_text(booking.starts_at)}, {kind}, {offer.location.name} ({who})"


def _book_verb(inquiry, *, offer, starts_at, actor, request_token, link, replaces):
    actor = _actor(actor)
    # One change at a time per inquiry (a double tap, patient and staff at once).
    Inquiry.objects.select_for_update().filter(pk=inquiry.pk).exists()
    inquiry.refresh_from_db()
    problem = refusal(inquiry, offer, starts_at, by_staff=actor is not None)
    if problem:
        raise BookingRefused(problem)
    now = timezone.now()
    if replaces is not None:
        current = Booking.objects.select_for_update().get(pk=replaces.pk)
        if current.status != Booking.Status.BOOKED:
            raise BookingRefused("This consultation was cancelled or moved meanwhile.")
        replaces.status, replaces.changed_at = Booking.Status.MOVED, now
        replaces.save(update_fields=["status", "changed_at"])
        withdraw_reminder(current)
    booking = Booking(
        offer=offer,
        inquiry=inquiry,
        starts_at=starts_at,
        ends_at=starts_at + offer.length,
        booked_by=actor,
        request_token=request_token,
        replaces=replaces,
        created_at=now,
        changed_at=now,
    )
    if replaces is not None:
        booking.calendar_uid = replaces.calendar_uid
        booking.calendar_sequence = replaces.calendar_sequence + 1
    # The constraint holds the time on PostgreSQL; this check makes SQLite (`make run`)
    # refuse it too, and spares PostgreSQL a failed insert in the common case.
    if Booking.objects.live().filter(offer=offer).between(starts_at, booking.ends_at).exists():
        raise _Conflict
    _insert(booking)
    if link is not None:
        link.used_at = now
        link.save(update_fields=["used_at"])
    _schedule(inquiry, actor)
    if replaces is None:
        message = f"Consultation booked: {_describe(booking, actor)}"
    else:
        message = (
            f"Consultation moved from {when_text(replaces.starts_at)} "
            f"to {_describe(booking, actor)}"
        )
    inquiry.record_event(
        InquiryEvent.Kind.CONSULTATION,
        actor=actor,
        message=message,
        data={"booking": booking.pk, "starts_at": starts_at.isoformat(), "moved": bool(replaces)},
    )
    queue_confirmation(booking)
    return booking


def book(request, *, inquiry, offer, starts_at, request_token=None, link=None, replaces=None):
    """Book (or, with `replaces`, move to) this time; returns (booking, created).

    Raises BookingRefused (the rules) or TimeTaken (someone was quicker). The same pick
    form sent twice returns the first booking, created False."""
    if request_token is not None:
        existing = Booking.objects.filter(request_token=request_token).first()
        if existing is not None:
            return existing, False
    try:
        booking = change_inquiry(
            request,
            inquiry,
            _book_verb,
            offer=offer,
            starts_at=starts_at,
            request_token=request_token,
            link=link,
            replaces=replaces,
            detail=lambda booking: (
                f"consultation {'moved' if replaces else 'booked'} "
                f"for {when_text(booking.starts_at)}"
            ),
        )
    except _Conflict:
        existing = request_token and Booking.objects.filter(request_token=request_token).first()
        if existing:
            return existing, False
        if replaces is None and inquiry.bookings.filter(status=Booking.Status.BOOKED).exists():
            raise BookingRefused(
                "A consultation is already booked for this inquiry: move it instead."
            ) from None
        raise TimeTaken from None
    return booking, True


def move(request, booking, *, offer, starts_at, request_token=None):
    """Move an upcoming booking to another time; the old time is free at once.
    Returns (booking, created) as book() does."""
    if request_token is not None:
        existing = Booking.objects.filter(request_token=request_token).first()
        if existing is not None:
            return existing, False
    if booking.status != Booking.Status.BOOKED:
        raise BookingRefused("This consultation is no longer booked, so it can't be moved.")
    if booking.starts_at <= timezone.now():
        raise BookingRefused("This consultation's time has passed: it can't be moved now.")
    return book(
        request,
        inquiry=booking.inquiry,
        offer=offer,
        starts_at=starts_at,
        request_token=request_token,
        replaces=booking,
    )


def _cancel_verb(inquiry, booking, *, actor):
    actor = _actor(actor)
    locked = Booking.objects.select_for_update().get(pk=booking.pk)
    if locked.status != Booking.Status.BOOKED:
        return False  # cancelled or moved already (a double tap): nothing to do
    booking.status, booking.changed_at = Booking.Status.CANCELLED, timezone.now()
    booking.save(update_fields=["status", "changed_at"])
    withdraw_reminder(locked)
    inquiry.refresh_from_db()
    if inquiry.status == Inquiry.Status.CONSULTATION_SCHEDULED:
        inquiry.transition_to(Inquiry.Status.CONTACTED, actor=actor)
    who = _by_whom(actor)
    inquiry.record_event(
        InquiryEvent.Kind.CONSULTATION,
        actor=actor,
        message=f"Consultation of {when_text(booking.starts_at)} cancelled ({who})",
        data={"booking": booking.pk, "cancelled": True},
    )
    return True


def cancel(request, booking):
    """Cancel an upcoming booking, freeing its time; False if it was not booked."""
    if booking.starts_at <= timezone.now():
        raise BookingRefused("This consultation's time has passed: it can't be cancelled now.")
    return change_inquiry(
        request,
        booking.inquiry,
        _cancel_verb,
        booking,
        detail=f"consultation of {when_text(booking.starts_at)} cancelled",
    )


def _outcome_verb(inquiry, booking, status, *, actor):
    if booking.status == status:
        return False
    booking.status, booking.changed_at = status, timezone.now()
    booking.save(update_fields=["status", "changed_at"])
    inquiry.record_event(
        InquiryEvent.Kind.CONSULTATION,
        actor=_actor(actor),
        message=f"Consultation of {when_text(booking.starts_at)}: "
        f"{booking.get_status_display().lower()}",
        data={"booking": booking.pk, "outcome": status},
    )
    return True


def record_outcome(request, booking, status):
    """Staff mark a consultation attended or not attended, once its time has come."""
    status = Booking.Status(status)
    if status not in (Booking.Status.ATTENDED, Booking.Status.NO_SHOW):
        raise ValidationError("Mark a consultation attended or not attended.")
    if booking.status not in Booking.HOLDING:
        raise BookingRefused("This consultation was cancelled or moved.")
    if booking.starts_at > timezone.now():
        raise BookingRefused("This consultation has not started yet.")
    return change_inquiry(
        request,
        booking.inquiry,
        _outcome_verb,
        booking,
        status,
        detail=f"consultation of {when_text(booking.starts_at)}: {status.label.lower()}",
    )
