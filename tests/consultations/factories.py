"""Offers, hours, closures and bookings for the consultations tests."""

from datetime import datetime, time
from zoneinfo import ZoneInfo

from clinicfacts.models import Location
from consultations.models import Booking, ConsultationOffer, Kind, WeeklyHours

NEW_YORK = ZoneInfo("America/New_York")
WEEKDAYS = range(5)


def at(year, month, day, hour=0, minute=0):
    """An instant, in the clinic's (New York) time."""
    return datetime(year, month, day, hour, minute, tzinfo=NEW_YORK)


def make_location(**fields):
    defaults = {
        "name": "Riverside clinic",
        "street_address": "12 River Road",
        "locality": "Springfield",
        "region": "IL",
        "postal_code": "62701",
        "phone": "+1 555 010 0100",
    }
    return Location.objects.create(**{**defaults, **fields})


def make_offer(*, hours=((9, 0, 12, 0),), weekdays=WEEKDAYS, location=None, **fields):
    """An offer with the same hours on each of `weekdays` (Monday to Friday by default)."""
    defaults = {"kind": Kind.PHONE, "length_minutes": 20, "min_notice_hours": 0, "weeks_ahead": 4}
    offer = ConsultationOffer.objects.create(
        location=location or make_location(), **{**defaults, **fields}
    )
    for weekday in weekdays:
        for start_hour, start_minute, end_hour, end_minute in hours:
            WeeklyHours.objects.create(
                offer=offer,
                weekday=weekday,
                starts=time(start_hour, start_minute),
                ends=time(end_hour, end_minute),
            )
    return offer


def make_booking(offer, inquiry, starts_at, **fields):
    return Booking.objects.create(
        offer=offer,
        inquiry=inquiry,
        starts_at=starts_at,
        ends_at=starts_at + offer.length,
        **fields,
    )
