"""Two patients, one time: the database lets one have it, under real concurrency."""

import threading
import time
from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, connection, transaction
from django.test import RequestFactory
from django.utils import timezone

from consultations import booking as booking_service
from consultations.models import Booking
from tests.consultations.factories import make_booking, make_offer
from tests.inquiries.crm_factories import make_inquiry

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def patient_request():
    request = RequestFactory().post("/book/x/")
    request.user = AnonymousUser()
    return request


def run_together(*targets):
    results = [None] * len(targets)

    def runner(index, target):
        try:
            results[index] = target()
        except Exception as error:  # noqa: BLE001  (the test looks at what each got)
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=item) for item in enumerate(targets)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    return results


@pytest.fixture
def offer():
    return make_offer(hours=((8, 0, 20, 0),), weekdays=range(7), min_notice_hours=0)


def tomorrow_at_ten():
    day = timezone.localdate() + timedelta(days=1)
    return timezone.make_aware(timezone.datetime.combine(day, timezone.datetime.min.time())) + (
        timedelta(hours=10)
    )


def test_two_patients_booking_one_time_at_once_one_wins(offer):
    first, second = make_inquiry(status="contacted"), make_inquiry(status="contacted")
    starts_at = tomorrow_at_ten()
    both_checked = threading.Barrier(2, timeout=10)
    real_insert = booking_service._insert

    def insert_after_both_checked(booking):
        # Both requests have seen the time free; now both insert.
        both_checked.wait()
        return real_insert(booking)

    def book(inquiry):
        return lambda: booking_service.book(
            patient_request(), inquiry=inquiry, offer=offer, starts_at=starts_at
        )

    with mock.patch.object(booking_service, "_insert", insert_after_both_checked):
        results = run_together(book(first), book(second))

    won = [result for result in results if isinstance(result, tuple)]
    lost = [result for result in results if isinstance(result, booking_service.TimeTaken)]
    assert (len(won), len(lost)) == (1, 1), results
    assert Booking.objects.live().count() == 1
    loser = second if won[0][0].inquiry_id == first.pk else first
    loser.refresh_from_db()
    assert loser.status == "contacted"  # rolled back whole: no status change, no event
    assert not loser.events.filter(kind="consultation").exists()


def test_the_database_refuses_an_overlapping_booking_whatever_the_code_does(offer):
    starts_at = tomorrow_at_ten()
    first_inserted = threading.Event()

    def insert_and_hold():
        with transaction.atomic():
            make_booking(offer, make_inquiry(), starts_at)
            first_inserted.set()
            time.sleep(0.5)  # the second insert waits on this uncommitted row

    def insert_overlapping():
        first_inserted.wait(10)
        with transaction.atomic():
            make_booking(offer, make_inquiry(), starts_at + timedelta(minutes=10))

    results = run_together(insert_and_hold, insert_overlapping)

    assert results[0] is None
    assert isinstance(results[1], IntegrityError)
    assert Booking.objects.count() == 1


def test_a_cancelled_booking_does_not_hold_its_time(offer):
    starts_at = tomorrow_at_ten()
    make_booking(offer, make_inquiry(), starts_at, status="cancelled")

    make_booking(offer, make_inquiry(), starts_at)

    assert Booking.objects.count() == 2


def test_back_to_back_bookings_do_not_overlap(offer):
    starts_at = tomorrow_at_ten()
    make_booking(offer, make_inquiry(), starts_at)

    make_booking(offer, make_inquiry(), starts_at + offer.length)

    assert Booking.objects.live().count() == 2
