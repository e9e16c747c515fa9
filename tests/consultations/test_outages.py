"""The booking pages when a dependency fails: PostgreSQL down answers the outage page with
the phone number (never a 500, nothing booked); the mail server down leaves the
confirmation on the outbox (tested in test_confirmation_email.py)."""

import pytest
from django.test import Client

from consultations.models import Booking
from tests.clinic.test_database_outage import database_down
from tests.consultations.conftest import free
from tests.consultations.helpers import pick

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("method", ["get", "post"])
def test_with_the_database_down_the_booking_page_gives_the_phone_number(
    link, offer, settings, method
):
    visitor = Client(raise_request_exception=False)
    slot = free(offer)[0]

    with database_down():
        response = visitor.get(link) if method == "get" else pick(visitor, link, slot)

    assert response.status_code == 503
    assert settings.CLINIC_PHONE in response.content.decode()
    assert Booking.objects.count() == 0
