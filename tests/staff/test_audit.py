from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import ProgrammingError, connection, transaction
from django.test import RequestFactory

from staff.audit import record_access, scrub_query_string
from staff.models import AuditEntry


@pytest.fixture
def entry(db):
    user = get_user_model().objects.create_user("intake", is_staff=True)
    request = RequestFactory().get("/admin/inquiries/inquiry/7/change/", REMOTE_ADDR="203.0.113.9")
    request.user = user
    return record_access(request, AuditEntry.Action.VIEW, object_type="inquiry", object_id=7)


def test_an_entry_records_who_what_when_and_a_hashed_address(entry):
    assert entry.actor_username == "intake"
    assert entry.action == "view" and entry.object_id == "7"
    assert len(entry.ip_hash) == 64 and "203.0.113.9" not in entry.ip_hash


def test_postgresql_refuses_update_of_an_entry(entry):
    with pytest.raises(ProgrammingError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(detail="rewritten")

    entry.refresh_from_db()
    assert entry.detail == ""


def test_postgresql_refuses_delete_of_an_entry(entry):
    with pytest.raises(ProgrammingError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()

    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_admin_offers_no_change_or_delete(entry, admin_client):
    model_admin = admin.site._registry[AuditEntry]
    request = RequestFactory().get("/")
    request.user = get_user_model().objects.get(username="admin")

    assert not model_admin.has_change_permission(request, entry)
    assert not model_admin.has_delete_permission(request, entry)
    assert admin_client.get(f"/admin/staff/auditentry/{entry.pk}/delete/").status_code == 403


@pytest.mark.parametrize(
    ("query_string", "stored"),
    [
        ("q=ada%40example.com", "q=[search]"),
        ("status=spam&q=Lovelace&o=2.-1&p=3", "status=spam&q=[search]&o=2.-1&p=3"),
        ("q=", "q="),
        ("email__icontains=ada&first_name=Ada", "email__icontains=[value]&first_name=[value]"),
        ("phone__gte=%2B15550100100", "phone__gte=[value]"),
        ("status=Ada+Lovelace", "status=[value]"),
        (
            "topic__id__exact=3&source_page__isnull=True&created_at__year=2026",
            "topic__id__exact=3&source_page__isnull=True&created_at__year=2026",
        ),
        (
            "created_at__gte=2026-05-01+00%3A00%3A00%2B00%3A00",
            "created_at__gte=2026-05-01+00%3A00%3A00%2B00%3A00",
        ),
        (
            "_changelist_filters=status%3Dall%26q%3DAda",
            "_changelist_filters=status%3Dall%26q%3D[search]",
        ),
        ("ada%40example.com=1", "[parameter]=[value]"),
    ],
)
def test_query_strings_are_stored_without_search_terms_or_typed_values(query_string, stored):
    assert scrub_query_string(query_string) == stored


def test_an_entry_stores_the_path_and_detail_without_the_search(db):
    user = get_user_model().objects.create_user("intake", is_staff=True)
    request = RequestFactory().get("/admin/inquiries/inquiry/", {"status": "all", "q": "Ada"})
    request.user = user

    entry = record_access(
        request,
        AuditEntry.Action.EXPORT,
        object_type="inquiry",
        detail="CSV of 1 row; filter status=all&q=Ada",
    )

    assert entry.path == "/admin/inquiries/inquiry/?status=all&q=[search]"
    assert entry.detail == "CSV of 1 row; filter status=all&q=[search]"
    assert (entry.actor_username, entry.action) == ("intake", "export")


def test_entries_stored_before_the_scrubbing_lose_their_search_terms_once(db):
    migration = import_module("staff.migrations.0003_scrub_search_terms_from_audit_trail")
    queue = AuditEntry.objects.create(
        actor_username="intake",
        action=AuditEntry.Action.VIEW,
        object_type="inquiry list",
        detail="status=all&q=grace%40example.com",
        path="/admin/inquiries/inquiry/?status=all&q=grace%40example.com",
    )
    export = AuditEntry.objects.create(
        actor_username="intake",
        action=AuditEntry.Action.EXPORT,
        object_type="inquiry",
        detail="CSV of 1 row; filter q=Hopper",
        path="/admin/inquiries/inquiry/export/?q=Hopper",
    )
    plain = AuditEntry.objects.create(
        actor_username="intake",
        action=AuditEntry.Action.VIEW,
        object_type="inquiry",
        object_id="7",
        detail="history",
        path="/admin/inquiries/inquiry/7/history/",
    )

    with connection.schema_editor() as schema_editor:
        migration.scrub_entries(django_apps, schema_editor)

    stored = {e.pk: (e.path, e.detail) for e in AuditEntry.objects.all()}
    assert stored == {
        queue.pk: ("/admin/inquiries/inquiry/?status=all&q=[search]", "status=all&q=[search]"),
        export.pk: (
            "/admin/inquiries/inquiry/export/?q=[search]",
            "CSV of 1 row; filter q=[search]",
        ),
        plain.pk: ("/admin/inquiries/inquiry/7/history/", "history"),
    }
    with pytest.raises(ProgrammingError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=plain.pk).update(detail="rewritten")
