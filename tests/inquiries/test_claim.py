"""Claim: from the work screen, a queue row, My work and the bulk action; race-safe."""

import threading

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client

from inquiries.models import Inquiry, InquiryEvent
from staff.models import AuditEntry
from tests.inquiries.crm_factories import (
    action_url,
    change_url,
    make_inquiry,
    make_intake_user,
    queue_url,
)


def _messages(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_claim_on_the_work_screen_assigns_it_and_says_so(intake_client, intake_user):
    inquiry = make_inquiry()

    response = intake_client.post(action_url(inquiry, "claim"), follow=True)

    assert response.redirect_chain == [(change_url(inquiry), 302)]
    assert _messages(response) == [f"You claimed {inquiry.reference}: it is yours to work."]
    assert "Assigned to <strong>you</strong>" in response.content.decode()
    inquiry.refresh_from_db()
    assert inquiry.assignee == intake_user
    event = inquiry.events.get(kind=InquiryEvent.Kind.ASSIGNED)
    assert (event.actor, event.message) == (intake_user, "Claimed by intake")
    assert AuditEntry.objects.filter(action="change", detail="Claimed").count() == 1


def test_claiming_what_someone_else_has_tells_who_has_it(intake_client):
    sam = make_intake_user("sam")
    sam.first_name = "Sam"
    sam.save()
    inquiry = make_inquiry(assignee=sam)

    response = intake_client.post(action_url(inquiry, "claim"), follow=True)

    assert _messages(response) == [f"{inquiry.reference} is already claimed: Sam has it."]
    inquiry.refresh_from_db()
    assert inquiry.assignee == sam
    assert not inquiry.events.filter(kind=InquiryEvent.Kind.ASSIGNED).exists()
    assert not AuditEntry.objects.filter(action="change").exists()


@pytest.mark.parametrize("list_query", ["", "?work=mine"])
def test_queue_and_my_work_rows_offer_claim_and_come_back_to_the_list(
    intake_client, intake_user, list_query
):
    inquiry = make_inquiry()
    list_url = queue_url() + list_query

    page = intake_client.get(list_url).content.decode()
    response = intake_client.post(action_url(inquiry, "claim"), {"next": list_url})

    claim = action_url(inquiry, "claim")
    assert f'formaction="{claim}" name="next" value="{list_url}"' in page
    assert f'aria-label="Claim {inquiry.reference}">Claim</button>' in page
    assert response.status_code == 302
    assert response["Location"] == list_url
    inquiry.refresh_from_db()
    assert inquiry.assignee == intake_user


def test_claim_never_sends_anyone_to_another_site(intake_client):
    inquiry = make_inquiry()

    response = intake_client.post(action_url(inquiry, "claim"), {"next": "https://evil.example/"})

    assert response["Location"] == change_url(inquiry)


def test_bulk_claim_claims_the_free_ones_and_names_who_has_the_rest(intake_client, intake_user):
    sam = make_intake_user("sam")
    free = [make_inquiry(), make_inquiry()]
    taken = make_inquiry(assignee=sam)

    response = intake_client.post(
        queue_url(),
        {"action": "claim_selected", "_selected_action": [i.pk for i in [*free, taken]]},
        follow=True,
    )

    assert _messages(response) == [
        f"2 inquiries claimed; 1 skipped: {taken.reference} is already claimed: sam has it"
    ]
    assert list(Inquiry.objects.filter(assignee=intake_user)) == free


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_staff_claiming_at_once_one_wins_and_the_other_is_told(intake_user):
    # Two requests on two database connections, let go at the same moment.
    rival = make_intake_user("rival")
    inquiry = make_inquiry()
    barrier = threading.Barrier(2)
    responses = {}

    def claim(user):
        client = Client()
        client.force_login(user)
        barrier.wait()
        try:
            responses[user.username] = client.post(action_url(inquiry, "claim"), follow=True)
        finally:
            connection.close()

    threads = [threading.Thread(target=claim, args=(user,)) for user in (intake_user, rival)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    inquiry.refresh_from_db()
    winner = inquiry.assignee.username
    loser = "rival" if winner == "intake" else "intake"
    assert _messages(responses[winner]) == [
        f"You claimed {inquiry.reference}: it is yours to work."
    ]
    assert _messages(responses[loser]) == [
        f"{inquiry.reference} is already claimed: {winner} has it."
    ]
    assert inquiry.events.filter(kind=InquiryEvent.Kind.ASSIGNED).count() == 1
