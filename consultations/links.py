"""The patient's personal links: to book (from a reply's {booking_link}) and to see,
move or cancel a booking (from the confirmation).

A link carries an opaque reference and a signature, nothing else: no inquiry number, no
name. The booking link expires 14 days after it was written into a reply and is used up
by the booking it makes; a booking's own link works while the booking is upcoming.
"""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse

from consultations.models import Booking, BookingLink

BOOKING_LINK_SALT = "consultations.booking-link"
MANAGE_LINK_SALT = "consultations.manage-booking"
BOOKING_LINK_MAX_AGE = timedelta(days=14)


class LinkProblem(Exception):
    """Why a link books nothing: "invalid" (tampered or truncated), "expired" or "used"."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def booking_link_for(inquiry):
    """The reference of this inquiry's unused booking link (made on first need)."""
    link = inquiry.booking_links.filter(used_at__isnull=True).order_by("-created_at").first()
    return link or BookingLink.objects.create(inquiry=inquiry)


def booking_url(inquiry):
    """The absolute personal booking link for a reply, signed now (14 days from now)."""
    signed = signing.TimestampSigner(salt=BOOKING_LINK_SALT).sign(
        booking_link_for(inquiry).reference
    )
    return settings.SITE_URL + reverse("consultations:book", args=[signed])


def link_from_token(token):
    """The BookingLink a signed token names; raises LinkProblem."""
    signer = signing.TimestampSigner(salt=BOOKING_LINK_SALT)
    try:
        reference = signer.unsign(token, max_age=BOOKING_LINK_MAX_AGE)
    except signing.SignatureExpired:
        raise LinkProblem("expired") from None
    except signing.BadSignature:
        raise LinkProblem("invalid") from None
    link = BookingLink.objects.select_related("inquiry").filter(reference=reference).first()
    if link is None:
        raise LinkProblem("invalid")
    if link.used_at is not None:
        raise LinkProblem("used")
    return link


def manage_token(booking):
    return signing.Signer(salt=MANAGE_LINK_SALT).sign(booking.reference)


def manage_url(booking, name="manage"):
    """The absolute link to see (or move, or cancel) this booking."""
    return settings.SITE_URL + reverse(f"consultations:{name}", args=[manage_token(booking)])


def booking_from_token(token):
    """The Booking a signed manage token names; raises LinkProblem."""
    try:
        reference = signing.Signer(salt=MANAGE_LINK_SALT).unsign(token)
    except signing.BadSignature:
        raise LinkProblem("invalid") from None
    booking = (
        Booking.objects.select_related("offer__location", "inquiry", "replaced_by")
        .filter(reference=reference)
        .first()
    )
    if booking is None:
        raise LinkProblem("invalid")
    return booking
