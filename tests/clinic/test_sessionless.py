"""The inquiry form and its thank-you page run without the session, auth and messages
middleware (clinic/middleware.py); everything else keeps them."""

from django.contrib.messages import get_messages
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import RequestFactory
from django.urls import set_script_prefix

from inquiries.models import Inquiry
from tests.inquiries.crm_factories import action_url, change_url, make_inquiry
from tests.inquiries.factories import form_data

FORM = "/get-in-touch/"


def test_a_signed_in_staff_member_can_send_the_form_and_gets_only_the_csrf_cookie(
    intake_client, settings
):
    settings.INTAKE_NOTIFY_EMAILS = ["intake@clinic.example"]

    page = intake_client.get(FORM)
    sent = intake_client.post(FORM, form_data())
    thanks = intake_client.get(sent["Location"])

    assert page.status_code == 200
    assert set(page.cookies) == {"csrftoken"}
    assert sent.status_code == 303
    assert not sent.cookies
    assert Inquiry.objects.get().first_name == "Ada"
    assert thanks.status_code == 200
    assert not thanks.cookies
    # The session was left alone, not lost: the admin still knows who this is.
    assert intake_client.get("/admin/inquiries/inquiry/").status_code == 200


def test_a_staff_flash_message_waits_for_the_next_admin_page(intake_client):
    inquiry = make_inquiry()
    # Moving an inquiry leaves a flash message for the page the admin redirects to.
    intake_client.post(action_url(inquiry, "status"), {"crm-status-status": "contacted"})

    intake_client.get(FORM)
    admin_page = intake_client.get(change_url(inquiry))

    shown = [str(message) for message in get_messages(admin_page.wsgi_request)]
    assert shown == [f"{inquiry.reference} moved to Contacted."]


def test_other_pages_still_have_the_session_and_user(intake_client, intake_user):
    response = intake_client.get("/admin/inquiries/inquiry/")

    assert response.wsgi_request.user == intake_user
    assert "sessionid" in response.cookies  # refreshed on each staff page


def wsgi_get(path, script_name):
    """A GET through Django's WSGI handler (the test client sets no script prefix),
    carrying a session cookie that names no session; the response's cookie names."""
    environ = {
        **RequestFactory().get(path).environ,
        "PATH_INFO": path,
        "SCRIPT_NAME": script_name,
        "HTTP_COOKIE": "sessionid=not-a-session",
    }
    cookies = []

    def start_response(status, headers, exc_info=None):
        set_cookies = [value for name, value in headers if name == "Set-Cookie"]
        cookies.extend(value.split("=")[0].strip() for value in set_cookies)

    # As Django's test client does: the test's transaction keeps its connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        response = WSGIHandler()(environ, start_response)
        b"".join(response)
        response.close()
    finally:
        set_script_prefix("/")  # the handler set it for this request
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return cookies


def test_the_form_is_recognised_under_a_script_prefix(db):
    # Elsewhere the session middleware clears a cookie that names no session.
    assert "sessionid" in wsgi_get("/no-such-page/", "/clinic")
    assert "sessionid" in wsgi_get("/get-in-touch/not-the-form/", "/clinic")
    assert wsgi_get(FORM, "/clinic") == ["csrftoken"]
    assert wsgi_get(FORM, "") == ["csrftoken"]


def test_the_list_of_sessionless_views_is_read_again_when_the_setting_changes(db, settings):
    assert wsgi_get(FORM, "") == ["csrftoken"]

    settings.SESSIONLESS_URL_NAMES = []

    assert "sessionid" in wsgi_get(FORM, "")
