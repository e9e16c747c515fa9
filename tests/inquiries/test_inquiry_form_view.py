import re
import uuid
from html import unescape

import pytest
from django.core.cache import cache
from django.db import OperationalError, connection
from django.test import Client, RequestFactory
from django.urls import reverse

from clinic.net import hash_ip
from inquiries import spam, views
from inquiries.consent import CONSENT_TEXT, CONSENT_VERSION
from inquiries.models import Inquiry, InquiryEvent, Notification
from tests.inquiries.factories import (
    form_data,
    form_token,
    make_inquiry,
    make_published_page,
    post_form,
)

URL = "/get-in-touch/"


@pytest.fixture(autouse=True)
def intake_addresses(settings):
    settings.INTAKE_NOTIFY_EMAILS = ["intake@clinic.example"]


def post(client, data, path=URL, **extra):
    return post_form(client, data, path, **extra)


def h1_count(response):
    return response.content.decode().count("<h1")


def test_form_url_is_named():
    assert reverse("inquiries:create") == URL
    assert reverse("inquiries:thanks") == "/get-in-touch/thanks/"


def test_form_page_shows_the_form_crisis_lines_and_next_steps(client, db):
    response = client.get(URL)

    html = response.content.decode()
    assert response.status_code == 200
    assert h1_count(response) == 1
    assert "within one business day" in html
    assert 'href="tel:988"' in html
    assert 'href="tel:911"' in html
    assert "We keep what you send private" in html
    assert CONSENT_TEXT in unescape(html)
    assert 'name="form_token"' in html
    assert '<script src="/static/js/inquiry-form.js" defer></script>' in html


def test_form_page_sets_no_cookie_but_csrftoken_and_is_not_cached(client, db):
    response = client.get(URL)

    assert set(response.cookies) == {"csrftoken"}
    assert "no-store" in response["Cache-Control"]


def test_form_page_has_no_inline_scripts_or_styles(client, db):
    html = client.get(URL).content.decode()

    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html) is None
    assert " style=" not in html


def test_form_page_labels_every_field_and_hides_the_honeypot(client, db):
    html = client.get(URL).content.decode()

    for name in ["first_name", "last_name", "email", "phone", "best_time", "topic", "message"]:
        assert f'for="id_{name}"' in html
    assert "<legend" in html  # the contact method radios sit in a fieldset
    assert 'for="id_consent"' in html
    honeypot = re.search(r'<div[^>]*class="inquiry-hp"[^>]*>.*?</div>', html, re.S).group(0)
    assert 'aria-hidden="true"' in honeypot
    assert 'tabindex="-1"' in honeypot
    assert 'autocomplete="off"' in honeypot
    assert "Leave this field empty" in honeypot


def test_header_footer_and_404_link_to_the_form(client, db):
    html = client.get("/no-such-page/").content.decode()

    assert html.count(f'href="{URL}"') == 3


def test_valid_post_stores_the_inquiry_and_redirects_with_303(client, db):
    with pytest.raises(Inquiry.DoesNotExist):
        Inquiry.objects.get()

    response = post(client, form_data(), HTTP_USER_AGENT="Mozilla/5.0 (iPhone)")

    inquiry = Inquiry.objects.get()
    assert response.status_code == 303
    assert response["Location"] == views.thanks_url(inquiry)
    assert inquiry.status == Inquiry.Status.NEW
    assert inquiry.priority == Inquiry.Priority.NORMAL
    assert inquiry.first_name == "Ada"
    assert inquiry.consent_text == CONSENT_TEXT
    assert inquiry.consent_version == CONSENT_VERSION
    assert inquiry.consent_given_at is not None
    assert inquiry.submission_token is not None
    assert inquiry.ip_hash == hash_ip("127.0.0.1")
    assert "127.0.0.1" not in inquiry.ip_hash
    assert inquiry.user_agent == "Mozilla/5.0 (iPhone)"
    assert list(inquiry.events.values_list("kind", flat=True)) == [InquiryEvent.Kind.CREATED]
    assert sorted(inquiry.notifications.values_list("kind", flat=True)) == [
        "acknowledgement",
        "intake",
    ]


def test_thank_you_page_shows_reference_and_next_steps_but_no_details(client, db):
    data = form_data(message="canary-message-4471", first_name="Canarybird")
    response = post(client, data, follow=True)

    inquiry = Inquiry.objects.get()
    html = response.content.decode()
    assert response.redirect_chain[-1][1] == 303
    assert h1_count(response) == 1
    assert inquiry.reference in html
    assert "within one business day" in html
    assert 'href="tel:988"' in html
    for detail in ["canary-message-4471", "Canarybird", "ada@example.com", "PTSD"]:
        assert detail not in html
        assert detail not in response.redirect_chain[-1][0]


def test_thank_you_page_refuses_a_forged_reference(client, db):
    response = client.get("/get-in-touch/thanks/?ref=INQ-000001:forged")

    assert response.status_code == 200
    assert "INQ-000001" not in response.content.decode()


def test_post_without_csrf_token_is_refused(db):
    client = Client(enforce_csrf_checks=True)

    response = post(client, form_data())

    assert response.status_code == 403
    assert not Inquiry.objects.exists()


def test_post_with_the_forms_csrf_token_is_accepted(db):
    client = Client(enforce_csrf_checks=True)
    html = client.get(URL).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)

    response = post(client, form_data(csrfmiddlewaretoken=token))

    assert response.status_code == 303
    assert Inquiry.objects.count() == 1


def test_invalid_post_shows_an_error_summary_and_messages_beside_fields(client, db):
    response = post(client, form_data(first_name="", email="ada@localhost"))

    html = response.content.decode()
    assert response.status_code == 200
    assert not Inquiry.objects.exists()
    assert h1_count(response) == 1
    assert "<title>Error: " in html
    summary = re.search(r'<div id="error-summary"[^>]*>', html).group(0)
    assert 'role="alert"' in summary
    assert 'tabindex="-1"' in summary
    assert 'href="#id_first_name"' in html
    assert 'href="#id_email"' in html
    # Each error is tied to its field (Django 5.2 + crispy bootstrap5).
    field = re.search(r'<input[^>]*name="first_name"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in field
    assert 'aria-describedby="id_first_name_error"' in field
    assert 'id="id_first_name_error"' in html
    assert "Please enter your first name." in html


def test_invalid_post_keeps_the_same_form_token(client, db):
    data = form_data(email="")

    response = post(client, data)

    assert data["form_token"] in response.content.decode()


@pytest.mark.parametrize(
    "field", ["first_name", "last_name", "email", "phone", "best_time", "message"]
)
def test_errors_never_echo_hostile_input_unescaped(client, db, field):
    hostile = '"><script>alert(1)</script>'
    data = form_data(**{field: hostile, "consent": ""})

    html = post(client, data).content.decode()

    assert "<script>alert(1)" not in html
    assert "alert(1)" in html  # still shown to the person, escaped


def test_view_marks_all_post_parameters_sensitive(db):
    request = RequestFactory().post(URL, form_data())
    request._dont_enforce_csrf_checks = True

    views.inquiry_create(request)

    assert request.sensitive_post_parameters == "__ALL__"


def test_honeypot_submission_is_stored_as_spam_and_sends_nothing(
    client, db, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, form_data(website="http://cheap-pills.example"))

    inquiry = Inquiry.objects.get()
    assert response.status_code == 303
    assert inquiry.status == Inquiry.Status.SPAM
    assert inquiry.spam_reason == "hidden honeypot field filled in"
    assert not inquiry.notifications.exists()
    assert mailoutbox == []


SEND_AGAIN = "Please check your details below, then press “Send message” again to send them."


def form_token_in(response):
    return re.search(r'name="form_token" value="([^"]+)"', response.text).group(1)


# 1 s: the token keeps whole seconds, so "2 s ago" can read as 3 s on a slow run.
# Two days: a form left open in a tab, sent long after it was shown.
@pytest.mark.parametrize("seconds_ago", [0, 1, 2 * 24 * 60 * 60])
def test_too_fast_or_stale_submission_is_shown_again_as_typed_and_stores_nothing(
    client, db, mailoutbox, django_capture_on_commit_callbacks, seconds_ago
):
    data = form_data(
        form_token=form_token(seconds_ago=seconds_ago), best_time="after 5 pm", message="Hello."
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, data)

    html = unescape(response.text)
    assert response.status_code == 200
    assert html.count(SEND_AGAIN) == 1
    assert "Please check what you entered" not in html
    assert "<title>Error:" not in html
    for kept in [
        'value="Ada"',
        'value="Lovelace"',
        'value="ada@example.com"',
        'value="after 5 pm"',
    ]:
        assert kept in html
    assert "Hello.</textarea>" in html
    assert not Inquiry.objects.exists()
    assert mailoutbox == []


@pytest.mark.parametrize("seconds_ago", [0, 2 * 24 * 60 * 60])
def test_too_fast_or_stale_submission_sent_again_is_stored_with_its_emails(
    client, db, mailoutbox, django_capture_on_commit_callbacks, seconds_ago
):
    shown_again = post(client, form_data(form_token=form_token(seconds_ago=seconds_ago)))

    with django_capture_on_commit_callbacks(execute=True):
        sent = post(client, form_data(form_token=form_token_in(shown_again)))

    inquiry = Inquiry.objects.get()
    assert sent.status_code == 303
    assert (inquiry.status, inquiry.spam_reason) == (Inquiry.Status.NEW, "")
    assert sorted(mail.to[0] for mail in mailoutbox) == ["ada@example.com", "intake@clinic.example"]


def test_form_shown_again_keeps_its_submission_so_a_double_send_stores_one(client, db):
    shown_again = post(client, form_data(form_token=form_token(seconds_ago=0)))
    data = form_data(form_token=form_token_in(shown_again))

    first, second = post(client, data), post(client, data)

    assert first.status_code == second.status_code == 303
    assert Inquiry.objects.count() == 1


def test_fast_submission_with_the_honeypot_filled_is_still_spam(client, db):
    post(client, form_data(form_token=form_token(seconds_ago=0), website="http://x.example"))

    assert Inquiry.objects.get().status == Inquiry.Status.SPAM


def test_tampered_form_token_is_stored_as_spam(client, db):
    token = form_token()
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")

    post(client, form_data(form_token=tampered))

    inquiry = Inquiry.objects.get()
    assert inquiry.status == Inquiry.Status.SPAM
    assert inquiry.spam_reason == "form token invalid"
    assert inquiry.submission_token is None


def test_replayed_form_creates_one_inquiry_and_the_same_thank_you_page(
    client, db, mailoutbox, django_capture_on_commit_callbacks
):
    data = form_data()

    with django_capture_on_commit_callbacks(execute=True):
        first = post(client, data)
        second = post(client, data)

    assert Inquiry.objects.count() == 1
    assert first.status_code == second.status_code == 303
    assert first["Location"] == second["Location"]
    assert len(mailoutbox) == 2  # one intake email, one acknowledgement


def test_token_race_lost_to_another_worker_lands_on_the_winners_thank_you_page(client, db):
    token = form_token()
    winner = make_inquiry(
        submission_token=uuid.UUID(hex=spam.check_form_token(token).token.hex),
    )

    response = post(client, form_data(form_token=token, first_name="Second"))

    assert response.status_code == 303
    assert response["Location"] == views.thanks_url(winner)
    assert list(Inquiry.objects.all()) == [winner]


def test_rate_limited_submission_gets_429_keeps_the_input_and_is_stored_as_spam(
    client, db, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.INQUIRY_RATE_LIMIT = 2
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):
            assert post(client, form_data()).status_code == 303
        data = form_data(first_name="Thirdtry", message="kept-message-text")
        response = post(client, data)

    html = response.content.decode()
    assert response.status_code == 429
    assert response["Retry-After"] == str(settings.INQUIRY_RATE_WINDOW_SECONDS)
    assert h1_count(response) == 1
    assert "Please wait a few minutes" in html
    assert settings.CLINIC_PHONE in html
    assert 'value="Thirdtry"' in html
    assert "kept-message-text" in html
    limited = Inquiry.objects.get(first_name="Thirdtry")
    assert limited.status == Inquiry.Status.SPAM
    assert limited.spam_reason == "rate limit exceeded"
    assert limited.submission_token is None
    assert not limited.notifications.exists()
    assert len(mailoutbox) == 4  # only the two accepted inquiries' emails


def test_rate_limited_form_sent_again_later_is_stored_as_a_real_inquiry(client, db, settings):
    settings.INQUIRY_RATE_LIMIT = 1
    post(client, form_data())
    data = form_data(first_name="Later")
    assert post(client, data).status_code == 429

    cache.clear()  # the window has passed
    response = post(client, data)

    assert response.status_code == 303
    statuses = list(Inquiry.objects.filter(first_name="Later").values_list("status", flat=True))
    assert sorted(statuses) == [Inquiry.Status.NEW, Inquiry.Status.SPAM]


def test_rate_limit_counts_per_client_address(client, db, settings):
    settings.INQUIRY_RATE_LIMIT = 1

    first = post(client, form_data(), REMOTE_ADDR="192.0.2.1")
    second = post(client, form_data(), REMOTE_ADDR="192.0.2.2")
    third = post(client, form_data(), REMOTE_ADDR="192.0.2.1")

    assert [first.status_code, second.status_code, third.status_code] == [303, 303, 429]


def test_rate_limit_stops_storing_a_flood(client, db, settings, monkeypatch):
    settings.INQUIRY_RATE_LIMIT = 1
    monkeypatch.setattr(spam, "RATE_LIMITED_KEPT_PER_WINDOW", 2)

    statuses = [post(client, form_data()).status_code for _ in range(6)]

    assert statuses == [303, 429, 429, 429, 429, 429]
    assert Inquiry.objects.filter(status=Inquiry.Status.SPAM).count() == 2
    assert Inquiry.objects.count() == 3


def test_invalid_posts_do_not_count_toward_the_rate_limit(client, db, settings):
    settings.INQUIRY_RATE_LIMIT = 1
    for _ in range(3):
        post(client, form_data(email="typo@"))

    response = post(client, form_data())

    assert response.status_code == 303


@pytest.mark.parametrize(
    "message",
    [
        "I've been thinking about suicide.",
        "Some days I want to KILL MYSELF",
        "I tried to end my life last year",
        "history of self-harm",
        "I overdosed in March",
        "I don\u2019t want to live like this",
    ],
)
def test_crisis_language_makes_the_inquiry_urgent(client, db, message):
    post(client, form_data(message=message))

    inquiry = Inquiry.objects.get()
    assert inquiry.priority == Inquiry.Priority.URGENT
    assert "urgent" in inquiry.events.get().message


def test_ordinary_message_stays_normal_priority(client, db):
    post(client, form_data(message="My skill at sleeping is poor; I dose melatonin."))

    assert Inquiry.objects.get().priority == Inquiry.Priority.NORMAL


def test_source_page_is_kept_for_a_published_page(client, db):
    page = make_published_page()

    post(client, form_data(), path=f"{URL}?from={page.path}")

    inquiry = Inquiry.objects.get()
    assert inquiry.source_page == page
    assert inquiry.source_path == page.path


@pytest.mark.parametrize("link", ["site-header__cta", "site-footer__cta", "page-cta"])
def test_every_way_from_a_page_into_the_form_records_the_page(client, db, link):
    page = make_published_page()
    article = client.get(page.path).content.decode()
    href = re.search(rf'class="[^"]*{link}[^"]*"[^>]*href="([^"]+)"', article)
    href = href or re.search(rf'class="{link}".*?href="([^"]+)"', article, re.S)

    form_page = client.get(unescape(href.group(1))).content.decode()
    action = re.search(r'<form class="inquiry-form" method="post" action="([^"]+)"', form_page)
    post(client, form_data(), path=unescape(action.group(1)))

    inquiry = Inquiry.objects.get()
    assert (inquiry.source_page, inquiry.source_path) == (page, page.path)


@pytest.mark.parametrize(
    "source",
    ["/no-such-page/", "https://evil.example/", "/draft-page/", "javascript:alert(1)", ""],
)
def test_source_is_dropped_unless_it_is_a_published_page(client, db, source):
    make_published_page(slug="draft-page", status="draft")

    post(client, form_data(), path=f"{URL}?from={source}")

    inquiry = Inquiry.objects.get()
    assert inquiry.source_page is None
    assert inquiry.source_path == ""


def test_form_posts_back_to_its_own_address_so_from_and_utm_survive(client, db):
    query = "?from=/ketamine-for-ptsd/&utm_source=news&utm_campaign=spring"

    html = client.get(URL + query).content.decode()

    assert 'action="/get-in-touch/?from=/ketamine-for-ptsd/&amp;utm_source=news' in html


def test_utm_and_referrer_are_cut_to_length_not_refused(client, db):
    query = "?utm_source=" + "s" * 500 + "&utm_medium=email&utm_content=a%00b"
    data = form_data(referrer="https://search.example/?q=" + "r" * 1000)

    response = post(client, data, path=URL + query)

    inquiry = Inquiry.objects.get()
    assert response.status_code == 303
    assert inquiry.utm_source == "s" * 100
    assert inquiry.utm_medium == "email"
    assert inquiry.utm_content == "ab"
    assert len(inquiry.referrer) == 500
    assert inquiry.referrer.startswith("https://search.example/")


def test_referrer_from_the_get_is_carried_in_the_form(client, db):
    html = client.get(URL, HTTP_REFERER="https://search.example/results").content.decode()

    assert 'name="referrer" value="https://search.example/results"' in html


def test_user_agent_is_truncated(client, db):
    post(client, form_data(), HTTP_USER_AGENT="A" * 5000)

    assert Inquiry.objects.get().user_agent == "A" * 300


def refuse_queries(execute, sql, params, many, context):
    raise OperationalError("could not connect to server: Connection refused")


def test_database_down_post_answers_503_and_keeps_what_was_typed(client, db, settings):
    data = form_data(
        first_name="Keptname",
        phone="212 555 0123",
        message="Please keep this <b>message</b>",
        contact_method="phone",
    )

    with connection.execute_wrapper(refuse_queries):
        response = post(client, data)

    html = response.content.decode()
    assert response.status_code == 503
    assert h1_count(response) == 1
    assert "We can't send your message right now" in html
    assert settings.CLINIC_PHONE in html
    assert 'value="Keptname"' in html
    assert 'value="212 555 0123"' in html
    assert "Please keep this &lt;b&gt;message&lt;/b&gt;" in html
    assert re.search(r'value="phone"[^>]*checked', html)
    assert re.search(rf'<option value="{data["topic"]}" selected>', html)
    assert data["form_token"] in html
    assert "Traceback" not in html
    assert not Inquiry.objects.exists()


def test_database_down_get_answers_503_with_the_phone_number(client, db, settings):
    with connection.execute_wrapper(refuse_queries):
        response = client.get(URL)

    assert response.status_code == 503
    assert settings.CLINIC_PHONE in response.content.decode()
    assert 'name="csrfmiddlewaretoken"' in response.content.decode()


def test_database_down_form_can_be_sent_again_once_it_is_back(client, db):
    data = form_data()
    with connection.execute_wrapper(refuse_queries):
        post(client, data)

    response = post(client, data)

    assert response.status_code == 303
    assert Inquiry.objects.count() == 1


def test_valid_post_runs_a_fixed_small_number_of_queries(
    client, db, django_assert_num_queries, django_capture_on_commit_callbacks
):
    post(client, form_data())  # warm up: first-request work
    data = form_data()

    # The form's topic lookup and the model validation's check of it, then one
    # transaction (a savepoint inside the test's) with the inquiry, its event and both
    # notifications in one INSERT. The request sends nothing: it queues their job after
    # commit.
    with django_assert_num_queries(7):
        response = post(client, data)
    data = form_data()
    # In the tests' immediate mode that job runs right here: a savepoint, both rows
    # locked in one query, each marked sent with its timeline event, released.
    with django_assert_num_queries(14), django_capture_on_commit_callbacks(execute=True):
        response = post(client, data)

    assert response.status_code == 303
    assert Notification.objects.count() == 6
    assert Notification.objects.filter(state=Notification.State.SENT).count() == 2


def test_post_without_the_referrer_field_records_no_referrer(client, db):
    data = form_data()

    post(client, data, HTTP_REFERER="http://testserver/get-in-touch/")

    assert Inquiry.objects.get().referrer == ""


def test_head_request_for_the_form_is_answered(client, db):
    response = client.head(URL)

    assert response.status_code == 200


def test_a_signed_in_staff_member_can_send_the_form_and_stays_signed_in(intake_client):
    page = intake_client.get(URL)
    sent = post(intake_client, form_data())
    thanks = intake_client.get(sent["Location"])

    assert page.status_code == thanks.status_code == 200
    assert sent.status_code == 303
    assert Inquiry.objects.get().first_name == "Ada"
    assert intake_client.get("/admin/inquiries/inquiry/").status_code == 200
