"""The dashboard's closed funnel on a known data set: inquiries, consultations booked and
attended by week, by source page and by topic, and the median time to a booking; every
figure links to the queue showing exactly what it counted."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from consultations.funnel import funnel
from inquiries.dashboard_snapshot import take_snapshot
from inquiries.models import Topic
from tests.consultations.factories import make_booking, make_offer
from tests.inquiries.crm_factories import make_inquiry, references_in
from tests.pages.factories import make_page

pytestmark = pytest.mark.django_db

QUEUE = "/admin/inquiries/inquiry/"


@pytest.fixture
def known(db):
    """This week: 4 inquiries (one booked then attended, one booked, one cancelled, one
    with a moved booking); three weeks ago: 2 inquiries, one booked; plus one spam."""
    offer = make_offer(hours=((0, 0, 23, 40),), weekdays=range(7))
    now = timezone.now()
    week_start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    week_start -= timedelta(days=week_start.weekday())
    page = make_page(title="Ketamine for PTSD", slug="ketamine-for-ptsd")
    depression = Topic.objects.get(name="Depression")
    made = {}

    def inquiry(name, created, **fields):
        made[name] = make_inquiry(first_name=name, created_at=created, **fields)
        return made[name]

    def book(inquiry, hours_after, status="booked"):
        starts = inquiry.created_at + timedelta(days=2)
        starts = starts.replace(minute=0, second=0, microsecond=0)
        booking = make_booking(
            offer, inquiry, starts + timedelta(minutes=20 * len(made)), status=status
        )
        booking.created_at = inquiry.created_at + timedelta(hours=hours_after)
        booking.save()
        return booking

    base = week_start + timedelta(minutes=30)
    book(inquiry("Attended", base, source_page=page), 2, status="attended")
    book(inquiry("Booked", base + timedelta(minutes=1), source_page=page), 4)
    book(inquiry("Cancelled", base + timedelta(minutes=2), topic=depression), 6, "cancelled")
    moved = inquiry("Moved", base + timedelta(minutes=3), topic=depression)
    book(moved, 8, "moved")
    book(moved, 10)
    earlier = week_start - timedelta(weeks=3) + timedelta(hours=1)
    book(inquiry("Earlier", earlier), 24)
    inquiry("Unbooked", earlier + timedelta(minutes=1))
    book(inquiry("Spam", base, status="spam"), 1)
    return made, now


def test_the_funnel_counts_by_week(known):
    made, now = known

    weeks = funnel(changelist_url=QUEUE, now=now)["weeks"]

    counts = [(week["inquiries"], week["booked"], week["attended"]) for week in weeks]
    assert counts[-1] == (4, 3, 1)
    assert counts[-4] == (2, 1, 0)
    assert sum(week["inquiries"] for week in weeks) == 6
    assert weeks[-1]["booked_rate"] == 75


def test_the_funnel_counts_by_source_page_and_topic(known):
    made, now = known

    figures = funnel(changelist_url=QUEUE, now=now)

    by_page = {
        row["label"]: (row["inquiries"], row["booked"], row["attended"])
        for row in figures["by_page"]
    }
    by_topic = {
        row["label"]: (row["inquiries"], row["booked"], row["attended"])
        for row in figures["by_topic"]
    }
    assert by_page == {"Ketamine for PTSD": (2, 2, 1), "No source page": (4, 2, 0)}
    assert by_topic == {"PTSD": (4, 3, 1), "Depression": (2, 1, 0)}


def test_the_median_time_to_a_first_booking(known):
    made, now = known

    median = funnel(changelist_url=QUEUE, now=now)["median_to_booking"]

    # First bookings after 2, 4, 6, 8 and 24 hours (spam left out): the median is 6 h.
    assert (median["value"], median["booked"], median["display"]) == (
        timedelta(hours=6),
        5,
        "6.0 h",
    )


def test_every_funnel_figure_links_to_the_inquiries_it_counted(intake_client, known):
    made, now = known
    figures = funnel(changelist_url=reverse("admin:inquiries_inquiry_changelist"), now=now)
    week = figures["weeks"][-1]
    (page_row,) = [row for row in figures["by_page"] if row["label"] == "Ketamine for PTSD"]

    booked = references_in(intake_client.get(week["booked_url"]))
    attended = references_in(intake_client.get(week["attended_url"]))
    everyone = references_in(intake_client.get(week["inquiries_url"]))
    page_booked = references_in(intake_client.get(page_row["booked_url"]))

    assert sorted(booked) == sorted(
        made[name].reference for name in ("Attended", "Booked", "Moved")
    )
    assert attended == [made["Attended"].reference]
    assert len(everyone) == 4
    assert sorted(page_booked) == sorted(made[name].reference for name in ("Attended", "Booked"))


def test_the_dashboard_shows_the_funnel(intake_client, known):
    take_snapshot()  # the worker's figures of this minute, the funnel with them

    response = intake_client.get(reverse("admin:inquiries_inquiry_dashboard"))

    text = response.content.decode()
    assert "From inquiry to consultation, by week submitted" in text
    assert "consultation=booked" in text and "consultation=attended" in text
    assert "6.0 h" in text
