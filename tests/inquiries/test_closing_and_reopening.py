"""Issue 25, item 14: closing clears the follow-up; a closing set by mistake is undone by
intake staff with a reason on the timeline."""

from datetime import date

import pytest
from django.contrib.messages import get_messages

from inquiries.models import Inquiry, InquiryEvent
from tests.inquiries.crm_factories import (
    action_url,
    change_url,
    make_inquiry,
    make_intake_user,
    queue_url,
    references_in,
)

Status = Inquiry.Status
Kind = InquiryEvent.Kind
FOLLOW_UP = date(2031, 3, 4)

# The way to each closed status through the pipeline, from New.
PATHS = {
    Status.BECAME_PATIENT: [Status.CONTACTED, Status.CONSULTATION_SCHEDULED],
    Status.NOT_A_FIT: [],
    Status.NO_RESPONSE: [Status.CONTACTED],
    Status.SPAM: [],
}


def _messages(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def _walk(inquiry, statuses, actor):
    for status in statuses:
        inquiry.transition_to(status, actor=actor)


@pytest.mark.parametrize("closed", list(PATHS))
def test_closing_clears_the_follow_up_and_the_timeline_says_so(intake_client, intake_user, closed):
    inquiry = make_inquiry(follow_up_on=FOLLOW_UP)
    _walk(inquiry, PATHS[closed], intake_user)

    intake_client.post(action_url(inquiry, "status"), {"crm-status-status": closed})

    inquiry.refresh_from_db()
    assert inquiry.status == closed
    assert inquiry.follow_up_on is None
    event = inquiry.events.filter(kind=Kind.FOLLOW_UP_SET).get()
    assert event.message == f"Follow-up of Mar 4, 2031 cleared: closed as {closed.label}"
    assert event.actor == intake_user


def test_closing_without_a_follow_up_adds_no_follow_up_event(intake_user):
    inquiry = make_inquiry()

    inquiry.transition_to(Status.NOT_A_FIT, actor=intake_user)

    assert not inquiry.events.filter(kind=Kind.FOLLOW_UP_SET).exists()


def test_moving_between_open_statuses_keeps_the_follow_up(intake_user):
    inquiry = make_inquiry(follow_up_on=FOLLOW_UP)

    inquiry.transition_to(Status.CONTACTED, actor=intake_user)

    inquiry.refresh_from_db()
    assert inquiry.follow_up_on == FOLLOW_UP


@pytest.mark.parametrize(
    ("closed", "reopened"),
    [
        (Status.BECAME_PATIENT, Status.CONSULTATION_SCHEDULED),
        (Status.NOT_A_FIT, Status.NEW),
        (Status.NO_RESPONSE, Status.CONTACTED),
    ],
)
def test_intake_staff_reopen_a_closed_inquiry_with_the_reason_on_the_timeline(
    intake_client, intake_user, closed, reopened
):
    inquiry = make_inquiry()
    _walk(inquiry, [*PATHS[closed], closed], intake_user)

    response = intake_client.post(
        action_url(inquiry, "reopen"), {"crm-reopen-reason": "Clicked the wrong status."}
    )

    assert response.status_code == 302
    assert _messages(response) == [f"{inquiry.reference} reopened as {reopened.label}."]
    inquiry.refresh_from_db()
    assert (inquiry.status, inquiry.closed_at) == (reopened, None)
    event = inquiry.events.filter(kind=Kind.STATUS_CHANGED).last()
    assert event.message == (
        f"Reopened: {closed.label} → {reopened.label}. Reason: Clicked the wrong status."
    )
    assert event.actor == intake_user
    assert inquiry.reference in references_in(intake_client.get(queue_url()))


def test_reopening_needs_a_reason(intake_client, intake_user):
    inquiry = make_inquiry()
    inquiry.transition_to(Status.NOT_A_FIT, actor=intake_user)

    response = intake_client.post(action_url(inquiry, "reopen"), {"crm-reopen-reason": "  "})

    assert _messages(response) == [
        "Nothing changed. Reason for reopening: please give one; it goes on the timeline."
    ]
    inquiry.refresh_from_db()
    assert inquiry.status == Status.NOT_A_FIT


@pytest.mark.parametrize(
    ("path", "status"), [([], Status.NEW), ([Status.SPAM], Status.SPAM)], ids=["new", "spam"]
)
def test_only_a_closed_inquiry_can_be_reopened(intake_client, intake_user, path, status):
    inquiry = make_inquiry()
    _walk(inquiry, path, intake_user)

    page = intake_client.get(change_url(inquiry)).content.decode()
    response = intake_client.post(
        action_url(inquiry, "reopen"), {"crm-reopen-reason": "Trying anyway."}
    )

    assert "Reopen (closed by mistake)" not in page
    assert _messages(response)[0].endswith("there is nothing to reopen.")
    inquiry.refresh_from_db()
    assert inquiry.status == status


def test_a_closed_inquiry_offers_reopen_and_says_where_it_goes(intake_client, intake_user):
    inquiry = make_inquiry()
    _walk(inquiry, [*PATHS[Status.BECAME_PATIENT], Status.BECAME_PATIENT], intake_user)

    page = intake_client.get(change_url(inquiry)).content.decode()

    assert "Became a patient is final: nothing follows it." in page
    assert "Closed by mistake? Reopen moves it back to Consultation scheduled" in page


def test_staff_who_may_not_change_inquiries_cannot_reopen(client, db):
    from tests.inquiries.crm_factories import make_staff

    inquiry = make_inquiry()
    inquiry.transition_to(Status.NOT_A_FIT, actor=make_intake_user())
    client.force_login(make_staff("reader", permissions=["inquiries.view_inquiry"]))

    response = client.post(action_url(inquiry, "reopen"), {"crm-reopen-reason": "x"})

    assert response.status_code == 403
    inquiry.refresh_from_db()
    assert inquiry.status == Status.NOT_A_FIT


# Reopening has one way in: the reopen form with its reason, never a plain status change.
CLOSED_FOR_GOOD_REASON = [Status.BECAME_PATIENT, Status.NOT_A_FIT, Status.NO_RESPONSE]


@pytest.mark.parametrize("closed", CLOSED_FOR_GOOD_REASON)
def test_a_closed_inquiry_is_not_reopened_by_the_status_form(intake_client, intake_user, closed):
    inquiry = make_inquiry()
    _walk(inquiry, [*PATHS[closed], closed], intake_user)
    page = intake_client.get(change_url(inquiry)).content.decode()

    response = intake_client.post(action_url(inquiry, "status"), {"crm-status-status": "contacted"})

    assert '<option value="contacted"' not in page
    assert _messages(response)[0].startswith("Nothing changed. Move to: Select a valid choice.")
    inquiry.refresh_from_db()
    assert inquiry.status == closed
    assert inquiry.events.filter(kind=Kind.STATUS_CHANGED).last().data["to"] == closed


@pytest.mark.parametrize("closed", CLOSED_FOR_GOOD_REASON)
def test_bulk_mark_contacted_skips_a_closed_inquiry_and_points_to_reopen(
    intake_client, intake_user, closed
):
    inquiry = make_inquiry()
    _walk(inquiry, [*PATHS[closed], closed], intake_user)

    response = intake_client.post(
        f"{queue_url()}?status=all",
        {"action": "mark_contacted", "_selected_action": [inquiry.pk]},
        follow=True,
    )

    assert _messages(response) == [
        f"0 inquiries marked contacted; 1 skipped: {inquiry.reference} can't move from "
        f"{closed.label} to Contacted: to reopen it, use Reopen on its page and give the reason"
    ]
    inquiry.refresh_from_db()
    assert inquiry.status == closed
