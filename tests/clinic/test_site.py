import pytest
from django.db import OperationalError
from django.test import RequestFactory

from clinic import outages, views


class UnreachableDatabase:
    """Stands in for django.db.connection when PostgreSQL is down."""

    def cursor(self):
        raise OperationalError("could not connect to server: Connection refused")


def test_healthz_answers_200_when_the_database_answers(client, db):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert not response.cookies


def test_healthz_answers_503_when_the_database_is_down(client, monkeypatch):
    monkeypatch.setattr(outages, "connection", UnreachableDatabase())

    response = client.get("/healthz")

    assert response.status_code == 503
    assert not response.cookies


def test_unknown_page_shows_a_friendly_404(client, db):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert b"couldn't find that page" in response.content
    assert b"988" in response.content


def test_500_page_renders_without_touching_the_database(db, django_assert_num_queries, settings):
    request = RequestFactory().get("/")

    with django_assert_num_queries(0):
        response = views.server_error(request)

    assert response.status_code == 500
    assert b"Something went wrong" in response.content
    assert settings.CLINIC_PHONE.encode() in response.content


def test_a_crashing_view_shows_the_500_page(client, db, settings):
    settings.ROOT_URLCONF = "tests.clinic.crash_urls"
    client.raise_request_exception = False

    response = client.get("/crash/")

    assert response.status_code == 500
    assert b"Something went wrong" in response.content


def test_bad_host_header_gets_400(client, db):
    response = client.get("/", HTTP_HOST="evil.example.net")

    assert response.status_code == 400


@pytest.mark.parametrize("path", ["/", "/healthz", "/no-such-page/", "/admin/login/"])
def test_security_headers_on_every_response(client, db, path):
    response = client.get(path)

    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


def test_base_layout_has_landmarks_skip_link_and_crisis_lines(client, db):
    html = client.get("/").content.decode()

    assert '<html lang="en">' in html
    assert 'href="#main"' in html
    for landmark in ("<header", "<nav", '<main id="main"', "<footer"):
        assert landmark in html
    assert "tel:988" in html and "tel:911" in html


def test_clinic_details_come_from_settings(client, db, settings):
    settings.CLINIC_NAME = "Harbor Light Clinic"
    settings.CLINIC_PHONE = "+1 555 867 5309"

    html = client.get("/").content.decode()

    assert "Harbor Light Clinic" in html
    assert 'href="tel:+15558675309"' in html
