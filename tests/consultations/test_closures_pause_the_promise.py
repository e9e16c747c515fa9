"""A whole-clinic closure pauses the one-business-day promise, as a weekend does: in the
queue's "waiting too long", the work screen's deadline and the dashboard's on-time count
(in SQL and in Python alike)."""

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from consultations.models import Closure
from inquiries.business_days import add_business_days, subtract_business_days
from inquiries.models import Inquiry, promise_kept_q
from tests.consultations.factories import NEW_YORK, make_location
from tests.inquiries.crm_factories import make_inquiry

pytestmark = pytest.mark.django_db

# Thanksgiving 2026 is Thursday November 26; the clinic also closes the Friday after.
THANKSGIVING = date(2026, 11, 26)


@pytest.fixture
def thanksgiving(db):
    return Closure.objects.create(
        starts_on=THANKSGIVING, ends_on=THANKSGIVING + timedelta(days=1), reason="Thanksgiving"
    )


def local(*args):
    return datetime(*args, tzinfo=NEW_YORK)


@pytest.mark.parametrize(
    ("submitted", "deadline"),
    [
        (local(2026, 11, 25, 15, 0), local(2026, 11, 30, 15, 0)),  # Wed -> Mon (Thu, Fri closed)
        (local(2026, 11, 26, 10, 0), local(2026, 12, 1, 0, 0)),  # on the holiday -> Tue 00:00
        (local(2026, 11, 24, 9, 0), local(2026, 11, 25, 9, 0)),  # Tue -> Wed, as before
    ],
)
def test_a_closure_moves_the_deadline_like_a_weekend(thanksgiving, submitted, deadline):
    assert add_business_days(submitted) == deadline


def test_the_waiting_cutoff_skips_the_closure(thanksgiving):
    assert subtract_business_days(local(2026, 11, 30, 10, 0)) == local(2026, 11, 25, 10, 0)
    assert subtract_business_days(local(2026, 11, 27, 10, 0)) == local(2026, 11, 25, 0, 0)


def test_a_closure_of_one_location_does_not_pause_the_promise(db):
    Closure.objects.create(
        starts_on=THANKSGIVING, ends_on=THANKSGIVING, location=make_location(), reason="Move"
    )

    assert add_business_days(local(2026, 11, 25, 15, 0)) == local(2026, 11, 26, 15, 0)


def test_the_sql_promise_agrees_with_the_python_one_around_a_closure(thanksgiving):
    # Every hour from the Sunday before to the Tuesday after, contacted at a spread of
    # delays: the SQL rule must say "kept" exactly when add_business_days does.
    start = local(2026, 11, 22, 0, 30)
    delays = [timedelta(hours=h) for h in (1, 20, 26, 50, 74, 98, 122, 146)]
    expected = {}
    for hour in range(0, 9 * 24, 5):
        created = start + timedelta(hours=hour)
        for delay in delays:
            inquiry = make_inquiry(created_at=created, first_contacted_at=created + delay)
            expected[inquiry.pk] = created + delay <= add_business_days(created)

    kept = set(Inquiry.objects.filter(promise_kept_q()).values_list("pk", flat=True))

    wrong = [pk for pk, on_time in expected.items() if (pk in kept) != on_time]
    assert wrong == []
    assert 0 < len(kept) < len(expected)


def test_the_queue_does_not_flag_an_inquiry_waiting_over_the_closure(thanksgiving):
    make_inquiry(created_at=local(2026, 11, 25, 16, 0))
    now = local(2026, 11, 27, 12, 0)

    assert not Inquiry.objects.waiting_too_long(now=now).exists()
    assert Inquiry.objects.waiting_too_long(now=local(2026, 11, 30, 17, 0)).exists()


def test_the_work_screen_deadline_skips_the_closure(intake_client, db):
    from tests.inquiries.crm_factories import work_url

    tomorrow = timezone.localdate() + timedelta(days=1)
    Closure.objects.create(starts_on=tomorrow, ends_on=tomorrow + timedelta(days=6), reason="Break")
    inquiry = make_inquiry()

    text = intake_client.get(work_url(inquiry)).content.decode()

    due = add_business_days(inquiry.created_at)
    assert due.date() > tomorrow + timedelta(days=6)
    assert f"first contact due by {due:%b} {due.day}" in text
