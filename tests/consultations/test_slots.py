"""Slot generation: the offer's hours in the clinic's time zone, less closures, notice,
horizon and bookings; right across a daylight-saving change."""

from datetime import date, timedelta

import pytest

from consultations.models import Closure
from consultations.slots import free_slots, is_offered, offered_times
from tests.consultations.factories import NEW_YORK, at, make_booking, make_offer
from tests.inquiries.crm_factories import make_inquiry

pytestmark = pytest.mark.django_db

MONDAY = date(2027, 1, 11)


def local_times(slots):
    return [slot.starts_at.astimezone(NEW_YORK).strftime("%a %H:%M") for slot in slots]


def test_slots_fill_the_hours_back_to_back():
    offer = make_offer(hours=((9, 0, 10, 0),), weekdays=[0])

    slots = free_slots([offer], MONDAY, MONDAY, now=at(2027, 1, 1))

    assert local_times(slots) == ["Mon 09:00", "Mon 09:20", "Mon 09:40"]


def test_slots_leave_out_a_time_that_would_run_past_closing():
    offer = make_offer(hours=((9, 0, 9, 50),), weekdays=[0], length_minutes=30)

    slots = free_slots([offer], MONDAY, MONDAY, now=at(2027, 1, 1))

    assert local_times(slots) == ["Mon 09:00"]


def test_slots_respect_the_shortest_notice():
    offer = make_offer(hours=((9, 0, 12, 0),), weekdays=[0], min_notice_hours=2)

    slots = free_slots([offer], MONDAY, MONDAY, now=at(2027, 1, 11, 8, 50))

    assert local_times(slots)[0] == "Mon 11:00"


def test_slots_stop_at_the_weeks_ahead():
    offer = make_offer(weekdays=[0], weeks_ahead=1)
    now = at(2027, 1, 11, 6)

    slots = free_slots([offer], MONDAY, MONDAY + timedelta(weeks=3), now=now)

    assert {slot.local.date() for slot in slots} == {MONDAY, MONDAY + timedelta(weeks=1)}


@pytest.mark.parametrize("whole_clinic", [True, False])
def test_slots_skip_closed_days(whole_clinic):
    offer = make_offer(weekdays=[0, 1])
    Closure.objects.create(
        starts_on=MONDAY,
        ends_on=MONDAY,
        location=None if whole_clinic else offer.location,
        reason="Training day",
    )

    slots = free_slots([offer], MONDAY, MONDAY + timedelta(days=1), now=at(2027, 1, 1))

    assert {slot.local.date() for slot in slots} == {MONDAY + timedelta(days=1)}


def test_a_closure_of_another_location_leaves_times_open():
    offer = make_offer(weekdays=[0])
    other = make_offer(weekdays=[0]).location
    Closure.objects.create(starts_on=MONDAY, ends_on=MONDAY, location=other, reason="Move")

    slots = free_slots([offer], MONDAY, MONDAY, now=at(2027, 1, 1))

    assert len(slots) == 9


def test_slots_leave_out_booked_times_but_not_cancelled_ones():
    offer = make_offer(hours=((9, 0, 10, 0),), weekdays=[0])
    make_booking(offer, make_inquiry(), at(2027, 1, 11, 9, 20))
    make_booking(offer, make_inquiry(), at(2027, 1, 11, 9, 40), status="cancelled")

    slots = free_slots([offer], MONDAY, MONDAY, now=at(2027, 1, 1))

    assert local_times(slots) == ["Mon 09:00", "Mon 09:40"]


def test_a_longer_booking_takes_every_time_it_overlaps():
    offer = make_offer(hours=((9, 0, 10, 0),), weekdays=[0])
    booking = make_booking(offer, make_inquiry(), at(2027, 1, 11, 9, 10))
    booking.ends_at = at(2027, 1, 11, 9, 45)
    booking.save()

    slots = free_slots([offer], MONDAY, MONDAY, now=at(2027, 1, 1))

    assert local_times(slots) == []


def test_times_keep_the_wall_clock_across_the_spring_change():
    # Clocks go forward on Sunday March 14, 2027: 9:00 is 14:00 UTC before, 13:00 after.
    offer = make_offer(hours=((9, 0, 9, 20),), weekdays=range(7))

    slots = free_slots([offer], date(2027, 3, 13), date(2027, 3, 15), now=at(2027, 3, 1))

    assert [slot.local.strftime("%d %H:%M %Z") for slot in slots] == [
        "13 09:00 EST",
        "14 09:00 EDT",
        "15 09:00 EDT",
    ]
    assert [
        slot.starts_at.astimezone(NEW_YORK).utcoffset().total_seconds() / 3600 for slot in slots
    ] == [-5, -4, -4]
    assert [slot.starts_at.timestamp() for slot in slots][1] - slots[
        0
    ].starts_at.timestamp() == 23 * 3600


def test_a_time_the_clock_skips_is_not_offered_and_a_repeated_one_once():
    night = make_offer(hours=((1, 0, 3, 0),), weekdays=[6], length_minutes=30)

    spring = offered_times(night, date(2027, 3, 14), date(2027, 3, 14), now=at(2027, 3, 1))
    autumn = offered_times(night, date(2027, 11, 7), date(2027, 11, 7), now=at(2027, 10, 20))

    assert [t.astimezone(NEW_YORK).strftime("%H:%M") for t in spring] == ["01:00", "01:30"]
    assert [t.astimezone(NEW_YORK).strftime("%H:%M %Z") for t in autumn] == [
        "01:00 EDT",
        "01:30 EDT",
        "02:00 EST",
        "02:30 EST",
    ]


def test_is_offered_says_no_to_a_time_outside_the_hours():
    offer = make_offer(weekdays=[0])

    assert is_offered(offer, at(2027, 1, 11, 9, 20), now=at(2027, 1, 1))
    assert not is_offered(offer, at(2027, 1, 11, 9, 25), now=at(2027, 1, 1))
    assert not is_offered(offer, at(2027, 1, 12, 9, 20), now=at(2027, 1, 1))
    assert not is_offered(offer, at(2027, 1, 11, 13, 0), now=at(2027, 1, 1))
