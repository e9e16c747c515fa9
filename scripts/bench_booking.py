"""bench.py's booking-page target: a patient's personal link to an offer with 8 weeks of
hours (weekdays 8:00-18:00, 20 minutes: 1,200 times) of which 1,000 are booked.

The bookings are made afresh at each run (they must be in the future), on existing
inquiries; the path of one unused booking link is printed for wrk to load.
"""

from harness import shell

SETUP = """
from datetime import time, timedelta
from django.utils import timezone
from clinicfacts.models import Location
from consultations.links import booking_url
from consultations.models import Booking, BookingLink, ConsultationOffer, WeeklyHours
from consultations.slots import offered_times
from inquiries.models import Inquiry

location, _ = Location.objects.get_or_create(
    name="Bench clinic",
    defaults=dict(street_address="1 Bench Road", locality="Springfield", region="ST",
                  postal_code="00000", phone="+1 555 010 0199"),
)
ConsultationOffer.objects.exclude(location=location).update(is_active=False)
offer = ConsultationOffer.objects.filter(location=location).first()
if offer is None:
    offer = ConsultationOffer.objects.create(
        location=location, kind="phone", length_minutes=20, min_notice_hours=0, weeks_ahead=8
    )
    WeeklyHours.objects.bulk_create(
        WeeklyHours(offer=offer, weekday=day, starts=time(8), ends=time(18)) for day in range(5)
    )
Booking.objects.filter(offer=offer).delete()
today = timezone.localdate()
times = offered_times(offer, today + timedelta(days=1), today + timedelta(weeks=8))
# Five of every six times taken: {booked} bookings spread over the whole eight weeks.
taken = [moment for index, moment in enumerate(times) if index % 6][:{booked}]
patient = Inquiry.objects.order_by("-pk").first()
others = Inquiry.objects.exclude(pk=patient.pk).order_by("pk").values_list("pk", flat=True)
others = list(others[: len(taken)])
Booking.objects.bulk_create(
    Booking(offer=offer, inquiry_id=pk, starts_at=moment, ends_at=moment + offer.length)
    for pk, moment in zip(others, taken)
)
BookingLink.objects.filter(inquiry=patient).delete()
Inquiry.objects.filter(pk=patient.pk).update(status="contacted", priority=3)
print(len(times), Booking.objects.filter(offer=offer).count())
print(booking_url(patient).split("/", 3)[3])
"""


def booking_page_path(env, booked=1000):
    """Prepare the offer and bookings; return (offered, booked, path of the link)."""
    counts, path = shell(env, SETUP.replace("{booked}", str(booked))).splitlines()[-2:]
    offered, made = (int(number) for number in counts.split())
    return offered, made, "/" + path
