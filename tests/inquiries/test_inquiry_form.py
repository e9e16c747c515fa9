import time

import pytest

from inquiries.forms import CONTROL_CHARACTERS_MESSAGE, InquiryForm
from inquiries.models import Topic
from inquiries.spam import check_form_token, issue_form_token
from tests.inquiries.factories import form_data, form_token, post_form

pytestmark = pytest.mark.django_db


def bound(**overrides):
    return InquiryForm(data=form_data(**overrides))


def test_inquiry_form_accepts_a_plain_submission():
    form = bound()

    assert form.is_valid(), form.errors
    assert form.spam_reason == ""
    assert form.submission_token is not None


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("  Ada  ", "Ada"),
        ("Ada   Mary", "Ada Mary"),
        ("Ada\tMary", "Ada Mary"),
        ("A\u200bda", "Ada"),  # zero-width space
        ("\u202eAda\u202c", "Ada"),  # right-to-left override (bidi)
        ("\ufeffAda\u2066", "Ada"),  # byte-order mark, bidi isolate
        ("O'Brien-Smith", "O'Brien-Smith"),
        ("Zoe\u0308", "Zoë"),  # decomposed, stored composed (NFC)
        ("María José", "María José"),
        ("李小龍", "李小龍"),
    ],
)
def test_inquiry_form_tidies_names(typed, stored):
    form = bound(first_name=typed)

    assert form.is_valid(), form.errors
    assert form.cleaned_data["first_name"] == stored


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Please enter your first name."),
        ("   ", "Please enter your first name."),
        ("\u200b\u200d\u2060", "Please enter your first name."),  # only invisible characters
        ("Ada\x00", CONTROL_CHARACTERS_MESSAGE),
        ("Ada\x07", CONTROL_CHARACTERS_MESSAGE),
        ("Ada\x85", CONTROL_CHARACTERS_MESSAGE),  # a C1 control
        ("Ada\r\nBcc: victim@example.com", CONTROL_CHARACTERS_MESSAGE),
        ("Ada\nSubject: hi", CONTROL_CHARACTERS_MESSAGE),
        ("<script>alert(1)</script>", "Please use only letters, spaces, hyphens and apostrophes."),
        ("ada@example.com", "Please use only letters, spaces, hyphens and apostrophes."),
        ("x" * 101, "Ensure this value has at most 100 characters (it has 101)."),
        ("x" * 10_000, "Ensure this value has at most 100 characters (it has 10000)."),
    ],
)
@pytest.mark.parametrize("field", ["first_name", "last_name"])
def test_inquiry_form_refuses_bad_names_with_a_message(field, typed, message):
    form = bound(**{field: typed})

    assert not form.is_valid()
    expected = message.replace("first name", "last name") if field == "last_name" else message
    assert form.errors[field] == [expected]


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("ada@example.com", "ada@example.com"),
        ("  ada@example.com ", "ada@example.com"),
        ("ada+clinic@example.com", "ada+clinic@example.com"),
        ("Ada.Lovelace@Example.COM", "Ada.Lovelace@example.com"),
        ("o'brien@mail.example.co.uk", "o'brien@mail.example.co.uk"),
        ("ada@bücher.de", "ada@bücher.de"),
        ("ada@BÜCHER.DE", "ada@bücher.de"),
        ("ada@xn--bcher-kva.de", "ada@xn--bcher-kva.de"),
        ("ada@例え.jp", "ada@例え.jp"),
        ("a\u200bda@example.com", "ada@example.com"),
    ],
)
def test_inquiry_form_accepts_unusual_but_valid_emails(typed, stored):
    form = bound(email=typed)

    assert form.is_valid(), form.errors
    assert form.cleaned_data["email"] == stored


@pytest.mark.parametrize(
    "typed",
    [
        "ada@[192.0.2.1]",
        "ada@[IPv6:2001:db8::1]",
        "ada@192.0.2.1",
        "ada@localhost",
        "ada@example",
        "ada",
        "ada@",
        "@example.com",
        "ada@@example.com",
        "ada lovelace@example.com",
        '"ada lovelace"@example.com',
        "<script>alert(1)</script>@example.com",
        "ada@example.com\r\nBcc: victim@example.com",
        "ada@example.com\x00",
        "a" * 64 + "@" + "b" * 63 + "." + "c" * 63 + "." + "d" * 63 + ".com",  # 259 chars
        "x" * 10_000 + "@example.com",
    ],
)
def test_inquiry_form_refuses_bad_emails(typed):
    form = bound(email=typed)

    assert not form.is_valid()
    assert "email" in form.errors


def test_inquiry_form_requires_an_email():
    form = bound(email="")

    assert form.errors["email"] == ["Please enter your email address."]


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("(212) 555-0123", "+12125550123"),
        ("212.555.0123", "+12125550123"),
        ("+1 212 555 0123", "+12125550123"),
        ("1-212-555-0123", "+12125550123"),
        ("+44 20 7946 0958", "+442079460958"),
        ("", ""),
    ],
)
def test_inquiry_form_stores_phone_numbers_as_e164(typed, stored):
    form = bound(phone=typed)

    assert form.is_valid(), form.errors
    assert form.cleaned_data["phone"] == stored


@pytest.mark.parametrize(
    "typed",
    ["12345", "not a number", "212\x00555\x000123", "<script>", "1" * 31, "1" * 10_000],
)
def test_inquiry_form_refuses_bad_phone_numbers(typed):
    form = bound(phone=typed)

    assert not form.is_valid()
    assert "phone" in form.errors


@pytest.mark.parametrize("method", ["phone", "text"])
def test_inquiry_form_needs_a_phone_to_call_or_text(method):
    form = bound(contact_method=method, phone="")

    assert not form.is_valid()
    assert form.errors["phone"] == ["Please enter a phone number so we can call or text you."]


def test_inquiry_form_accepts_a_text_request_with_a_phone():
    form = bound(contact_method="text", phone="212 555 0123")

    assert form.is_valid(), form.errors


def test_inquiry_form_refuses_an_unknown_contact_method():
    form = bound(contact_method="carrier-pigeon")

    assert "contact_method" in form.errors


def test_inquiry_form_keeps_line_breaks_and_tabs_in_the_message():
    form = bound(message="Line one\r\n\tLine two\rLine three")

    assert form.is_valid(), form.errors
    assert form.cleaned_data["message"] == "Line one\n\tLine two\nLine three"


def test_inquiry_form_keeps_markup_in_the_message_as_plain_text():
    form = bound(message="<script>alert('x')</script>")

    assert form.is_valid(), form.errors
    assert form.cleaned_data["message"] == "<script>alert('x')</script>"


@pytest.mark.parametrize(
    ("message", "valid"),
    [
        ("x" * 2000, True),
        ("x\r\n" * 1000, True),  # 2,000 characters once CRLF counts as one
        ("x" * 2001, False),
        ("x" * 10_000, False),
    ],
)
def test_inquiry_form_limits_the_message_to_2000_characters(message, valid):
    form = bound(message=message)

    assert form.is_valid() is valid


@pytest.mark.parametrize("message", ["Hello\x00", "\x1b[31mred\x1b[0m", "a\x0bb", "\x7f"])
def test_inquiry_form_refuses_control_characters_in_the_message(message):
    form = bound(message=message)

    assert form.errors["message"] == [CONTROL_CHARACTERS_MESSAGE]


def test_inquiry_form_removes_bidi_controls_from_the_message():
    form = bound(message="pay \u202eevil\u202c now")

    assert form.is_valid(), form.errors
    assert form.cleaned_data["message"] == "pay evil now"


@pytest.mark.parametrize(
    ("typed", "valid"),
    [("weekday mornings", True), ("x" * 101, False), ("after 5\x00", False)],
)
def test_inquiry_form_checks_the_best_time(typed, valid):
    form = bound(best_time=typed)

    assert form.is_valid() is valid


def test_inquiry_form_offers_only_active_topics():
    Topic.objects.filter(name="Other").update(is_active=False)
    hidden = Topic.objects.get(name="Other")

    form = bound(topic=str(hidden.pk))

    assert "topic" in form.errors
    assert "Other" not in str(InquiryForm()["topic"])


@pytest.mark.parametrize("topic", ["", "999999", "<script>", "1 OR 1=1"])
def test_inquiry_form_refuses_a_missing_or_unknown_topic(topic):
    form = bound(topic=topic)

    assert "topic" in form.errors


def test_inquiry_form_requires_consent():
    data = form_data()
    del data["consent"]

    form = InquiryForm(data=data)

    assert form.errors["consent"] == ["Please tick this box so we can contact you."]


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"website": "http://spam.example"}, "hidden honeypot field filled in"),
        ({"form_token": ""}, "form token missing"),
        ({"form_token": "0123.456:forged"}, "form token invalid"),
    ],
)
def test_inquiry_form_flags_spam_signs_without_blocking(overrides, reason):
    form = bound(**overrides)

    assert form.is_valid(), form.errors
    assert form.spam_reason.startswith(reason)
    assert not form.send_again


# 1 s: sent faster than a person types; two days: a form left open in a tab.
@pytest.mark.parametrize("seconds_ago", [1, 2 * 86400])
def test_inquiry_form_sent_too_fast_or_too_late_is_asked_for_again_not_spam(seconds_ago):
    form = bound(form_token=form_token(seconds_ago=seconds_ago))

    assert form.is_valid(), form.errors
    assert form.send_again
    assert form.spam_reason == ""


def test_form_shown_again_gets_a_token_that_passes_at_once_for_the_same_submission():
    first = bound(form_token=form_token(seconds_ago=0))
    first.is_valid()

    again = bound(form_token=first["form_token"].value())

    assert again.is_valid(), again.errors
    assert not again.send_again
    assert again.spam_reason == ""
    assert again.submission_token == first.submission_token


def test_form_token_carries_a_fresh_uuid_each_time():
    first = check_form_token(form_token())
    second = check_form_token(form_token())

    assert first.token != second.token


def test_form_token_timing_can_be_checked_at_a_given_time():
    shown = time.time()
    token = issue_form_token(now=shown)

    assert check_form_token(token, now=shown + 2).send_again
    assert not check_form_token(token, now=shown + 3).send_again
    assert check_form_token(token, now=shown + 86401).send_again


def test_unbound_form_renders_labels_and_autocomplete_hints():
    html = InquiryForm().as_div()

    for hint in ['autocomplete="given-name"', 'autocomplete="family-name"']:
        assert hint in html
    assert 'autocomplete="email"' in html
    assert 'inputmode="email"' in html
    assert 'autocomplete="tel"' in html
    assert 'inputmode="tel"' in html


def test_a_form_shown_with_errors_leaves_the_next_visitors_form_clean(client, db):
    # crispy marks invalid fields on the widgets it renders: one visitor's marks must
    # never show on the next visitor's form.
    shown = post_form(client, form_data(first_name="", email="not an email"))
    fresh = client.get("/get-in-touch/")

    assert shown.content.decode().count("is-invalid") >= 2
    assert "is-invalid" not in fresh.content.decode()
    assert 'value="not an email"' not in fresh.content.decode()


def test_the_message_box_has_no_maxlength_that_would_cut_pasted_text(client):
    html = client.get("/get-in-touch/").content.decode()
    textarea = html[html.index("<textarea") : html.index("</textarea>")]

    assert 'data-max-length="2000"' in textarea
    assert "maxlength" not in textarea.replace("data-max-length", "")


def test_a_topic_added_shows_on_the_very_next_form(client, db):
    client.get("/get-in-touch/")  # lists the topics once
    Topic.objects.create(name="Ketamine and chronic pain", order=50)

    page = client.get("/get-in-touch/").content.decode()

    assert "Ketamine and chronic pain" in page
