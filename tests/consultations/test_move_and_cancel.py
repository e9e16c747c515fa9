"""The confirmation's links: move and cancel free the time; the page says where things stand."""

import uuid

import pytest

from consultations.links import manage_url
from consultations.models import Booking
from inquiries.models import Inquiry, Notification
from tests.consultations.conftest import free
from tests.consultations.helpers import path_of, pick, post

pytestmark = pytest.mark.django_db


@pytest.fixture
def booked(client, link, offer):
    pick(client, link, free(offer)[0])
    return Booking.objects.get()


def test_cancelling_frees_the_time_and_offers_to_book_again(client, booked, offer, link):
    cancel = path_of(manage_url(booked, "cancel"))

    asked = client.get(cancel)
    response = post(client, cancel)

    assert "Cancel your consultation?" in asked.content.decode()
    assert "Your consultation is cancelled" in response.content.decode()
    assert "Book another time" in response.content.decode()
    booked.refresh_from_db()
    assert booked.status == Booking.Status.CANCELLED
    assert free(offer)[0].starts_at == booked.starts_at
    booked.inquiry.refresh_from_db()
    assert booked.inquiry.status == Inquiry.Status.CONTACTED
    assert booked.inquiry.events.filter(message__contains="cancelled (by the patient)").exists()


def test_cancelling_twice_cancels_once(client, booked):
    cancel = path_of(manage_url(booked, "cancel"))

    post(client, cancel)
    again = post(client, cancel)

    assert again.status_code == 302  # back to the booking's page, which says it is cancelled
    assert "was cancelled" in client.get(again["Location"]).content.decode()
    assert booked.inquiry.events.filter(message__contains="cancelled").count() == 1


def test_moving_frees_the_old_time_and_books_the_new_one(
    client, booked, offer, mailoutbox, django_capture_on_commit_callbacks
):
    move = path_of(manage_url(booked, "move"))
    new = free(offer)[5]

    with django_capture_on_commit_callbacks(execute=True):
        response = pick(client, move, new)

    assert response.status_code == 303
    assert "Your consultation has moved" in client.get(response["Location"]).content.decode()
    booked.refresh_from_db()
    assert booked.status == Booking.Status.MOVED
    moved = booked.replaced_by
    assert (moved.starts_at, moved.status) == (new.starts_at, Booking.Status.BOOKED)
    assert booked.starts_at in [slot.starts_at for slot in free(offer)]
    assert moved.calendar_uid == booked.calendar_uid and moved.calendar_sequence == 1
    (email,) = mailoutbox
    assert email.subject.startswith("Your consultation has moved")
    assert Notification.objects.filter(kind="booking").count() == 2
    assert "See the new time" in client.get(path_of(manage_url(booked))).content.decode()


def test_a_double_tap_on_move_moves_once(client, booked, offer):
    move, new, token = path_of(manage_url(booked, "move")), free(offer)[5], uuid.uuid4()

    first = pick(client, move, new, token)
    second = pick(client, move, new, token)

    assert first["Location"] == second["Location"]
    assert Booking.objects.count() == 2


def test_a_tampered_manage_link_says_to_call(client, booked, settings):
    response = client.get(path_of(manage_url(booked)) + "x/")

    assert response.status_code == 404
    assert settings.CLINIC_PHONE in response.content.decode()
