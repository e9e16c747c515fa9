"""Hostile input to the intake CRM (the admin): escaped payloads, SQL-like searches,
control characters, oversized posts, CSRF, ?next= and staff without permission."""

from urllib.parse import urlencode, urlsplit

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from inquiries.models import Inquiry, InquiryEvent, Topic
from staff.models import AuditEntry
from tests.inquiries.crm_factories import (
    PASSWORD,
    action_url,
    change_url,
    dashboard_url,
    details_url,
    export_url,
    make_inquiry,
    make_intake_user,
    make_staff,
    queue_url,
)
from tests.security.conftest import PERSONAS

SCRIPT = '<script>alert("xss-canary")</script>'
ESCAPED_SCRIPT = "&lt;script&gt;alert("


def history_url(inquiry):
    return reverse("admin:inquiries_inquiry_history", args=[inquiry.pk])


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def assert_not_a_server_error(response):
    assert response.status_code in (200, 302, 400, 404), response.status_code
    if response.status_code == 302:
        assert urlsplit(response["Location"]).netloc in ("", "testserver")


@pytest.fixture
def hostile_inquiry(db):
    """An inquiry whose every free-text column holds a script, as if typed by an attacker."""
    topic = Topic.objects.create(name=SCRIPT[:60])
    return make_inquiry(
        first_name=SCRIPT,
        last_name=SCRIPT,
        best_time=SCRIPT[:100],
        message=SCRIPT,
        topic=topic,
        referrer=SCRIPT,
        utm_source=SCRIPT,
        utm_campaign=SCRIPT,
    )


def dashboard_with_figures(inquiry):
    from inquiries.dashboard_snapshot import take_snapshot

    take_snapshot()  # what the worker does every minute
    return dashboard_url()


@pytest.mark.parametrize(
    "url",
    [
        lambda inquiry: f"{queue_url()}?status=all",
        lambda inquiry: f"{queue_url()}?{urlencode({'q': 'alert'})}",
        change_url,
        history_url,
        dashboard_with_figures,
    ],
    ids=["queue", "search", "detail", "history", "dashboard"],
)
def test_scripts_in_stored_inquiries_are_shown_escaped(intake_client, stored, hostile_inquiry, url):
    response = intake_client.get(url(hostile_inquiry))

    html = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert(" not in html
    assert ESCAPED_SCRIPT in html
    assert stored.unchanged()


@pytest.mark.parametrize("param", ["q", "status", "assigned", "o"])
def test_script_in_a_queue_parameter_is_echoed_escaped(intake_client, stored, param):
    response = intake_client.get(queue_url(), {param: SCRIPT})

    assert_not_a_server_error(response)
    assert "<script>alert(" not in response.content.decode()
    assert stored.unchanged()


def test_script_in_a_note_is_shown_escaped_on_the_timeline(intake_client, stored):
    intake_client.post(action_url(stored.inquiry, "note"), {"crm-note-text": SCRIPT})

    html = intake_client.get(change_url(stored.inquiry)).content.decode()

    assert "<script>alert(" not in html
    assert ESCAPED_SCRIPT in html


def test_script_as_a_status_choice_is_refused_and_echoed_escaped(intake_client, stored):
    response = intake_client.post(
        action_url(stored.inquiry, "status"), {"crm-status-status": SCRIPT}, follow=True
    )

    assert messages_of(response)[0].startswith("Nothing changed.")
    assert "<script>alert(" not in response.content.decode()
    assert stored.unchanged()


@pytest.mark.parametrize(
    "term",
    [
        "'; DROP TABLE inquiries_inquiry; --",
        "1 OR 1=1",
        "' OR ''='",
        "x@example.com' OR '1'='1",
        "INQ-1 OR 1=1",
        "Grace' --",
        "%",
        "_",
    ],
)
@pytest.mark.parametrize("view", ["queue", "export"])
def test_sql_like_search_answers_200_and_matches_nothing(intake_client, stored, term, view):
    url = queue_url() if view == "queue" else export_url()

    response = intake_client.get(url, {"q": term})

    assert response.status_code == 200
    content = b"".join(response.streaming_content) if view == "export" else response.content
    assert stored.inquiry.reference.encode() not in content
    assert Inquiry.objects.count() == 1
    assert stored.unchanged()


@pytest.mark.parametrize(
    "query",
    [
        "topic__id__exact=1 OR 1=1",
        "status=' OR 1=1 --",
        "created_at__gte='; DROP TABLE inquiries_inquiry; --",
        "o=1;DROP TABLE inquiries_inquiry",
        "p=1 OR 1=1",
        "priority__exact=1)) OR ((1=1",
        "first_name__startswith=G",  # a lookup the queue does not offer
    ],
)
def test_sql_like_filters_never_break_the_queue(intake_client, stored, query):
    response = intake_client.get(f"{queue_url()}?{query}")

    assert_not_a_server_error(response)
    assert Inquiry.objects.count() == 1
    assert stored.unchanged()


@pytest.mark.parametrize(
    "query",
    ["q=%00", "q=Grace%00", "q=Gr%00ace%20Hopper", "q=%00@example.com", "q=INQ-%001", "q=%1b%07"],
)
@pytest.mark.parametrize("view", ["queue", "export"])
def test_control_characters_in_a_search_answer_200(intake_client, stored, query, view):
    url = queue_url() if view == "queue" else export_url()

    response = intake_client.get(f"{url}?{query}")

    assert response.status_code == 200
    assert stored.unchanged()


def test_search_with_a_nul_says_why_it_was_ignored(intake_client, stored):
    response = intake_client.get(f"{queue_url()}?q=Gr%00ace")

    assert response.status_code == 200
    assert "Null characters are not allowed." in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "status=%00",
        "assigned=%00",
        "topic__id__exact=%00",
        "source_page__id__exact=%00",
        "created_at__gte=%00",
        "priority__exact=%00",
        "overdue=%00",
        "p=%00",
        "o=%00",
    ],
)
def test_control_characters_in_filters_never_break_the_queue(intake_client, stored, query):
    response = intake_client.get(f"{queue_url()}?{query}")

    assert_not_a_server_error(response)
    assert stored.unchanged()


@pytest.mark.parametrize(
    ("action", "data"),
    [
        ("note", {"crm-note-text": "a\x00b"}),
        (
            "attempt",
            {
                "crm-attempt-method": "phone",
                "crm-attempt-outcome": "voicemail",
                "crm-attempt-note": "\x00",
            },
        ),
        ("priority", {"crm-priority-priority": "1", "crm-priority-reason": "\x00"}),
        ("follow_up", {"crm-follow-up-follow_up_on": "2030-01-01\x00"}),
        ("assign", {"crm-assign-assignee": "1\x00"}),
        ("status", {"crm-status-status": "contacted\x00"}),
    ],
)
def test_control_characters_in_an_action_change_nothing(intake_client, stored, action, data):
    response = intake_client.post(action_url(stored.inquiry, action), data, follow=True)

    assert response.status_code == 200
    assert messages_of(response)[0].startswith("Nothing changed.")
    assert not stored.inquiry.events.exclude(kind=InquiryEvent.Kind.VIEWED).exists()
    assert stored.unchanged()


def test_control_characters_in_the_details_form_are_refused(intake_client, stored):
    inquiry = stored.inquiry
    data = {
        "first_name": "Gr\x00ace",
        "last_name": inquiry.last_name,
        "email": inquiry.email,
        "phone": inquiry.phone,
        "contact_method": inquiry.contact_method,
        "best_time": "",
        "topic": inquiry.topic_id,
    }

    response = intake_client.post(details_url(inquiry), data)

    assert response.status_code == 200
    # The public form's message: the admin shares its field classes (issue 25 item 13).
    assert "This contains characters we can&#x27;t accept" in response.content.decode()
    assert stored.unchanged()


@pytest.mark.parametrize("object_id", ["%00", "1%20OR%201=1", "..%2F..%2Fetc%2Fpasswd", "-1"])
def test_hostile_object_ids_are_not_found(intake_client, stored, object_id):
    base = queue_url()

    detail = intake_client.get(f"{base}{object_id}/change/")
    note = intake_client.post(f"{base}{object_id}/note/", {"crm-note-text": "hi"})

    assert detail.status_code in (302, 404)
    assert_not_a_server_error(detail)
    assert note.status_code == 404
    assert not InquiryEvent.objects.filter(kind=InquiryEvent.Kind.NOTE).exists()
    assert stored.unchanged()


def test_one_megabyte_note_is_refused_with_400(intake_client, stored):
    response = intake_client.post(
        action_url(stored.inquiry, "note"), {"crm-note-text": "x" * 1024 * 1024}
    )

    assert response.status_code == 400
    assert not stored.inquiry.events.exists()
    assert stored.unchanged()


def test_bulk_action_on_thousands_of_rows_is_refused_with_400(intake_client, stored):
    selected = [stored.inquiry.pk, *range(100_000, 105_000)]

    response = intake_client.post(
        queue_url(), {"action": "mark_spam", "_selected_action": selected}
    )

    assert response.status_code == 400
    assert stored.unchanged()


@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_action_endpoints_accept_only_post(intake_client, stored, method):
    response = getattr(intake_client, method)(action_url(stored.inquiry, "status"))

    assert response.status_code == 405
    assert stored.unchanged()


@pytest.mark.parametrize("token", [None, "forged-token-value"])
@pytest.mark.parametrize(
    ("action", "data"),
    [("note", {"crm-note-text": "hi"}), ("status", {"crm-status-status": "contacted"})],
)
def test_admin_post_without_a_valid_csrf_token_is_refused_with_403(
    stored, intake_user, action, data, token
):
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.force_login(intake_user)
    client.get(change_url(stored.inquiry))  # a CSRF cookie of its own
    if token:
        data = {**data, "csrfmiddlewaretoken": token}

    response = client.post(action_url(stored.inquiry, action), data)

    assert response.status_code == 403
    assert not stored.inquiry.events.exclude(kind=InquiryEvent.Kind.VIEWED).exists()
    assert stored.unchanged()


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "https:evil.example",
        "javascript:alert(1)",
        "\x00//evil.example/",
    ],
)
def test_sign_in_never_redirects_off_site(client, stored, next_url):
    make_staff("intake", group="Intake staff")
    login = f"{reverse('admin:login')}?{urlencode({'next': next_url})}"

    page = client.get(login)
    response = client.post(login, {"username": "intake", "password": PASSWORD, "next": next_url})

    assert page.status_code == 200
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert (location.scheme, location.netloc) == ("", "")
    assert location.path.startswith("/") and not location.path.startswith(("//", "/\\"))
    assert client.session["_auth_user_id"]
    assert stored.unchanged()


def test_sign_in_with_a_foreign_next_lands_on_the_admin_index(client, db):
    make_staff("intake", group="Intake staff")

    response = client.post(
        f"{reverse('admin:login')}?next=https://evil.example/",
        {"username": "intake", "password": PASSWORD, "next": "https://evil.example/"},
    )

    assert response["Location"] == reverse("admin:index")


def test_sign_out_never_redirects_off_site(intake_client, stored):
    response = intake_client.post(f"{reverse('admin:logout')}?next=https://evil.example/")

    assert response.status_code in (200, 302)
    if response.status_code == 302:
        assert urlsplit(response["Location"]).netloc in ("", "testserver")


def _details_post(inquiry):
    return {
        "first_name": "Changed",
        "last_name": inquiry.last_name,
        "email": inquiry.email,
        "phone": inquiry.phone,
        "contact_method": inquiry.contact_method,
        "best_time": "",
        "topic": inquiry.topic_id,
    }


# name -> (method, url for the stored inquiry, data)
ENDPOINTS = {
    "queue": ("get", lambda inquiry: queue_url(), None),
    "detail": ("get", change_url, None),
    "history": ("get", history_url, None),
    "export": ("get", lambda inquiry: export_url(), None),
    "dashboard": ("get", lambda inquiry: dashboard_url(), None),
    "note": ("post", lambda inquiry: action_url(inquiry, "note"), {"crm-note-text": "hi"}),
    "status": (
        "post",
        lambda inquiry: action_url(inquiry, "status"),
        {"crm-status-status": "contacted"},
    ),
    "assign": ("post", lambda inquiry: action_url(inquiry, "assign"), {"crm-assign-assignee": ""}),
    "details form": ("post", details_url, _details_post),
    "bulk mark spam": (
        "post",
        lambda inquiry: queue_url(),
        lambda inquiry: {"action": "mark_spam", "_selected_action": [inquiry.pk]},
    ),
}


@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
@pytest.mark.parametrize("persona", list(PERSONAS))
def test_staff_without_inquiry_permissions_get_403_and_change_nothing(
    client, stored, persona, endpoint
):
    method, url, data = ENDPOINTS[endpoint]
    client.force_login(PERSONAS[persona]())
    data = data(stored.inquiry) if callable(data) else data

    response = getattr(client, method)(url(stored.inquiry), data)

    assert response.status_code == 403
    assert stored.inquiry.first_name.encode() not in response.content
    assert not stored.inquiry.events.exists()
    assert not AuditEntry.objects.exists()
    assert stored.unchanged()


def test_intake_staff_without_export_permission_cannot_export_selected(client, stored):
    client.force_login(make_intake_user("no-export"))

    listed = client.get(export_url())
    selected = client.post(
        queue_url(), {"action": "export_selected", "_selected_action": [stored.inquiry.pk]}
    )

    assert listed.status_code == 403
    assert selected.status_code == 302  # "No action selected", back to the queue
    assert not stored.inquiry.events.filter(kind=InquiryEvent.Kind.EXPORTED).exists()
    assert stored.unchanged()


@pytest.mark.parametrize("endpoint", ["note", "status", "details form", "bulk mark spam"])
def test_anonymous_posts_are_sent_to_sign_in_and_change_nothing(client, stored, endpoint):
    method, url, data = ENDPOINTS[endpoint]
    data = data(stored.inquiry) if callable(data) else data

    response = client.post(url(stored.inquiry), data)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert not stored.inquiry.events.exists()
    assert stored.unchanged()


@pytest.mark.parametrize(
    ("username", "password"),
    [("int\x00ake", PASSWORD), ("intake", PASSWORD + "\x00"), ("intake\r\n", PASSWORD[:-1])],
)
def test_sign_in_with_control_characters_is_refused_without_a_500(
    client, stored, username, password
):
    make_staff("intake", group="Intake staff")

    response = client.post(reverse("admin:login"), {"username": username, "password": password})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert stored.unchanged()
