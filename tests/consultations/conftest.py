from datetime import timedelta

import pytest
from django.utils import timezone

from consultations.links import booking_url
from consultations.slots import free_slots
from tests.consultations.factories import make_offer
from tests.inquiries.crm_factories import make_inquiry


@pytest.fixture
def offer(db):
    """Phone consultations every day, 8:00 to 20:00, bookable from now on."""
    return make_offer(hours=((8, 0, 20, 0),), weekdays=range(7), min_notice_hours=0)


@pytest.fixture
def inquiry(db):
    return make_inquiry(phone="+15555550123", status="contacted")


@pytest.fixture
def link(inquiry, offer):
    """The path of the inquiry's personal booking link."""
    return booking_url(inquiry).removeprefix("http://127.0.0.1:8000")


def free(offer, days=7):
    today = timezone.localdate()
    return free_slots([offer], today + timedelta(days=1), today + timedelta(days=days))
