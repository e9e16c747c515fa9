"""Replies from the inquiry: the template rules, the reply page, and the outbox path."""

import smtplib
import uuid
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.urls import reverse
from django.utils import timezone

from inquiries.models import Inquiry, InquiryEvent, Notification, ReplyTemplate
from inquiries.outbox import send_due_notifications
from inquiries.replies import (
    PLACEHOLDERS,
    ReplyRefused,
    queue_reply,
    reply_problems,
    template_problems,
)
from tests.inquiries.crm_factories import change_url, make_inquiry, queue_url

Kind = InquiryEvent.Kind
FIRST_REPLY = "First reply"


class FailingBackend(LocmemBackend):
    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


def reply_url(inquiry):
    return reverse("admin:inquiries_inquiry_reply", args=[inquiry.pk])


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def template_named(name=FIRST_REPLY):
    return ReplyTemplate.objects.get(name=name)


def reply_form(client, inquiry, template=None):
    """The reply page's form as the browser would send it back, unedited."""
    template = template or template_named()
    response = client.get(reply_url(inquiry), {"template": template.pk})
    assert response.status_code == 200
    form = response.context["form"]
    return {name: form[name].value() for name in ("template", "form_token", "subject", "body")}


# The template rules ------------------------------------------------------------------


def test_seeded_templates_pass_the_rules(db):
    names = list(ReplyTemplate.objects.values_list("name", flat=True))

    assert names == ["First reply", "Could not reach you", "Consultation booked"]
    for template in ReplyTemplate.objects.all():
        assert template_problems(template.subject, template.body) == []


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("Hello {first_name}, {favourite_colour}", "unknown placeholder {favourite_colour}"),
        ("Hello {first_name", "stray { or }"),
        ("About your depression treatment", "“depression”"),
        ("Your PTSD consultation", "“ptsd”"),
        ("Bring your medication list", "“medication”"),
        ("Read https://evil.example.net/page first", "evil.example.net"),
        ("See www.other-clinic.com", "www.other-clinic.com"),
        ("Book at other-clinic.com/book", "other-clinic.com"),
    ],
)
def test_template_rules_refuse_each_case_with_the_reason(db, body, expected):
    problems = template_problems("Hello", body)

    assert len(problems) == 1
    assert expected in problems[0]


def test_template_rules_allow_the_clinics_own_links(db, settings):
    settings.SITE_URL = "https://clinic.example"
    settings.CLINIC_BOOKING_URL = "https://book.clinic.example/new"

    problems = template_problems(
        "Hi", "See https://clinic.example/about/ or https://book.clinic.example/new {booking_link}"
    )

    assert problems == []


def test_the_admin_refuses_a_template_with_an_unknown_placeholder_and_keeps_the_old_one(client, db):
    from tests.inquiries.crm_factories import make_staff

    manager = make_staff("manager", permissions=["inquiries.manage_replytemplate"])
    client.force_login(manager)
    template = template_named()
    url = reverse("admin:inquiries_replytemplate_change", args=[template.pk])

    response = client.post(
        url,
        {
            "name": template.name,
            "subject": "Hi {first_name}",
            "body": "Dear {first_nam}, call {clinic_phone}.",
            "order": 10,
            "is_active": "on",
        },
    )

    assert response.status_code == 200  # the form again, with the reason
    assert "unknown placeholder {first_nam}" in response.content.decode()
    template.refresh_from_db()
    assert "{first_nam}" not in template.body


def test_a_reply_that_quotes_the_patients_message_is_refused(db):
    inquiry = make_inquiry(message="I have been struggling to sleep since the accident last year.")

    problems = reply_problems(
        inquiry, "Hi", "You said you have been struggling to sleep since the accident."
    )

    assert problems == [
        "It repeats the patient's own message: what they wrote stays in the clinic's records, "
        "not in email."
    ]


def test_a_reply_that_shares_a_few_common_words_with_the_message_is_allowed(db):
    inquiry = make_inquiry(message="Could someone call me about availability in the evenings?")

    assert reply_problems(inquiry, "Hi", "Please call us in the evenings or book online.") == []


def test_placeholders_are_the_documented_five():
    assert PLACEHOLDERS == (
        "first_name",
        "clinic_name",
        "clinic_phone",
        "staff_first_name",
        "booking_link",
    )


# The reply page ----------------------------------------------------------------------


def test_reply_page_shows_the_template_filled_in(intake_client, intake_user, settings):
    intake_user.first_name = "Sam"
    intake_user.save()
    inquiry = make_inquiry(first_name="Grace")

    response = intake_client.get(reply_url(inquiry), {"template": template_named().pk})

    form = response.context["form"]
    assert form["subject"].value() == f"Your inquiry to {settings.CLINIC_NAME}"
    body = form["body"].value()
    assert body.startswith("Hello Grace,")
    assert "I'm Sam" in body
    assert settings.CLINIC_PHONE in body
    assert settings.CLINIC_BOOKING_URL in body
    assert "{" not in body


def test_sending_a_reply_queues_sends_and_records_it(
    intake_client, intake_user, mailoutbox, django_capture_on_commit_callbacks
):
    inquiry = make_inquiry(first_name="Grace", email="grace@example.com")
    data = reply_form(intake_client, inquiry)
    data["body"] = data["body"].replace("Hello Grace,", "Dear Grace,")

    with django_capture_on_commit_callbacks(execute=True):
        response = intake_client.post(reply_url(inquiry), data)

    assert response.status_code == 302
    assert response.url == change_url(inquiry)
    (email,) = mailoutbox
    assert email.to == ["grace@example.com"]
    assert email.body.startswith("Dear Grace,")
    reply = inquiry.notifications.get(kind=Notification.Kind.REPLY)
    assert (reply.state, reply.sent_by, reply.template) == ("sent", intake_user, template_named())
    assert reply.body == email.body
    event = inquiry.events.get(kind=Kind.EMAIL_SENT)
    assert event.actor == intake_user
    assert "“First reply” template, by intake" in event.message
    assert "Dear Grace," in event.message


def test_a_refused_reply_comes_back_with_the_text_kept_and_nothing_stored(
    intake_client, mailoutbox
):
    inquiry = make_inquiry()
    data = reply_form(intake_client, inquiry)
    data["body"] += "\nWe treat depression."

    response = intake_client.post(reply_url(inquiry), data)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Nothing was sent" in html
    assert "“depression”" in html
    assert "We treat depression." in html
    assert not inquiry.notifications.exists()
    assert mailoutbox == []


def test_the_same_reply_sent_twice_goes_once(
    intake_client, mailoutbox, django_capture_on_commit_callbacks
):
    inquiry = make_inquiry()
    data = reply_form(intake_client, inquiry)

    with django_capture_on_commit_callbacks(execute=True):
        intake_client.post(reply_url(inquiry), data)
        second = intake_client.post(reply_url(inquiry), data)

    assert len(mailoutbox) == 1
    assert inquiry.notifications.filter(kind=Notification.Kind.REPLY).count() == 1
    assert "already sent by intake" in messages_of(second)[-1]


def test_two_staff_opening_the_same_reply_at_once_send_it_once(intake_client, mailoutbox):
    from django.test import Client

    from tests.inquiries.crm_factories import make_intake_user

    inquiry = make_inquiry()
    first = reply_form(intake_client, inquiry)
    client = Client()
    client.force_login(make_intake_user("sam"))
    second = reply_form(client, inquiry)

    intake_client.post(reply_url(inquiry), first)
    response = client.post(reply_url(inquiry), second)

    assert first["form_token"] == second["form_token"]
    assert inquiry.notifications.filter(kind=Notification.Kind.REPLY).count() == 1
    assert "already sent by intake" in messages_of(response)[-1]


def test_a_later_reply_gets_a_new_token(intake_client):
    inquiry = make_inquiry()
    intake_client.post(reply_url(inquiry), reply_form(intake_client, inquiry))

    intake_client.post(reply_url(inquiry), reply_form(intake_client, inquiry))

    assert inquiry.notifications.filter(kind=Notification.Kind.REPLY).count() == 2


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"do_not_contact": True}, "marked do not contact"),
        ({"status": Inquiry.Status.SPAM}, "marked as spam"),
    ],
)
def test_replies_are_refused_to_do_not_contact_and_spam(intake_client, fields, reason):
    inquiry = make_inquiry()
    data = reply_form(intake_client, inquiry)
    Inquiry.objects.filter(pk=inquiry.pk).update(**fields)

    post = intake_client.post(reply_url(inquiry), data, follow=True)
    page = intake_client.get(change_url(inquiry)).content.decode()

    assert reason in messages_of(post)[0]
    assert not inquiry.notifications.exists()
    assert "Write the reply" not in page
    assert reason in page


def test_queue_reply_refuses_do_not_contact_even_without_the_admin(db, intake_user):
    inquiry = make_inquiry(do_not_contact=True)

    with pytest.raises(ReplyRefused, match="do not contact"):
        queue_reply(
            inquiry=inquiry,
            subject="Hi",
            body="Please call us.",
            template=None,
            sender=intake_user,
            form_token=uuid.uuid4(),
        )


# The outbox path: retried, and failures visible ---------------------------------------


def test_a_failed_reply_is_retried_and_shows_on_the_timeline_and_in_the_queue(
    intake_client, settings, mailoutbox, django_capture_on_commit_callbacks
):
    inquiry = make_inquiry()
    data = reply_form(intake_client, inquiry)
    settings.EMAIL_BACKEND = "tests.inquiries.test_replies.FailingBackend"

    with django_capture_on_commit_callbacks(execute=True):
        intake_client.post(reply_url(inquiry), data)

    reply = inquiry.notifications.get(kind=Notification.Kind.REPLY)
    assert (reply.state, reply.attempts) == ("pending", 1)
    assert reply.next_attempt_at > timezone.now()
    failed = inquiry.events.get(kind=Kind.EMAIL_FAILED)
    assert "will retry" in failed.message and "SMTPServerDisconnected" in failed.message
    queue = intake_client.get(queue_url()).content.decode()
    assert "✉ Reply failed" in queue
    detail = intake_client.get(change_url(inquiry)).content.decode()
    assert "Failed 1×, retrying" in detail

    # The back-off passes and the mail server is back: sent once, and no longer failing.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    Notification.objects.filter(pk=reply.pk).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )
    assert send_due_notifications() == (1, 0)
    assert send_due_notifications() == (0, 0)
    assert len(mailoutbox) == 1
    assert "✉ Reply failed" not in intake_client.get(queue_url()).content.decode()


def test_a_reply_that_gives_up_stays_visible_as_failed(intake_client):
    inquiry = make_inquiry()
    intake_client.post(reply_url(inquiry), reply_form(intake_client, inquiry))
    reply = inquiry.notifications.get(kind=Notification.Kind.REPLY)

    for _ in range(Notification.MAX_ATTEMPTS):
        reply.mark_failed(smtplib.SMTPServerDisconnected("gone"))

    assert reply.state == Notification.State.FAILED
    assert inquiry.events.filter(kind=Kind.EMAIL_FAILED).last().message.count("gave up") == 1
    detail = intake_client.get(change_url(inquiry)).content.decode()
    assert "Failed, gave up after 8 attempts" in detail
    failed_filter = intake_client.get(queue_url(), {"contact": "reply_failed"})
    assert inquiry.reference in failed_filter.content.decode()
