"""My work: the filter preset, its next actions, and "Sam is looking at this"."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from inquiries.models import Inquiry, InquiryEvent
from tests.inquiries.crm_factories import (
    change_url,
    make_inquiry,
    make_intake_user,
    queue_url,
    references_in,
)

Status = Inquiry.Status
Priority = Inquiry.Priority


@pytest.fixture
def known_work(intake_user):
    """One inquiry per rule of My work, and some that are not mine or not due."""
    other = make_intake_user("sam")
    today = timezone.localdate()
    now = timezone.now()
    return {
        "mine": make_inquiry(assignee=intake_user, status=Status.CONTACTED),
        "mine_urgent": make_inquiry(
            assignee=intake_user, priority=Priority.URGENT, created_at=now - timedelta(hours=1)
        ),
        "due_unassigned": make_inquiry(status=Status.CONTACTED, follow_up_on=today),
        "missed_unassigned": make_inquiry(
            status=Status.CONSULTATION_SCHEDULED, follow_up_on=today - timedelta(days=2)
        ),
        "new_unassigned": make_inquiry(created_at=now - timedelta(days=3)),
        # not my work:
        "others": make_inquiry(assignee=other),
        "others_due": make_inquiry(assignee=other, status=Status.CONTACTED, follow_up_on=today),
        "later_unassigned": make_inquiry(
            status=Status.CONTACTED, follow_up_on=today + timedelta(days=3)
        ),
        "mine_closed": make_inquiry(assignee=intake_user, status=Status.NOT_A_FIT),
        "spam": make_inquiry(status=Status.SPAM),
    }


def my_work(client):
    return client.get(queue_url(), {"work": "mine"})


def test_my_work_holds_mine_due_and_new_unassigned_urgent_first(intake_client, known_work):
    response = my_work(intake_client)

    assert response.status_code == 200
    # Urgent first, then oldest first (the queue's order).
    expected = ["mine_urgent", "new_unassigned", "mine", "due_unassigned", "missed_unassigned"]
    by_reference = {inquiry.reference: name for name, inquiry in known_work.items()}
    shown = [by_reference[reference] for reference in references_in(response)]
    assert shown == expected


def test_my_work_rows_show_the_next_action(intake_client, known_work):
    html = my_work(intake_client).content.decode()

    assert 'field-next_action">Follow up today<' in html
    assert 'field-next_action">Follow up (missed)<' in html
    assert 'field-next_action">Claim it and make first contact<' in html
    assert 'field-next_action">Book a consultation<' in html
    assert 'field-next_action">Make first contact<' in html


def test_my_work_is_linked_from_the_admin_index(intake_client):
    html = intake_client.get(reverse("admin:index")).content.decode()

    assert f'href="{queue_url()}?work=mine">My work</a>' in html


def test_admin_header_names_the_clinic_and_intake(intake_client, settings):
    html = intake_client.get(queue_url()).content.decode()

    assert f"{settings.CLINIC_NAME} · Intake" in html
    assert "Django administration" not in html


def test_detail_page_says_who_else_is_looking(intake_client):
    inquiry = make_inquiry()
    sam = make_intake_user("sam")
    sam.first_name = "Sam"
    sam.save()
    sams_browser = Client()
    sams_browser.force_login(sam)
    sams_browser.get(change_url(inquiry))

    html = intake_client.get(change_url(inquiry)).content.decode()

    assert "Sam is looking at this" in html


def test_a_view_more_than_five_minutes_ago_is_not_looking(intake_client):
    inquiry = make_inquiry()
    sam = make_intake_user("sam")
    inquiry.record_event(InquiryEvent.Kind.VIEWED, actor=sam)
    inquiry.events.filter(actor=sam).update(created_at=timezone.now() - timedelta(minutes=6))

    html = intake_client.get(change_url(inquiry)).content.decode()

    assert "looking at this" not in html


def test_my_own_view_is_not_someone_else_looking(intake_client):
    inquiry = make_inquiry()
    intake_client.get(change_url(inquiry))

    html = intake_client.get(change_url(inquiry)).content.decode()

    assert "looking at this" not in html


def test_my_work_query_count_does_not_grow_with_rows(intake_client, intake_user, known_work):
    # Warm the per-session and content-type caches, then count a page of 5 rows.
    my_work(intake_client)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as five_rows:
        my_work(intake_client)
    for _ in range(3):
        make_inquiry(assignee=intake_user)
    with CaptureQueriesContext(connection) as eight_rows:
        my_work(intake_client)

    assert len(eight_rows) == len(five_rows)
