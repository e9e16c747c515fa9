from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib import admin
from django.contrib.messages import get_messages
from django.utils import timezone

from inquiries.admin.pagination import CappedCountPaginator
from inquiries.admin.queue import InquiryAdmin
from inquiries.business_days import add_business_days, subtract_business_days
from inquiries.models import Inquiry, InquiryEvent
from tests.inquiries.crm_factories import make_inquiry, queue_url, references_in

Status = Inquiry.Status
NEW_YORK = ZoneInfo("America/New_York")


def test_queue_shows_open_inquiries_urgent_first_then_oldest(intake_client):
    now = timezone.now()
    old_normal = make_inquiry(created_at=now - timedelta(days=3))
    new_urgent = make_inquiry(priority=Inquiry.Priority.URGENT, created_at=now)
    older_normal = make_inquiry(created_at=now - timedelta(days=5))
    make_inquiry(status=Status.SPAM)
    make_inquiry(status=Status.BECAME_PATIENT)

    response = intake_client.get(queue_url())

    assert response.status_code == 200
    assert references_in(response) == [
        new_urgent.reference,
        older_normal.reference,
        old_normal.reference,
    ]


@pytest.mark.parametrize(
    ("status_param", "expected_statuses"),
    [
        ("open", {Status.NEW, Status.CONTACTED}),
        ("spam", {Status.SPAM}),
        ("patient", {Status.BECAME_PATIENT}),
        ("all", {Status.NEW, Status.CONTACTED, Status.SPAM, Status.BECAME_PATIENT}),
    ],
)
def test_queue_status_filter(intake_client, status_param, expected_statuses):
    by_status = {
        status: make_inquiry(status=status)
        for status in [Status.NEW, Status.CONTACTED, Status.SPAM, Status.BECAME_PATIENT]
    }

    response = intake_client.get(queue_url(), {"status": status_param})

    expected = {by_status[status].reference for status in expected_statuses}
    assert set(references_in(response)) == expected


@pytest.mark.parametrize(
    "term",
    [
        "Grace.Hopper@Example.COM",
        "grace.hopper\u200b@example.com",  # pasted with an invisible character
        "(212) 555-0100",
        "+1 212 555 0100",
        "grace",
        "HOPPER",
        "grace hop",
    ],
)
def test_queue_search_finds_by_email_phone_and_name(intake_client, term):
    wanted = make_inquiry(
        first_name="Grace",
        last_name="Hopper",
        email="grace.hopper@example.com",
        phone="+12125550100",
    )
    make_inquiry(first_name="Alan", last_name="Turing", email="alan@example.com")

    response = intake_client.get(queue_url(), {"q": term})

    assert references_in(response) == [wanted.reference]


def test_queue_search_by_reference_with_or_without_prefix(intake_client):
    wanted = make_inquiry()
    make_inquiry()

    by_reference = intake_client.get(queue_url(), {"q": wanted.reference})
    by_number = intake_client.get(queue_url(), {"q": str(wanted.pk)})

    assert references_in(by_reference) == [wanted.reference]
    assert references_in(by_number) == [wanted.reference]


def test_queue_email_search_is_exact_not_partial(intake_client):
    make_inquiry(email="grace.hopper@example.com")

    response = intake_client.get(queue_url(), {"q": "hopper@example.com"})

    assert references_in(response) == []


def test_queue_search_looks_beyond_open_inquiries(intake_client):
    closed = make_inquiry(email="callback@example.com", status=Status.NO_RESPONSE)

    response = intake_client.get(queue_url(), {"q": "callback@example.com"})

    assert references_in(response) == [closed.reference]


def test_queue_flags_inquiries_waiting_past_one_business_day(intake_client):
    make_inquiry(first_name="Waiting", created_at=timezone.now() - timedelta(days=6))
    make_inquiry(first_name="Fresh")

    html = intake_client.get(queue_url()).content.decode()

    assert html.count('class="crm-late"') == 1
    assert "waiting more than one business day" in html


@pytest.mark.parametrize(
    ("submitted", "deadline"),
    [
        (datetime(2026, 11, 20, 15, 0), datetime(2026, 11, 23, 15, 0)),  # Fri -> Mon
        (datetime(2026, 11, 21, 10, 0), datetime(2026, 11, 24, 0, 0)),  # Sat -> Tue 00:00
        (datetime(2026, 11, 24, 9, 30), datetime(2026, 11, 25, 9, 30)),  # Tue -> Wed
    ],
)
def test_one_business_day_skips_the_weekend(submitted, deadline):
    submitted = submitted.replace(tzinfo=NEW_YORK)

    # No closures: weekends alone (tests/consultations/test_closures.py adds holidays).
    assert add_business_days(submitted, 1, closed=frozenset()) == deadline.replace(tzinfo=NEW_YORK)


@pytest.mark.parametrize(
    ("now", "cutoff"),
    [
        (datetime(2026, 11, 23, 10, 0), datetime(2026, 11, 20, 10, 0)),  # Mon -> Fri
        (datetime(2026, 11, 22, 15, 0), datetime(2026, 11, 20, 0, 0)),  # Sun -> Fri 00:00
        (datetime(2026, 11, 25, 9, 0), datetime(2026, 11, 24, 9, 0)),  # Wed -> Tue
    ],
)
def test_waiting_cutoff_is_one_business_day_back(now, cutoff):
    assert subtract_business_days(
        now.replace(tzinfo=NEW_YORK), 1, closed=frozenset()
    ) == cutoff.replace(tzinfo=NEW_YORK)


def test_overdue_filter_shows_missed_follow_ups_and_long_waits(intake_client):
    today = timezone.localdate()
    missed = make_inquiry(status=Status.CONTACTED, follow_up_on=today - timedelta(days=1))
    waiting = make_inquiry(created_at=timezone.now() - timedelta(days=6))
    make_inquiry(status=Status.CONTACTED, follow_up_on=today + timedelta(days=1))
    make_inquiry()

    response = intake_client.get(queue_url(), {"overdue": "yes"})

    assert set(references_in(response)) == {missed.reference, waiting.reference}


def test_assignee_filter_mine_and_unassigned(intake_client, intake_user):
    mine = make_inquiry(assignee=intake_user)
    unassigned = make_inquiry()

    assert references_in(intake_client.get(queue_url(), {"assigned": "me"})) == [mine.reference]
    assert references_in(intake_client.get(queue_url(), {"assigned": "none"})) == [
        unassigned.reference
    ]


def test_queue_escapes_the_message(intake_client):
    make_inquiry(message="<script>alert('x')</script>")

    html = intake_client.get(queue_url()).content.decode()

    assert "&lt;script&gt;" in html
    assert "<script>alert" not in html


@pytest.mark.parametrize("rows", [1, 20])
def test_queue_query_count_does_not_grow_with_rows(
    intake_client, intake_user, django_assert_num_queries, rows
):
    for number in range(rows):
        make_inquiry(assignee=intake_user if number % 2 else None)
    intake_client.get(queue_url())  # the session and permission caches warm up

    # 12 = the page's queries plus one INSERT for the staff audit trail entry.
    # 13 since issue 29: the whole-clinic closures, read once for "waiting too long".
    with django_assert_num_queries(13):
        response = intake_client.get(queue_url())

    assert len(references_in(response)) == rows


def test_paginator_estimates_past_its_cap(db, monkeypatch):
    monkeypatch.setattr(CappedCountPaginator, "COUNT_CAP", 3)
    for _ in range(5):
        make_inquiry()

    paginator = CappedCountPaginator(Inquiry.objects.order_by("pk"), 2)

    assert paginator.count >= 4
    assert paginator.estimated
    assert CappedCountPaginator(Inquiry.objects.filter(pk__lt=0), 2).count == 0


def _run_action(client, action, inquiries, status="all"):
    return client.post(
        f"{queue_url()}?status={status}",
        {"action": action, "_selected_action": [inquiry.pk for inquiry in inquiries]},
        follow=True,
    )


def _messages(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_bulk_mark_contacted_moves_allowed_rows_and_skips_the_rest(intake_client, intake_user):
    first, second = make_inquiry(), make_inquiry()
    spam = make_inquiry(status=Status.SPAM)

    response = _run_action(intake_client, "mark_contacted", [first, second, spam])

    assert _messages(response) == [
        f"2 inquiries marked contacted; 1 skipped: {spam.reference} can't move from Spam "
        "to Contacted"
    ]
    for inquiry in (first, second):
        inquiry.refresh_from_db()
        assert inquiry.status == Status.CONTACTED
        assert inquiry.first_contacted_at is not None
        event = inquiry.events.get(kind=InquiryEvent.Kind.STATUS_CHANGED)
        assert event.actor == intake_user
    spam.refresh_from_db()
    assert spam.status == Status.SPAM
    assert not spam.events.exists()


def test_bulk_mark_spam_and_not_spam(intake_client):
    inquiry = make_inquiry()

    _run_action(intake_client, "mark_spam", [inquiry])
    inquiry.refresh_from_db()
    assert inquiry.status == Status.SPAM
    response = _run_action(intake_client, "mark_not_spam", [inquiry])

    inquiry.refresh_from_db()
    assert inquiry.status == Status.NEW
    assert _messages(response) == ["1 inquiry moved back to New"]
    assert [e.data["to"] for e in inquiry.events.all()] == ["spam", "new"]


def test_bulk_claim_records_assignment_events(intake_client, intake_user):
    inquiries = [make_inquiry(), make_inquiry()]

    response = _run_action(intake_client, "claim_selected", inquiries)

    assert _messages(response) == ["2 inquiries claimed"]
    for inquiry in inquiries:
        inquiry.refresh_from_db()
        assert inquiry.assignee == intake_user
        assert inquiry.events.get().kind == InquiryEvent.Kind.ASSIGNED


def test_queue_offers_no_bulk_delete(intake_client):
    make_inquiry()

    html = intake_client.get(queue_url()).content.decode()

    assert "delete_selected" not in html
    assert 'value="mark_contacted"' in html


def test_row_checkboxes_are_exactly_the_admin_actions_markup(intake_client):
    # The queue writes each row's checkbox itself (for speed); the admin's actions and
    # its JavaScript expect Django's markup, escaping included.
    inquiry = make_inquiry(first_name='Ann & "Jo"', last_name="O'Brien <b>")
    queue_admin = InquiryAdmin(Inquiry, admin.site)

    ours = queue_admin.action_checkbox(inquiry)

    assert ours == admin.ModelAdmin.action_checkbox(queue_admin, inquiry)
    assert ours in intake_client.get(queue_url()).content.decode()
