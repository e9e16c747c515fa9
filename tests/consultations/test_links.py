"""The personal link: signed, opaque, 14 days, used once; the urgent and closed cases."""

from datetime import timedelta
from unittest import mock

import pytest

from consultations.links import booking_url
from consultations.models import Booking, BookingLink
from inquiries.models import Inquiry, ReplyTemplate
from inquiries.reply_rules import fill_template
from tests.consultations.conftest import free
from tests.consultations.helpers import path_of, pick
from tests.inquiries.crm_factories import make_inquiry

pytestmark = pytest.mark.django_db


def test_a_reply_fills_booking_link_with_a_personal_link_naming_nothing(offer, intake_user):
    inquiry = make_inquiry(first_name="Grace")
    template = ReplyTemplate.objects.get(name="First reply")

    _subject, body = fill_template(template, inquiry, intake_user)

    (url,) = [word for word in body.split() if "/book/" in word]
    assert url.startswith("http://127.0.0.1:8000/book/")
    reference = BookingLink.objects.get(inquiry=inquiry).reference
    token = url.rsplit("/book/", 1)[1].strip("/")
    assert token.split(":")[0] == reference
    assert inquiry.reference not in url and "Grace" not in url and inquiry.email not in url
    assert len(reference) == 16  # 12 random bytes


def test_without_times_offered_booking_link_stays_the_clinics_booking_url(
    db, intake_user, settings
):
    template = ReplyTemplate.objects.get(name="First reply")

    _subject, body = fill_template(template, make_inquiry(), intake_user)

    assert settings.CLINIC_BOOKING_URL in body
    assert not BookingLink.objects.exists()


def test_replies_reuse_the_unused_link(offer, inquiry):
    booking_url(inquiry)
    booking_url(inquiry)

    assert BookingLink.objects.filter(inquiry=inquiry).count() == 1


def test_an_expired_link_says_to_call_and_books_nothing(client, offer, inquiry, settings):
    link = path_of(booking_url(inquiry))

    with mock.patch("time.time", return_value=__import__("time").time() + 15 * 86400):
        response = pick(client, link, free(offer)[0])

    text = response.content.decode()
    assert response.status_code == 410
    assert "This booking link has expired" in text
    assert settings.CLINIC_PHONE in text
    assert Booking.objects.count() == 0


def test_a_link_13_days_old_still_works(client, offer, inquiry):
    link = path_of(booking_url(inquiry))

    with mock.patch("time.time", return_value=__import__("time").time() + 13 * 86400):
        response = client.get(link)

    assert response.status_code == 200


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),
        lambda token: "x" + token,
        lambda token: token.split(":")[0],
        lambda token: "nonsense",
    ],
)
def test_a_tampered_link_says_to_call_and_books_nothing(client, offer, inquiry, settings, tamper):
    token = path_of(booking_url(inquiry)).split("/")[2]

    response = pick(client, f"/book/{tamper(token)}/", free(offer)[0])

    assert response.status_code == 404
    assert "This link doesn't work" in response.content.decode()
    assert settings.CLINIC_PHONE in response.content.decode()
    assert Booking.objects.count() == 0


def test_a_used_link_says_so_and_books_nothing_more(client, offer, link, settings):
    pick(client, link, free(offer)[0])

    response = pick(client, link, free(offer)[1])

    assert response.status_code == 410
    assert "This booking link has been used" in response.content.decode()
    assert settings.CLINIC_PHONE in response.content.decode()
    assert Booking.objects.count() == 1


def test_an_urgent_inquiry_is_not_offered_self_booking(client, offer):
    inquiry = make_inquiry(priority=Inquiry.Priority.URGENT)
    link = path_of(booking_url(inquiry))

    page = client.get(link)
    posted = pick(client, link, free(offer)[0])

    text = page.content.decode()
    assert "Our team will call you" in text
    assert "988" in text and "911" in text
    assert "?time=" not in text
    assert "Our team will call you" in posted.content.decode()
    assert Booking.objects.count() == 0


def test_a_closed_inquiry_link_says_to_call(client, offer, settings):
    inquiry = make_inquiry(status=Inquiry.Status.NOT_A_FIT)
    link = path_of(booking_url(inquiry))

    response = client.get(link)

    assert response.status_code == 410
    assert "This inquiry is closed" in response.content.decode()
    assert settings.CLINIC_PHONE in response.content.decode()


def test_an_inquiry_closed_for_no_response_reopens_when_the_patient_books(client, offer):
    inquiry = make_inquiry(status=Inquiry.Status.CONTACTED)
    inquiry.transition_to(Inquiry.Status.NO_RESPONSE)
    link = path_of(booking_url(inquiry))

    response = pick(client, link, free(offer)[0])

    inquiry.refresh_from_db()
    assert response.status_code == 303
    assert inquiry.status == Inquiry.Status.CONSULTATION_SCHEDULED
    assert inquiry.events.filter(message__contains="Reopened").exists()


def test_the_link_expires_after_fourteen_days_exactly():
    from consultations.links import BOOKING_LINK_MAX_AGE

    assert timedelta(days=14) == BOOKING_LINK_MAX_AGE


def test_a_link_to_an_inquiry_already_booked_shows_that_booking(client, offer, inquiry, settings):
    from tests.consultations.factories import make_booking

    booking = make_booking(offer, inquiry, free(offer)[2].starts_at)
    template = ReplyTemplate.objects.get(name="Consultation booked")
    user = __import__("tests.inquiries.crm_factories", fromlist=["x"]).make_intake_user()
    _subject, body = fill_template(template, inquiry, user)
    (url,) = [word for word in body.split() if "/book/" in word]

    response = client.get(path_of(url), follow=True)

    text = response.content.decode()
    assert "Your consultation" in text and "Choose another time" in text
    assert response.redirect_chain[0][1] == 302
    assert Booking.objects.get() == booking
