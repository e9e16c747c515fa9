"""The public form takes text only: a multipart body (a file attached) is refused before
Django reads it, so nothing is stored and no upload reaches memory or a temporary file."""

import re
from html import unescape

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from inquiries.models import Inquiry
from tests.inquiries.factories import form_data

URL = "/get-in-touch/"
BIG_FILE = 3 * 1024 * 1024  # over 2.5 MB: Django would write it to a temporary file


def csrf_client():
    """A browser-like client: CSRF checked, as in production, token from the form page."""
    client = Client(enforce_csrf_checks=True)
    html = client.get(URL).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    return client, token


def test_form_with_an_attached_file_is_refused_unread_and_stores_nothing(db, upload_handlers):
    client, token = csrf_client()
    attachment = SimpleUploadedFile("scan.pdf", b"%PDF-" + bytes(BIG_FILE))

    response = client.post(
        URL, {**form_data(), "csrfmiddlewaretoken": token, "attachment": attachment}
    )

    assert response.status_code == 415
    assert "doesn't take files" in unescape(response.text)
    assert f'href="{URL}"' in response.text
    assert upload_handlers.started == []
    assert not Inquiry.objects.exists()


def test_multipart_form_without_a_file_is_refused_too(client, db, upload_handlers):
    response = client.post(URL, form_data())  # the test client's default: multipart

    assert response.status_code == 415
    assert not Inquiry.objects.exists()


def test_a_file_posted_to_any_public_address_is_refused_unread(db, upload_handlers):
    client, token = csrf_client()
    attachment = SimpleUploadedFile("big.bin", bytes(BIG_FILE))

    response = client.post("/", {"csrfmiddlewaretoken": token, "file": attachment})

    assert response.status_code == 415
    assert upload_handlers.started == []
