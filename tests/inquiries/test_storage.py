"""Storing a submission in one statement (inquiries/storage.py) and checking its topic
against the per-process copy (inquiries/topics.py)."""

from datetime import UTC, datetime, timedelta

import psycopg2
import pytest
from django.db import IntegrityError, close_old_connections, connection
from django.db.models.functions import Now
from django.utils import timezone

from inquiries import storage
from inquiries.consent import CONSENT_TEXT, CONSENT_VERSION
from inquiries.models import Inquiry, InquiryEvent, Notification, Topic
from inquiries.storage import insert_with_dependents
from inquiries.topics import WITHDRAWN_MESSAGE
from tests.inquiries.factories import form_data

URL = "/get-in-touch/"
SUBMITTED = datetime(2026, 11, 27, 10, tzinfo=UTC)


@pytest.fixture(autouse=True)
def intake_addresses(settings):
    settings.INTAKE_NOTIFY_EMAILS = ["intake@clinic.example"]


def delete_on_another_server(topic):
    # Raw SQL: no signal tells this process, whose copy of the topics still has it.
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM inquiries_topic WHERE id = %s", [topic.pk])


def unsaved_inquiry():
    return Inquiry(
        first_name="Ada",
        last_name="Lovelace",
        email="ada@example.com",
        topic=Topic.objects.get(name="PTSD"),
        consent_text=CONSENT_TEXT,
        consent_version=CONSENT_VERSION,
        consent_given_at=SUBMITTED,
        created_at=SUBMITTED,
    )


def test_inquiry_and_its_rows_are_stored_together_with_their_ids(db):
    inquiry = unsaved_inquiry()
    event = InquiryEvent(kind=InquiryEvent.Kind.CREATED, data={"via": "test"})
    emails = [Notification(kind=kind) for kind in Notification.Kind.values]

    insert_with_dependents(inquiry, [event, *emails], parent_field="inquiry")

    stored = Inquiry.objects.get()
    assert stored.pk == inquiry.pk
    assert stored.events.get().pk == event.pk
    assert stored.events.get().data == {"via": "test"}
    # Each object got its own row's id: sending marks the right email as sent.
    assert dict(stored.notifications.values_list("pk", "kind")) == {
        email.pk: email.kind for email in emails
    }
    assert event.inquiry is inquiry and not inquiry._state.adding


def test_a_refused_row_stores_nothing_at_all(db):
    inquiry = unsaved_inquiry()
    twice = [Notification(kind=Notification.Kind.INTAKE) for _ in range(2)]  # one per kind

    with pytest.raises(IntegrityError):
        insert_with_dependents(
            inquiry, [InquiryEvent(kind="created"), *twice], parent_field="inquiry"
        )

    assert Inquiry.objects.count() == 0
    assert InquiryEvent.objects.count() == 0
    assert Notification.objects.count() == 0


# Outside a test transaction, as in production: the statement commits by itself.


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_post_in_autocommit_stores_everything_once_and_a_resend_adds_nothing(client, mailoutbox):
    data = form_data()

    first = client.post(URL, data)
    again = client.post(URL, data)

    assert first.status_code == again.status_code == 303
    assert first["Location"] == again["Location"]
    inquiry = Inquiry.objects.get()
    assert inquiry.events.filter(kind=InquiryEvent.Kind.CREATED).count() == 1
    # Committed by the statement itself, so both emails went out within the request.
    assert inquiry.notifications.filter(state=Notification.State.SENT).count() == 2
    assert len(mailoutbox) == 2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_topic_deleted_by_another_server_asks_for_another_topic_and_keeps_the_input(client):
    spare = Topic.objects.create(name="Spare topic", order=99)
    client.post(URL, form_data())  # this process now has its copy, spare included
    delete_on_another_server(spare)

    response = client.post(URL, form_data(topic=str(spare.pk), first_name="Grace"))

    assert response.status_code == 200
    assert WITHDRAWN_MESSAGE.replace("'", "&#x27;") in response.content.decode()
    assert 'value="Grace"' in response.content.decode()
    assert Inquiry.objects.count() == 1  # only the first, which loaded the copy


def test_topic_added_by_another_server_is_accepted_at_once(client, db):
    client.post(URL, form_data())  # loads this process's copy of the topics
    Topic.objects.bulk_create([Topic(name="Added elsewhere")])  # bulk_create sends no signal
    added = Topic.objects.get(name="Added elsewhere")

    response = client.post(URL, form_data(topic=str(added.pk), email="grace@example.com"))

    assert response.status_code == 303
    assert Inquiry.objects.get(email="grace@example.com").topic == added


def test_topic_deactivated_in_the_admin_is_refused_on_the_next_post(client, db):
    client.post(URL, form_data())
    ptsd = Topic.objects.get(name="PTSD")
    ptsd.is_active = False
    ptsd.save()

    response = client.post(URL, form_data(topic=str(ptsd.pk)))

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_rows_of_another_shape_or_with_sql_values_are_stored_as_given(db):
    first = unsaved_inquiry()
    insert_with_dependents(first, [Notification(kind="intake")], parent_field="inquiry")
    second = unsaved_inquiry()
    second.created_at = Now()  # written into the SQL, so not the cached statement
    emails = [Notification(kind=kind) for kind in Notification.Kind.values]

    insert_with_dependents(second, emails, parent_field="inquiry")

    assert first.notifications.count() == 1
    assert second.notifications.count() == 2
    second.refresh_from_db()
    assert abs(second.created_at - timezone.now()) < timedelta(minutes=1)


def test_rows_django_compiles_into_fewer_parameters_are_sent_as_compiled(db):
    # Several plain rows compile to PostgreSQL's UNNEST form: one array per column, not
    # one parameter per value. The values can't be matched to placeholders, so the
    # statement goes as Django wrote it and is never kept for reuse.
    inquiry = unsaved_inquiry()
    inquiry.save()
    emails = [Notification(inquiry=inquiry, kind=kind) for kind in Notification.Kind.values]

    sql, params, reusable = storage._insert_sql(emails, connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)

    assert "UNNEST" in sql
    assert not reusable
    plain_pairs = [
        shape
        for shape in storage._compiled_sql
        if shape[:2] == (Notification, 2) and not any(shape[3])  # no parent subquery
    ]
    assert plain_pairs == []
    assert sorted(inquiry.notifications.values_list("kind", flat=True)) == sorted(
        Notification.Kind.values
    )


def test_objects_hold_exactly_what_was_stored_even_on_a_first_insert(db):
    storage._compiled_sql.clear()  # the first POST of a process compiles the statement
    inquiry = unsaved_inquiry()
    event = InquiryEvent(kind=InquiryEvent.Kind.CREATED)

    insert_with_dependents(inquiry, [event], parent_field="inquiry")

    stored = Inquiry.objects.get(pk=inquiry.pk)
    assert stored.updated_at == inquiry.updated_at  # auto_now, set once
    assert stored.created_at == inquiry.created_at
    assert InquiryEvent.objects.get(pk=event.pk).created_at == event.created_at


def test_topic_deleted_elsewhere_is_refused_inside_a_transaction_too(client, db):
    spare = Topic.objects.create(name="Spare topic", order=99)
    client.post(URL, form_data())  # loads this process's copy, spare included
    delete_on_another_server(spare)

    refused = client.post(URL, form_data(topic=str(spare.pk), email="grace@example.com"))
    accepted = client.post(URL, form_data(email="grace@example.com"))  # the transaction lives

    assert refused.status_code == 200
    assert WITHDRAWN_MESSAGE.replace("'", "&#x27;") in refused.content.decode()
    assert accepted.status_code == 303
    assert Inquiry.objects.filter(email="grace@example.com").count() == 1


def test_over_the_rate_limit_with_a_withdrawn_topic_is_still_answered_429(client, db, settings):
    settings.INQUIRY_RATE_LIMIT = 1
    spare = Topic.objects.create(name="Spare topic", order=99)
    client.post(URL, form_data())
    delete_on_another_server(spare)

    response = client.post(URL, form_data(topic=str(spare.pk), email="grace@example.com"))

    assert response.status_code == 429
    assert 'value="grace@example.com"' in response.content.decode()


# The statement is prepared once per database session (see storage._execute_prepared).


def forget_prepared_statements_on_the_server():
    # What a pooler such as PgBouncer (transaction mode) does between statements.
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")


@pytest.fixture
def restored_preparing(monkeypatch):
    # Losing a statement switches preparing off for the process: restore it afterwards.
    monkeypatch.setattr(storage, "sessions_keep_prepared_statements", True)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_post_is_stored_when_the_session_lost_its_prepared_statement(
    client, restored_preparing, caplog
):
    client.post(URL, form_data())  # prepares the statement on this connection
    forget_prepared_statements_on_the_server()

    lost = client.post(URL, form_data(email="grace@example.com"))
    next_one = client.post(URL, form_data(email="alan@example.com"))

    assert lost.status_code == next_one.status_code == 303
    assert Inquiry.objects.filter(email__in=["grace@example.com", "alan@example.com"]).count() == 2
    assert Notification.objects.count() == 6
    # Sent whole from then on: no round trip wasted on a statement the pooler drops.
    assert not storage.sessions_keep_prepared_statements
    assert "lose prepared statements" in caplog.text


def test_statement_lost_inside_a_transaction_still_stores_and_keeps_the_transaction(
    client, db, restored_preparing
):
    client.post(URL, form_data())
    forget_prepared_statements_on_the_server()

    response = client.post(URL, form_data(email="grace@example.com"))

    assert response.status_code == 303
    assert Inquiry.objects.count() == 2  # the test's transaction went on after the retry


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_post_is_stored_when_the_session_already_holds_the_statement(client, restored_preparing):
    # As when a pooler hands this process a session another process prepared it in.
    client.post(URL, form_data())
    storage._prepared_on(connection).clear()  # this process no longer knows it is there

    response = client.post(URL, form_data(email="grace@example.com"))

    assert response.status_code == 303
    assert Inquiry.objects.filter(email="grace@example.com").exists()
    assert not storage.sessions_keep_prepared_statements


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_new_database_connection_prepares_the_statement_again(client):
    client.post(URL, form_data())
    connection.close()  # as after CONN_MAX_AGE, or a failed health check

    response = client.post(URL, form_data(email="grace@example.com"))

    assert response.status_code == 303
    assert Inquiry.objects.filter(email="grace@example.com").exists()


def test_prepared_statement_keeps_percent_signs_and_numbers_the_placeholders():
    assert storage._numbered("SELECT %s, '100%%', %s") == "SELECT $1, '100%', $2"


# A reused connection's health check: the insert itself (see storage._store).


def start_of_a_request():
    # What Django runs as each real request starts (the test client leaves it out):
    # it closes worn-out connections and asks for a fresh health check.
    close_old_connections()


def end_this_session_on_the_server():
    # As a PostgreSQL restart or an idle timeout does: the connection is dead, and this
    # process only learns so when it next sends something.
    pid = connection.connection.info.backend_pid
    with psycopg2.connect(**connection.get_connection_params()) as other, other.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_post_on_a_connection_the_server_dropped_is_stored_on_a_new_one(client):
    client.post(URL, form_data())
    data = form_data(email="grace@example.com")
    end_this_session_on_the_server()

    start_of_a_request()
    response = client.post(URL, data)

    assert response.status_code == 303
    inquiry = Inquiry.objects.get(email="grace@example.com")
    assert inquiry.notifications.count() == 2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_post_on_a_reused_connection_sends_no_separate_health_check(client, monkeypatch):
    client.post(URL, form_data())
    checks = []
    data = form_data(email="grace@example.com")
    monkeypatch.setattr(connection, "is_usable", lambda: checks.append(1) or True)

    start_of_a_request()
    response = client.post(URL, data)

    assert response.status_code == 303
    assert checks == []  # the insert was the check
    start_of_a_request()
    client.get("/healthz")  # another request's first query is checked as usual
    assert checks == [1]


def described(value):
    return type(value), getattr(value, "adapted", value)  # Jsonb: what it wraps


def test_parameters_are_what_djangos_own_conversion_gives(client, db):
    # storage._params skips Django's conversion where it would change nothing; every
    # parameter must still be exactly what Django would send.
    client.post(URL, form_data())
    inquiry = Inquiry.objects.get()
    for row in [inquiry, *inquiry.events.all(), *inquiry.notifications.all()]:
        fields = [f for f in row._meta.local_concrete_fields if f is not row._meta.auto_field]
        values = [field.pre_save(row, add=False) for field in fields]

        sent = storage._params(values, fields, connection)

        expected = [f.get_db_prep_save(v, connection) for v, f in zip(values, fields, strict=True)]
        assert list(map(described, sent)) == list(map(described, expected)), row


@pytest.mark.parametrize(
    ("field_name", "value"),
    [
        ("first_name", "Ada"),
        ("message", ""),
        ("phone", None),
        ("status", Inquiry.Status.NEW),
        ("first_name", 7),  # not text: Django makes it "7"
        ("created_at", SUBMITTED),
        ("created_at", SUBMITTED.astimezone(timezone.get_fixed_timezone(-300))),
        ("closed_at", None),
    ],
)
def test_each_kind_of_value_is_sent_as_django_would_send_it(field_name, value):
    field = Inquiry._meta.get_field(field_name)

    (sent,) = storage._params([value], [field], connection)

    assert described(sent) == described(field.get_db_prep_save(value, connection))


def test_a_naive_datetime_still_goes_through_djangos_conversion():
    field = Inquiry._meta.get_field("created_at")

    with pytest.warns(RuntimeWarning, match="naive datetime"):
        (sent,) = storage._params([datetime(2026, 11, 27, 10)], [field], connection)  # noqa: DTZ001

    assert sent.utcoffset() is not None
