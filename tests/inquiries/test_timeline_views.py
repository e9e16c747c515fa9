"""Views on the timeline: folded into one line per staff member per day, and never
recorded by the redirect that follows an action (issue 26: 7 "Viewed" lines buried
1 real event)."""

from datetime import timedelta

from django.utils import timezone

from inquiries.models import InquiryEvent
from tests.inquiries.crm_factories import action_url, change_url, make_inquiry, make_staff

Kind = InquiryEvent.Kind


def _timeline_lines(response):
    return [" ".join(entry.title.split()) for entry in response.context["timeline"]]


def test_views_are_folded_per_staff_member_per_day(intake_client):
    inquiry = make_inquiry()
    ines = make_staff("ines")
    ines.first_name = "Ines"
    ines.save()
    now = timezone.now()
    for minutes in (5, 20, 40):
        inquiry.events.create(
            kind=Kind.VIEWED, actor=ines, created_at=now - timedelta(minutes=minutes)
        )
    inquiry.events.create(kind=Kind.VIEWED, actor=ines, created_at=now - timedelta(days=1))
    inquiry.add_note("Prefers mornings", actor=ines)

    response = intake_client.get(change_url(inquiry))

    lines = _timeline_lines(response)
    assert lines == [
        "Viewed by intake, once today",  # this very look
        "Note",
        "Viewed by Ines, 3 times today",
        "Viewed by Ines, once yesterday",
    ]


def test_the_redirect_after_an_action_records_no_view(intake_client):
    inquiry = make_inquiry()

    for text in ("First note", "Second note"):
        intake_client.post(action_url(inquiry, "note"), {"crm-note-text": text}, follow=True)

    assert inquiry.events.filter(kind=Kind.NOTE).count() == 2
    assert not inquiry.events.filter(kind=Kind.VIEWED).exists()


def test_opening_the_work_screen_again_is_a_view(intake_client):
    inquiry = make_inquiry()
    intake_client.post(action_url(inquiry, "note"), {"crm-note-text": "A note"}, follow=True)

    intake_client.get(change_url(inquiry))
    intake_client.get(change_url(inquiry))

    assert inquiry.events.filter(kind=Kind.VIEWED).count() == 2


def test_an_action_on_one_inquiry_does_not_hide_a_view_of_another(intake_client):
    acted_on, other = make_inquiry(), make_inquiry()
    intake_client.post(action_url(acted_on, "note"), {"crm-note-text": "A note"})

    intake_client.get(change_url(other))

    assert other.events.filter(kind=Kind.VIEWED).count() == 1
