"""Storing a submission: the inquiry, its timeline event and its queued emails are
stored together or not at all, once per form, whatever happens around them."""

import psycopg2
import pytest
from django.db import close_old_connections, connection
from django.db.models.signals import pre_save

from inquiries.models import Inquiry, InquiryEvent, Notification, Topic
from inquiries.topics import WITHDRAWN_MESSAGE
from tests.inquiries.factories import form_data, post_form

URL = "/get-in-touch/"


@pytest.fixture(autouse=True)
def intake_addresses(settings):
    settings.INTAKE_NOTIFY_EMAILS = ["intake@clinic.example"]


def on_another_server(sql, params):
    """Run SQL on a connection of its own, committed at once, as another server would."""
    other = psycopg2.connect(**connection.get_connection_params())
    other.autocommit = True
    try:
        other.cursor().execute(sql, params)
    finally:
        other.close()


def shown(response):
    return response.content.decode().replace("&#x27;", "'")


# Outside a test transaction, as in production: the request's own transaction commits.


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_post_stores_everything_once_and_a_resend_adds_nothing(client, mailoutbox):
    data = form_data()

    first = post_form(client, data)
    again = post_form(client, data)

    assert first.status_code == again.status_code == 303
    assert first["Location"] == again["Location"]
    inquiry = Inquiry.objects.get()
    assert inquiry.events.filter(kind=InquiryEvent.Kind.CREATED).count() == 1
    # Committed before the emails went out, within the request.
    assert inquiry.notifications.filter(state=Notification.State.SENT).count() == 2
    assert len(mailoutbox) == 2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_topic_deleted_while_the_form_is_stored_asks_for_another_and_keeps_the_input(client):
    spare = Topic.objects.create(name="Spare topic", order=99)

    def delete_the_topic_elsewhere(sender, instance, **kwargs):
        on_another_server("DELETE FROM inquiries_topic WHERE id = %s", [spare.pk])

    pre_save.connect(delete_the_topic_elsewhere, sender=Inquiry)
    try:
        response = post_form(client, form_data(topic=str(spare.pk), first_name="Grace"))
    finally:
        pre_save.disconnect(delete_the_topic_elsewhere, sender=Inquiry)

    assert response.status_code == 200
    assert WITHDRAWN_MESSAGE in shown(response)
    assert 'value="Grace"' in shown(response)
    assert Inquiry.objects.count() == InquiryEvent.objects.count() == 0
    assert Notification.objects.count() == 0


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_source_page_deleted_while_the_form_is_stored_keeps_the_inquiry(client):
    from tests.pages.factories import make_page

    page = make_page()

    def delete_the_page_elsewhere(sender, instance, **kwargs):
        if instance.source_page_id:  # only the first attempt, which links the page
            # As Django's delete would: the page's revisions go with it.
            on_another_server(
                "DELETE FROM pages_pagerevision WHERE page_id = %s;"
                " DELETE FROM pages_page WHERE id = %s",
                [page.pk, page.pk],
            )

    pre_save.connect(delete_the_page_elsewhere, sender=Inquiry)
    try:
        response = post_form(client, form_data(), f"{URL}?from={page.path}")
    finally:
        pre_save.disconnect(delete_the_page_elsewhere, sender=Inquiry)

    assert response.status_code == 303
    inquiry = Inquiry.objects.get()
    assert inquiry.source_page is None
    assert inquiry.source_path == page.path
    assert inquiry.events.filter(kind=InquiryEvent.Kind.CREATED).count() == 1
    assert inquiry.notifications.count() == 2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_post_on_a_connection_the_server_dropped_is_stored_on_a_new_one(client):
    post_form(client, form_data())
    on_another_server("SELECT pg_terminate_backend(%s)", [connection.connection.info.backend_pid])

    close_old_connections()  # what Django does at the start of each request
    response = post_form(client, form_data(email="grace@example.com"))

    assert response.status_code == 303
    assert Inquiry.objects.get(email="grace@example.com").notifications.count() == 2


def test_a_topic_deactivated_in_the_admin_is_refused_on_the_next_post(client, db):
    ptsd = Topic.objects.get(name="PTSD")
    ptsd.is_active = False
    ptsd.save()

    response = post_form(client, form_data(topic=str(ptsd.pk)))

    assert response.status_code == 200
    assert WITHDRAWN_MESSAGE in shown(response)
    assert not Inquiry.objects.exists()


def test_a_topic_added_elsewhere_is_accepted_at_once(client, db):
    Topic.objects.bulk_create([Topic(name="Added elsewhere")])
    added = Topic.objects.get(name="Added elsewhere")

    response = post_form(client, form_data(topic=str(added.pk), email="grace@example.com"))

    assert response.status_code == 303
    assert Inquiry.objects.get(email="grace@example.com").topic == added
