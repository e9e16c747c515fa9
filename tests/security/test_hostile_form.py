"""Hostile input to the public "Get in touch" form: every answer is a clear 4xx, the form
again with a message, or a safely stored value; never a 500, and nothing stored changes."""

import json
import re
import secrets
from urllib.parse import urlencode, urlsplit

import pytest
from django.test import Client

from inquiries.models import Inquiry
from tests.inquiries.crm_factories import change_url, queue_url
from tests.inquiries.factories import form_data

URL = "/get-in-touch/"
SCRIPT = '<script>alert("xss-canary")</script>'
ESCAPED_SCRIPT = "&lt;script&gt;alert("
SQL_LIKE = ["'; DROP TABLE inquiries_inquiry; --", "1 OR 1=1"]
FORM_FIELDS = ["first_name", "last_name", "email", "phone", "best_time", "message"]
# Fields that keep what was typed (free text); the others refuse markup and symbols.
FREE_TEXT_FIELDS = {"best_time", "message"}


@pytest.fixture(autouse=True)
def notify(settings):
    settings.INTAKE_NOTIFY_EMAILS = ["intake@clinic.example"]


def new_inquiries(stored):
    return Inquiry.objects.exclude(pk=stored.inquiry.pk)


def urlencoded(client, data, path=URL, **extra):
    return client.post(
        path, urlencode(data, doseq=True), content_type="application/x-www-form-urlencoded", **extra
    )


# Too much urlencoded data is refused as it is read; a multipart body is never read.
REFUSED = {"urlencoded": 400, "multipart": 415}


def send(client, data, encoding):
    if encoding == "urlencoded":
        return urlencoded(client, data)
    return client.post(URL, data)  # the test client's default: multipart/form-data


@pytest.mark.parametrize("field", FORM_FIELDS)
def test_script_in_a_field_is_refused_or_stored_and_escaped_everywhere(
    client, stored, intake_user, field
):
    data = form_data(phone="(212) 555-0123")
    data[field] = SCRIPT

    response = urlencoded(client, data)

    assert response.status_code in (200, 303)
    assert SCRIPT not in response.content.decode()
    if field in FREE_TEXT_FIELDS:
        inquiry = new_inquiries(stored).get()
        assert getattr(inquiry, field) == SCRIPT
        client.force_login(intake_user)
        pages = [client.get(change_url(inquiry)), client.get(queue_url())]
        for page in pages:
            assert page.status_code == 200
            assert SCRIPT not in page.content.decode()
        assert ESCAPED_SCRIPT in pages[0].content.decode()
        if field == "message":  # the queue shows the start of the message
            assert ESCAPED_SCRIPT in pages[1].content.decode()
    else:
        assert response.status_code == 200
        assert ESCAPED_SCRIPT in response.content.decode()  # shown back, escaped
        assert not new_inquiries(stored).exists()
    assert stored.unchanged()


@pytest.mark.parametrize("source", ["referrer", "utm_campaign"])
def test_script_in_metadata_is_stored_as_text_and_escaped_in_the_admin(
    client, stored, intake_user, source
):
    if source == "referrer":
        urlencoded(client, form_data(referrer=SCRIPT))
    else:
        urlencoded(client, form_data(), f"{URL}?{urlencode({source: SCRIPT})}")
    inquiry = new_inquiries(stored).get()
    client.force_login(intake_user)

    html = client.get(change_url(inquiry)).content.decode()

    assert SCRIPT in getattr(inquiry, source)
    assert SCRIPT not in html
    assert ESCAPED_SCRIPT in html
    assert stored.unchanged()


@pytest.mark.parametrize("payload", SQL_LIKE)
@pytest.mark.parametrize("field", ["first_name", "last_name", "best_time", "message"])
def test_sql_like_text_is_stored_verbatim(client, stored, field, payload):
    response = urlencoded(client, form_data(**{field: payload}))

    assert response.status_code == 303
    assert getattr(new_inquiries(stored).get(), field) == payload
    assert Inquiry.objects.count() == 2  # the table is still there, with both rows
    assert stored.unchanged()


@pytest.mark.parametrize("payload", SQL_LIKE)
@pytest.mark.parametrize("field", ["email", "phone", "topic", "contact_method"])
def test_sql_like_text_in_a_structured_field_is_refused(client, stored, field, payload):
    response = urlencoded(client, form_data(**{field: payload}))

    assert response.status_code == 200
    assert "Please check what you entered" in response.content.decode()
    assert not new_inquiries(stored).exists()
    assert stored.unchanged()


@pytest.mark.parametrize("character", ["\x00", "\x07", "\x1b", "\r\n", "\x7f", "\x85"])
@pytest.mark.parametrize("field", ["first_name", "last_name", "email", "phone", "best_time"])
def test_control_characters_in_a_field_are_refused_with_a_message(client, stored, field, character):
    value = {"email": "ada@example.com", "phone": "(212) 555-0123"}.get(field, "Ada")
    data = form_data(**{field: value[:2] + character + value[2:]})

    response = urlencoded(client, data)

    assert response.status_code == 200
    assert "characters we can&#x27;t accept" in response.content.decode()
    assert not new_inquiries(stored).exists()
    assert stored.unchanged()


@pytest.mark.parametrize("character", ["\x00", "\x1b", "\x08"])
def test_control_characters_in_the_message_are_refused_but_line_breaks_are_kept(
    client, stored, character
):
    refused = urlencoded(client, form_data(message=f"line one{character}"))
    accepted = urlencoded(client, form_data(message="line one\r\n\tline two"))

    assert refused.status_code == 200
    assert "characters we can&#x27;t accept" in refused.content.decode()
    assert accepted.status_code == 303
    assert new_inquiries(stored).get().message == "line one\n\tline two"
    assert stored.unchanged()


@pytest.mark.parametrize(
    "query",
    [
        "utm_source=%00&utm_medium=a%00b",
        "from=%00",
        "from=/treatments/%00",
        "from=/%00/",
        "%00=%00",
        "utm_campaign=%1b%5b31m%07",
    ],
)
def test_control_characters_in_the_query_string_never_break_the_form(client, stored, query):
    shown = client.get(f"{URL}?{query}")
    sent = urlencoded(client, form_data(), f"{URL}?{query}")

    assert shown.status_code == 200
    assert sent.status_code == 303
    inquiry = new_inquiries(stored).get()
    assert inquiry.source_path == ""
    assert "\x00" not in inquiry.utm_source + inquiry.utm_medium + inquiry.utm_campaign
    assert stored.unchanged()


@pytest.mark.parametrize("encoding", ["urlencoded", "multipart"])
def test_one_megabyte_body_is_refused_with_400(client, stored, encoding):
    data = form_data(message="x" * 1024 * 1024)

    response = send(client, data, encoding)

    assert response.status_code == REFUSED[encoding]
    assert not new_inquiries(stored).exists()
    assert stored.unchanged()


@pytest.mark.parametrize("encoding", ["urlencoded", "multipart"])
def test_thousands_of_fields_are_refused_with_400(client, stored, encoding):
    data = {**form_data(), **{f"field{number}": "x" for number in range(5000)}}

    response = send(client, data, encoding)

    assert response.status_code == REFUSED[encoding]
    assert not new_inquiries(stored).exists()
    assert stored.unchanged()


@pytest.mark.parametrize("method", ["put", "patch", "delete", "options", "trace"])
def test_other_methods_on_the_form_are_refused_with_405(client, stored, method):
    response = getattr(client, method)(URL, urlencode(form_data()))

    assert response.status_code == 405
    assert not new_inquiries(stored).exists()
    assert stored.unchanged()


def test_post_to_the_thank_you_page_is_refused_with_405(client, stored):
    response = urlencoded(client, form_data(), "/get-in-touch/thanks/")

    assert response.status_code == 405
    assert stored.unchanged()


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/json", json.dumps({"first_name": "Ada", "email": "ada@example.com"})),
        ("text/plain", "first_name=Ada&email=ada@example.com"),
        ("application/xml", "<inquiry><first_name>Ada</first_name></inquiry>"),
        ("multipart/form-data; boundary=xyz", "--xyz\r\nContent-Disposition: junk\r\n\r\n\x00"),
        ("multipart/form-data; boundary=xyz", "not a multipart body at all"),
        ("multipart/form-data", "--\r\n\r\n"),
        ("multipart/form-data; boundary=" + "b" * 300, "--" + "b" * 300 + "--"),
    ],
)
def test_other_content_types_store_nothing(client, stored, content_type, body):
    response = client.post(URL, body, content_type=content_type)

    assert response.status_code in (400, 415) or (
        response.status_code == 200 and "Please enter your first name." in response.text
    )
    assert not new_inquiries(stored).exists()
    assert stored.unchanged()


def _csrf_token(client):
    html = client.get(URL).content.decode()
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


@pytest.mark.parametrize(
    "token",
    [
        None,  # missing
        "forged",
        secrets.token_urlsafe(48)[:64],  # right length, made up
        "another visitor's",  # a real token, issued with someone else's cookie
    ],
)
def test_post_without_a_valid_csrf_token_is_refused_with_403(stored, token):
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.get(URL)  # this visitor has a CSRF cookie of their own
    data = form_data()
    if token == "another visitor's":
        data["csrfmiddlewaretoken"] = _csrf_token(Client())
    elif token is not None:
        data["csrfmiddlewaretoken"] = token

    response = urlencoded(client, data)

    assert response.status_code == 403
    assert not new_inquiries(stored).exists()
    assert stored.unchanged()


def test_csrf_token_without_its_cookie_is_refused_with_403(stored):
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    token = _csrf_token(client)
    client.cookies.clear()

    response = urlencoded(client, form_data(csrfmiddlewaretoken=token))

    assert response.status_code == 403
    assert not new_inquiries(stored).exists()


def test_replayed_submission_with_its_csrf_token_stores_one_inquiry(stored):
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    data = form_data(csrfmiddlewaretoken=_csrf_token(client))

    first = urlencoded(client, data)
    replay = urlencoded(client, data)

    assert first.status_code == replay.status_code == 303
    assert first["Location"] == replay["Location"]
    assert new_inquiries(stored).count() == 1
    assert stored.unchanged()


@pytest.mark.parametrize(
    "source",
    ["https://evil.example/", "//evil.example/", "javascript:alert(1)", "/\\evil.example/"],
)
def test_foreign_from_is_never_stored_nor_rendered_as_a_link(client, stored, source):
    query = urlencode({"from": source})

    html = client.get(f"{URL}?{query}").content.decode()
    response = urlencoded(client, form_data(), f"{URL}?{query}", follow=True)

    links = re.findall(r'(?:href|action|src)="([^"]*)"', html + response.content.decode())
    # Every link stays on this site (the form's own address may carry ?from= along).
    assert all(link.startswith(("/", "#", "tel:", "mailto:")) for link in links), links
    assert not [link for link in links if link.startswith(("//", "/\\")) or urlsplit(link).netloc]
    inquiry = new_inquiries(stored).get()
    assert (inquiry.source_page, inquiry.source_path) == (None, "")
    assert stored.unchanged()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("first_name", "Ada\r\nBcc: victim@evil.example"),
        ("last_name", "Lovelace\nBcc: victim@evil.example"),
        ("email", "ada@example.com\r\nBcc: victim@evil.example"),
        ("email", "ada@example.com\nContent-Type: text/html"),
    ],
)
def test_line_breaks_in_header_bound_fields_never_reach_an_email(
    client, stored, mailoutbox, django_capture_on_commit_callbacks, field, value
):
    with django_capture_on_commit_callbacks(execute=True):
        response = urlencoded(client, form_data(**{field: value}))

    assert response.status_code == 200
    assert mailoutbox == []
    assert not new_inquiries(stored).exists()
    assert stored.unchanged()


def test_header_lookalikes_in_the_message_stay_out_of_email_headers(
    client, stored, mailoutbox, django_capture_on_commit_callbacks
):
    message = "Hi\r\nBcc: victim@evil.example\r\nSubject: changed\r\n\r\nbody"

    with django_capture_on_commit_callbacks(execute=True):
        response = urlencoded(client, form_data(message=message, best_time="Subject: x"))

    assert response.status_code == 303
    assert sorted(mail.to[0] for mail in mailoutbox) == ["ada@example.com", "intake@clinic.example"]
    for mail in mailoutbox:
        headers = mail.message()
        assert headers["Bcc"] is None
        assert "changed" not in headers["Subject"]
        assert "victim@evil.example" not in mail.recipients()
        assert "victim@evil.example" not in headers.as_string()
    assert stored.unchanged()


@pytest.mark.parametrize(
    "host",
    [
        "evil.example",
        "evil.example:80",
        "testserver\r\nSet-Cookie: stolen=1",
        "testserver/evil",
        "127.0.0.1@evil.example",
        "localhost.evil.example",
    ],
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_foreign_or_broken_host_header_is_refused_with_400(client, stored, host, method):
    response = getattr(client, method)(
        URL, form_data() if method == "post" else None, HTTP_HOST=host
    )

    assert response.status_code == 400
    assert not new_inquiries(stored).exists()
    assert stored.unchanged()
