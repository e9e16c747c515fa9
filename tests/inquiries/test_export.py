import csv
import io

import pytest

from inquiries.export import neutralise
from inquiries.models import Inquiry, InquiryEvent
from tests.inquiries.crm_factories import export_url, make_inquiry, make_intake_user, queue_url

Status = Inquiry.Status


@pytest.fixture
def exporter(db):
    return make_intake_user("exporter", can_export=True)


@pytest.fixture
def exporter_client(client, exporter):
    client.force_login(exporter)
    return client


def _rows(response):
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="inquiries-')
    content = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(content)))


def test_export_is_the_filtered_list_and_is_recorded_with_its_row_count(exporter_client, exporter):
    spam_one = make_inquiry(status=Status.SPAM, first_name="Sam")
    spam_two = make_inquiry(status=Status.SPAM, first_name="Sue")
    open_one = make_inquiry()

    response = exporter_client.get(export_url(), {"status": "spam"})

    rows = _rows(response)
    assert [row["Reference"] for row in rows] == [spam_one.reference, spam_two.reference]
    assert rows[0]["First name"] == "Sam"
    assert rows[0]["Status"] == "Spam"
    assert rows[0]["Topic"] == "PTSD"
    for inquiry in (spam_one, spam_two):
        event = inquiry.events.get()
        assert event.kind == InquiryEvent.Kind.EXPORTED
        assert event.actor == exporter
        assert event.data == {"row_count": 2}
        assert "2 rows" in event.message
    assert not open_one.events.exists()


def test_export_honours_the_search(exporter_client):
    wanted = make_inquiry(email="wanted@example.com", status=Status.NO_RESPONSE)
    make_inquiry(email="other@example.com")

    rows = _rows(exporter_client.get(export_url(), {"q": "wanted@example.com"}))

    assert [row["Reference"] for row in rows] == [wanted.reference]


@pytest.mark.parametrize(
    ("stored", "exported"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1+2", "'+1+2"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTab", "'\tTab"),
        ("\rReturn", "'\rReturn"),
        ("Plain", "Plain"),
    ],
)
def test_export_neutralises_spreadsheet_formulas(exporter_client, stored, exported):
    make_inquiry(last_name=stored)

    rows = _rows(exporter_client.get(export_url()))

    assert rows[0]["Last name"] == exported


def test_neutralise_leaves_empty_and_none_alone():
    assert neutralise("") == ""
    assert neutralise(None) == ""


@pytest.mark.parametrize(
    ("stored", "exported"),
    [
        ("+12125550123", "+12125550123"),  # a phone number as the form stores it
        ("+442079460958", "+442079460958"),
        ("+1+2", "'+1+2"),
        ("+12125550123+1", "'+12125550123+1"),
        ("+1212555012A", "'+1212555012A"),
        ("=1+2", "'=1+2"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t+12125550123", "'\t+12125550123"),
    ],
)
def test_export_keeps_phone_numbers_as_they_are_and_neutralises_formulas(
    exporter_client, stored, exported
):
    make_inquiry(phone=stored)

    rows = _rows(exporter_client.get(export_url()))

    assert rows[0]["Phone"] == exported


def test_export_selected_action_exports_only_the_selection(exporter_client):
    chosen, other = make_inquiry(), make_inquiry()

    response = exporter_client.post(
        queue_url(), {"action": "export_selected", "_selected_action": [chosen.pk]}
    )

    assert [row["Reference"] for row in _rows(response)] == [chosen.reference]
    assert chosen.events.get().data == {"row_count": 1}
    assert not other.events.exists()


def test_export_without_permission_is_refused_and_not_recorded(client, db):
    inquiry = make_inquiry()
    client.force_login(make_intake_user())

    by_url = client.get(export_url())
    by_action = client.post(
        queue_url(), {"action": "export_selected", "_selected_action": [inquiry.pk]}
    )

    assert by_url.status_code == 403
    assert by_action["Content-Type"].startswith("text/html")
    assert not inquiry.events.exists()
