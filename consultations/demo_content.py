"""The demo clinic's consultation times, loaded by `manage.py load_demo_content`, so a
newcomer can send a reply with {booking_link} and book from it: phone consultations at
the demo location, weekday mornings and afternoons, bookable from two hours ahead."""

from datetime import time

from consultations.models import ConsultationOffer, Kind, WeeklyHours

OFFER = {"kind": Kind.PHONE, "length_minutes": 20, "min_notice_hours": 2, "weeks_ahead": 4}
# (weekday, starts, ends): Monday to Friday, 9:00-12:00 and 13:00-17:00.
HOURS = [(day, time(9), time(12)) for day in range(5)] + [
    (day, time(13), time(17)) for day in range(5)
]


def sync_consultation_times(location):
    """Offer demo times at `location` once; hours a clinic has edited since are kept."""
    if ConsultationOffer.objects.filter(location=location).exists():
        return None
    offer = ConsultationOffer.objects.create(location=location, **OFFER)
    WeeklyHours.objects.bulk_create(
        WeeklyHours(offer=offer, weekday=day, starts=starts, ends=ends)
        for day, starts, ends in HOURS
    )
    return offer
