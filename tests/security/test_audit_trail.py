"""Every view, change and export of inquiry data by staff lands in the audit trail."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from clinic.net import hash_ip
from inquiries.models import Inquiry, InquiryEvent
from staff.models import AuditEntry
from tests.inquiries.crm_factories import (
    action_url,
    change_url,
    dashboard_url,
    details_url,
    export_url,
    make_editor,
    make_inquiry,
    make_intake_user,
    queue_url,
)
from tests.security.conftest import STAFF_IP

Action = AuditEntry.Action
Status = Inquiry.Status


@pytest.fixture
def started():
    return timezone.now()


def assert_recorded_by(entry, user, started):
    """Who (id and name), when, and the client address only as a salted hash."""
    assert entry.actor_id == user.pk
    assert entry.actor_username == user.get_username()
    assert started <= entry.created_at <= timezone.now()
    assert re.fullmatch(r"[0-9a-f]{64}", entry.ip_hash)
    assert entry.ip_hash == hash_ip(STAFF_IP)
    assert STAFF_IP not in entry.ip_hash


def test_detail_view_is_recorded(intake_client, intake_user, started):
    inquiry = make_inquiry()

    response = intake_client.get(change_url(inquiry), REMOTE_ADDR=STAFF_IP)

    assert response.status_code == 200
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.object_type, entry.object_id) == (
        Action.VIEW,
        "inquiry",
        str(inquiry.pk),
    )
    assert entry.path == change_url(inquiry)
    assert_recorded_by(entry, intake_user, started)
    assert inquiry.events.get().kind == InquiryEvent.Kind.VIEWED  # the timeline too


def test_queue_view_is_recorded_with_its_filter_but_not_the_search_terms(
    intake_client, intake_user, started
):
    make_inquiry()

    response = intake_client.get(
        queue_url(), {"status": "spam", "q": "Lovelace"}, REMOTE_ADDR=STAFF_IP
    )

    assert response.status_code == 200
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.object_type) == (Action.VIEW, "inquiry list")
    assert entry.detail == "status=spam&q=[search]"
    assert entry.path == f"{queue_url()}?status=spam&q=[search]"
    assert_recorded_by(entry, intake_user, started)


def test_default_queue_view_says_it_was_the_open_queue(intake_client):
    intake_client.get(queue_url(), REMOTE_ADDR=STAFF_IP)

    assert AuditEntry.objects.get().detail == "(the open queue)"


def test_dashboard_view_is_recorded(intake_client, intake_user, started):
    make_inquiry()

    response = intake_client.get(dashboard_url(), REMOTE_ADDR=STAFF_IP)

    assert response.status_code == 200
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.object_type) == (Action.VIEW, "inquiry dashboard")
    assert_recorded_by(entry, intake_user, started)


def test_history_view_is_recorded(intake_client, intake_user, started):
    inquiry = make_inquiry()

    response = intake_client.get(
        reverse("admin:inquiries_inquiry_history", args=[inquiry.pk]), REMOTE_ADDR=STAFF_IP
    )

    assert response.status_code == 200
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.object_id, entry.detail) == (
        Action.VIEW,
        str(inquiry.pk),
        "history",
    )


def test_detail_form_save_is_recorded_as_a_change(intake_client, intake_user, started):
    inquiry = make_inquiry(first_name="Ada")
    data = {
        "first_name": "Augusta",
        "last_name": inquiry.last_name,
        "email": inquiry.email,
        "phone": "",
        "contact_method": inquiry.contact_method,
        "best_time": "",
        "topic": inquiry.topic_id,
    }

    response = intake_client.post(details_url(inquiry), data, REMOTE_ADDR=STAFF_IP)

    assert response.status_code == 302
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.object_type, entry.object_id) == (
        Action.CHANGE,
        "inquiry",
        str(inquiry.pk),
    )
    assert "first_name" in entry.detail
    assert_recorded_by(entry, intake_user, started)


@pytest.mark.parametrize(
    ("action", "data", "detail"),
    [
        ("status", {"crm-status-status": "contacted"}, "moved to Contacted"),
        ("assign", {"crm-assign-assignee": ""}, "assigned to nobody"),
        ("priority", {"crm-priority-priority": "1"}, "priority set to Urgent"),
        ("follow_up", {"crm-follow-up-follow_up_on": "2030-01-15"}, "follow up on"),
        ("note", {"crm-note-text": "Prefers mornings"}, "Note added"),
        (
            "attempt",
            {"crm-attempt-method": "phone", "crm-attempt-outcome": "voicemail"},
            "Contact attempt 1 logged",
        ),
    ],
)
def test_each_detail_action_is_recorded_as_a_change(
    intake_client, intake_user, started, action, data, detail
):
    inquiry = make_inquiry(assignee=intake_user)

    response = intake_client.post(action_url(inquiry, action), data, REMOTE_ADDR=STAFF_IP)

    assert response.status_code == 302
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.object_id) == (Action.CHANGE, str(inquiry.pk))
    assert detail in entry.detail
    assert_recorded_by(entry, intake_user, started)


def test_refused_action_records_no_change(intake_client):
    inquiry = make_inquiry(status=Status.SPAM)

    intake_client.post(action_url(inquiry, "status"), {"crm-status-status": "patient"})

    assert not AuditEntry.objects.filter(action=Action.CHANGE).exists()


@pytest.mark.parametrize(
    ("action", "status", "detail"),
    [
        ("claim_selected", Status.NEW, "Claimed"),
        ("mark_contacted", Status.NEW, "New → Contacted"),
        ("mark_spam", Status.NEW, "New → Spam"),
        ("mark_not_spam", Status.SPAM, "Spam → New"),
    ],
)
def test_bulk_action_records_one_change_per_inquiry_changed(
    intake_client, intake_user, started, action, status, detail
):
    changed = [make_inquiry(status=status), make_inquiry(status=status)]
    untouched = make_inquiry(status=Status.BECAME_PATIENT, assignee=intake_user)
    selected = [inquiry.pk for inquiry in [*changed, untouched]]

    response = intake_client.post(
        f"{queue_url()}?status=all",
        {"action": action, "_selected_action": selected},
        REMOTE_ADDR=STAFF_IP,
    )

    assert response.status_code == 302
    entries = AuditEntry.objects.filter(action=Action.CHANGE).order_by("object_id")
    assert [entry.object_id for entry in entries] == [str(inquiry.pk) for inquiry in changed]
    for entry in entries:
        assert detail in entry.detail
        assert_recorded_by(entry, intake_user, started)


def test_export_is_recorded_with_its_row_count_and_filter(intake_client, intake_user, started):
    spam = [make_inquiry(status=Status.SPAM), make_inquiry(status=Status.SPAM)]
    make_inquiry()

    response = intake_client.get(export_url(), {"status": "spam"}, REMOTE_ADDR=STAFF_IP)
    b"".join(response.streaming_content)

    entry = AuditEntry.objects.get()
    assert (entry.action, entry.object_type) == (Action.EXPORT, "inquiry")
    assert entry.detail == "CSV of 2 rows; filter status=spam"
    assert_recorded_by(entry, intake_user, started)
    for inquiry in spam:  # the timeline keeps its EXPORTED event too
        assert inquiry.events.get().kind == InquiryEvent.Kind.EXPORTED


def test_export_of_selected_rows_records_their_ids(intake_client, intake_user, started):
    chosen = [make_inquiry(), make_inquiry()]
    make_inquiry()

    response = intake_client.post(
        queue_url(),
        {"action": "export_selected", "_selected_action": [i.pk for i in chosen]},
        REMOTE_ADDR=STAFF_IP,
    )

    assert response.status_code == 200
    entry = AuditEntry.objects.get()
    assert entry.action == Action.EXPORT
    assert entry.detail == f"CSV of 2 rows; selected ids {chosen[0].pk}, {chosen[1].pk}"
    assert_recorded_by(entry, intake_user, started)


def test_long_id_lists_are_cut_but_keep_the_row_count(intake_client):
    chosen = [make_inquiry() for _ in range(45)]

    intake_client.post(
        queue_url(), {"action": "export_selected", "_selected_action": [i.pk for i in chosen]}
    )

    detail = AuditEntry.objects.get().detail
    assert detail.startswith("CSV of 45 rows; selected ids ")
    assert detail.endswith("… (45 in all)")


@pytest.mark.parametrize(
    "url",
    [queue_url, dashboard_url, export_url, lambda: change_url(make_inquiry())],
    ids=["queue", "dashboard", "export", "detail"],
)
def test_refused_requests_record_no_view(client, db, url):
    client.force_login(make_editor())

    response = client.get(url())

    assert response.status_code == 403
    assert not AuditEntry.objects.exists()


def test_read_only_staff_views_are_recorded_too(client, db):
    viewer = make_intake_user("viewer")
    viewer.groups.clear()
    viewer.user_permissions.add(
        Permission.objects.get(content_type__app_label="inquiries", codename="view_inquiry")
    )
    inquiry = make_inquiry()
    client.force_login(viewer)

    client.get(change_url(inquiry))

    assert AuditEntry.objects.get().actor_username == "viewer"
