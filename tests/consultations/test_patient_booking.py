"""The patient's link: the week of times, pick and confirm, and what a patient sees when
anything is off (taken, past, not offered, double tap)."""

import re
import uuid

import pytest

from consultations.models import Booking
from inquiries.models import Inquiry, InquiryEvent, Notification
from staff.models import AuditEntry
from tests.consultations.conftest import free
from tests.consultations.factories import make_booking
from tests.consultations.helpers import pick, post
from tests.inquiries.crm_factories import make_inquiry

pytestmark = pytest.mark.django_db


def test_the_link_lists_free_times_by_day_with_the_zone_named(client, link, offer):
    response = client.get(link)

    text = response.content.decode()
    assert response.status_code == 200
    assert "Choose a time for your consultation" in text
    assert "New York time (America/New_York)" in text
    first = free(offer)[0]
    assert f'href="?time={first.key}"' in text
    assert first.local.strftime("%A, %B ") + str(first.local.day) in text
    assert response.cookies == {}  # no cookie at all on step one


def test_picking_a_time_asks_to_confirm_it_with_only_the_csrf_cookie(client, link, offer):
    slot = free(offer)[3]

    response = client.get(f"{link}?time={slot.key}")

    text = response.content.decode()
    assert "Confirm your consultation" in text
    assert "Book this time" in text
    assert set(response.cookies) == {"csrftoken"}
    assert Booking.objects.count() == 0


def test_booking_schedules_the_inquiry_and_shows_the_confirmation(
    client, link, offer, inquiry, mailoutbox, django_capture_on_commit_callbacks
):
    slot = free(offer)[0]

    with django_capture_on_commit_callbacks(execute=True):
        response = pick(client, link, slot)
    page = client.get(response["Location"])

    assert response.status_code == 303
    assert "Your consultation is booked" in page.content.decode()
    assert "Choose another time" in page.content.decode()
    booking = Booking.objects.get()
    assert (booking.inquiry, booking.starts_at, booking.status) == (
        inquiry,
        slot.starts_at,
        "booked",
    )
    inquiry.refresh_from_db()
    assert inquiry.status == Inquiry.Status.CONSULTATION_SCHEDULED
    event = inquiry.events.get(kind=InquiryEvent.Kind.CONSULTATION)
    assert event.message.startswith("Consultation booked: ") and "(by the patient)" in event.message
    assert AuditEntry.objects.filter(object_id=str(inquiry.pk), detail__contains="booked").exists()
    (email,) = mailoutbox
    assert email.to == [inquiry.email]
    assert Notification.objects.get(kind="booking").state == "sent"


def test_a_new_inquiry_booked_from_its_link_goes_through_contacted(client, offer):
    from consultations.links import booking_url

    inquiry = make_inquiry()
    link = booking_url(inquiry).removeprefix("http://127.0.0.1:8000")

    pick(client, link, free(offer)[0])

    inquiry.refresh_from_db()
    assert inquiry.status == Inquiry.Status.CONSULTATION_SCHEDULED
    assert inquiry.first_contacted_at is not None


def test_a_double_tap_books_once_and_shows_the_same_booking(client, link, offer):
    slot, token = free(offer)[0], uuid.uuid4()

    first = pick(client, link, slot, token)
    second = pick(client, link, slot, token)

    assert Booking.objects.count() == 1
    assert first.status_code == second.status_code == 303
    assert first["Location"] == second["Location"]


def test_a_time_taken_meanwhile_says_so_and_lists_the_times_still_free(client, link, offer):
    slot = free(offer)[0]
    make_booking(offer, make_inquiry(), slot.starts_at)

    response = pick(client, link, slot)

    text = response.content.decode()
    assert response.status_code == 409
    assert "That time was just taken" in text
    assert f"?time={slot.key}" not in text
    assert f"?time={free(offer)[0].key}" in text
    assert Booking.objects.count() == 1


def test_a_time_taken_before_confirming_says_so_at_step_two(client, link, offer):
    slot = free(offer)[0]
    make_booking(offer, make_inquiry(), slot.starts_at)

    response = client.get(f"{link}?time={slot.key}")

    assert response.status_code == 409
    assert "That time was just taken" in response.content.decode()


def test_a_past_time_cannot_be_booked(client, link, offer):
    from datetime import timedelta

    from django.utils import timezone

    past = timezone.now().replace(minute=0, second=0, microsecond=0) - timedelta(days=1)
    key = f"{offer.pk}-{int(past.timestamp())}"

    response = post(client, link, {"time": key, "request_token": str(uuid.uuid4())})

    assert response.status_code == 400
    assert "That time has passed" in response.content.decode()
    assert Booking.objects.count() == 0


@pytest.mark.parametrize("shift", [5 * 60, 24 * 3600 * 365])
def test_a_time_outside_the_offered_hours_is_refused(client, link, offer, shift):
    slot = free(offer)[0]
    key = f"{offer.pk}-{int(slot.starts_at.timestamp()) + shift}"

    response = post(client, link, {"time": key, "request_token": str(uuid.uuid4())})

    assert response.status_code == 400
    assert "not one we offer" in response.content.decode()
    assert Booking.objects.count() == 0


@pytest.mark.parametrize("key", ["nonsense", "99999-1800000000", "1-", "-1", "1-99999999999999"])
def test_a_nonsense_pick_is_refused_with_the_times_listed(client, link, key):
    response = client.get(f"{link}?time={key}")

    assert response.status_code == 400
    assert "not one we offer" in response.content.decode()


def test_the_week_links_page_through_the_weeks_offered(client, link, offer):
    response = client.get(f"{link}?week=1")

    text = response.content.decode()
    assert 'href="?week=0"' in text and 'href="?week=2"' in text
    assert client.get(f"{link}?week=4").content.decode().count("?week=5") == 0


def test_the_confirmation_page_shows_where(client, link, offer, inquiry):
    response = pick(client, link, free(offer)[0])

    text = client.get(response["Location"]).content.decode()

    assert "We will call you on +15555550123." in text
    assert re.search(r"Phone call", text)


@pytest.mark.parametrize("token", ["", "not-a-uuid"])
def test_a_form_without_its_token_books_nothing_and_shows_no_other_booking(
    client, link, offer, token
):
    other = make_booking(offer, make_inquiry(first_name="Other"), free(offer)[3].starts_at)

    response = post(client, link, {"time": free(offer)[0].key, "request_token": token})

    assert response.status_code == 400
    assert Booking.objects.count() == 1
    assert "Location" not in response
    assert other.inquiry.phone not in response.content.decode() or not other.inquiry.phone


@pytest.mark.parametrize("offers", [1, 3])
def test_the_times_page_query_count_does_not_grow_with_offers(
    client, inquiry, offers, django_assert_num_queries
):
    from consultations.links import booking_url
    from tests.consultations.factories import make_offer
    from tests.consultations.helpers import path_of

    for _ in range(offers):
        make_offer(hours=((8, 0, 20, 0),), weekdays=range(7), min_notice_hours=0)
    link = path_of(booking_url(inquiry))

    # The link with its inquiry, whether it is booked already, the offers, their hours,
    # closures, bookings; and the site's own three (content version, navigation, the
    # footer's location).
    with django_assert_num_queries(9):
        response = client.get(link)

    assert response.status_code == 200
