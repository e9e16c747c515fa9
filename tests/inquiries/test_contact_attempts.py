"""Contact attempts: counting, the close-after-three offer, and do-not-contact."""

import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from inquiries.models import ContactAttempt, Inquiry, InquiryEvent, Notification
from tests.inquiries.crm_factories import action_url, change_url, make_inquiry, queue_url

Outcome = ContactAttempt.Outcome
Status = Inquiry.Status


def log(client, inquiry, outcome, method="phone", note=""):
    return client.post(
        action_url(inquiry, "attempt"),
        {"crm-attempt-method": method, "crm-attempt-outcome": outcome, "crm-attempt-note": note},
    )


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def close_url(inquiry):
    return reverse("admin:inquiries_inquiry_close_no_response", args=[inquiry.pk])


def test_attempts_are_counted_and_shown_in_the_queue_and_on_the_detail(intake_client):
    inquiry = make_inquiry()

    log(intake_client, inquiry, Outcome.NO_ANSWER)
    log(intake_client, inquiry, Outcome.VOICEMAIL, method="text", note="Sent a text too")

    inquiry.refresh_from_db()
    assert (inquiry.contact_attempts, inquiry.unanswered_attempts) == (2, 2)
    last = inquiry.attempts.first()
    assert inquiry.last_attempt_at == last.created_at
    assert (last.method, last.outcome, last.note) == ("text", "voicemail", "Sent a text too")
    row = intake_client.get(queue_url()).content.decode()
    assert '<td class="field-attempts">2 <span class="crm-quiet">· <time datetime="' in row
    detail = intake_client.get(change_url(inquiry)).content.decode()
    assert "2 contact attempts, last" in detail
    assert "Left voicemail" in detail
    events = inquiry.events.filter(kind=InquiryEvent.Kind.CONTACT_ATTEMPT)
    assert [event.message for event in events] == [
        "Phone: no answer (attempt 1)",
        "Text: left voicemail (attempt 2). Sent a text too",
    ]


def test_reaching_a_new_inquiry_moves_it_to_contacted_and_resets_the_streak(intake_client):
    inquiry = make_inquiry()
    log(intake_client, inquiry, Outcome.NO_ANSWER)

    log(intake_client, inquiry, Outcome.REACHED)

    inquiry.refresh_from_db()
    assert inquiry.status == Status.CONTACTED
    assert inquiry.first_contacted_at is not None
    assert (inquiry.unanswered_attempts, inquiry.attempts_to_reach) == (0, 2)
    assert inquiry.reached_at == inquiry.last_attempt_at


def test_old_call_log_entries_still_show_on_the_timeline(intake_client, intake_user):
    inquiry = make_inquiry()
    inquiry.record_event(InquiryEvent.Kind.CALL_LOGGED, actor=intake_user, message="Old call")

    html = intake_client.get(change_url(inquiry)).content.decode()

    assert "Call logged" in html and "Old call" in html
    assert "Log call" not in html  # new entries are contact attempts


@pytest.mark.parametrize(
    ("outcomes", "offered"),
    [
        ([Outcome.NO_ANSWER, Outcome.VOICEMAIL], False),
        ([Outcome.NO_ANSWER, Outcome.VOICEMAIL, Outcome.NO_ANSWER], True),
        ([Outcome.NO_ANSWER, Outcome.VOICEMAIL, Outcome.REACHED, Outcome.NO_ANSWER], False),
        ([Outcome.NO_ANSWER, Outcome.WRONG_NUMBER, Outcome.NO_ANSWER], False),
    ],
)
def test_close_as_no_response_is_offered_after_three_unanswered_in_a_row(
    intake_client, outcomes, offered
):
    inquiry = make_inquiry()
    for outcome in outcomes:
        log(intake_client, inquiry, outcome)

    html = intake_client.get(change_url(inquiry)).content.decode()

    assert ("Close and send “Could not reach you”" in html) is offered


def test_closing_as_no_response_sends_the_could_not_reach_you_reply(
    intake_client, intake_user, mailoutbox, django_capture_on_commit_callbacks
):
    inquiry = make_inquiry(first_name="Grace")
    for _ in range(3):
        log(intake_client, inquiry, Outcome.VOICEMAIL)
    offer = intake_client.get(change_url(inquiry)).context["close_offer"]

    with django_capture_on_commit_callbacks(execute=True):
        response = intake_client.post(
            close_url(inquiry),
            {
                "send_reply": "1",
                "template": offer["template"].pk,
                "form_token": offer["token"],
                "subject": offer["subject"],
                "body": offer["body"],
            },
        )

    assert response.status_code == 302
    assert messages_of(response) == [
        f"{inquiry.reference} closed as no response, and the could-not-reach-you reply queued."
    ]
    inquiry.refresh_from_db()
    assert inquiry.status == Status.NO_RESPONSE
    (email,) = mailoutbox
    assert email.subject.startswith("We tried to reach you")
    assert email.body.startswith("Hello Grace,")
    reply = inquiry.notifications.get(kind=Notification.Kind.REPLY)
    assert (reply.template.name, reply.sent_by) == ("Could not reach you", intake_user)


def test_closing_as_no_response_is_refused_before_three_attempts(intake_client):
    inquiry = make_inquiry()
    log(intake_client, inquiry, Outcome.NO_ANSWER)

    response = intake_client.post(close_url(inquiry), {})

    assert "has not had three unanswered attempts" in messages_of(response)[-1]
    inquiry.refresh_from_db()
    assert inquiry.status == Status.NEW


def test_asked_not_to_be_contacted_sets_the_flag_shown_in_the_queue(intake_client):
    inquiry = make_inquiry(first_name="Grace", last_name="Hopper")

    response = log(intake_client, inquiry, Outcome.DO_NOT_CONTACT)

    assert "Marked do not contact" in messages_of(response)[-1]
    inquiry.refresh_from_db()
    assert inquiry.do_not_contact
    queue = intake_client.get(queue_url()).content.decode()
    assert re.search(
        r'<a class="crm-name" href="[^"]+">Grace Hopper</a> '
        r'<span class="crm-flag crm-flag--dnc">⊘ Do not contact</span>',
        queue,
    )
    flagged = intake_client.get(queue_url(), {"contact": "do_not_contact"}).content.decode()
    assert inquiry.reference in flagged


def test_do_not_contact_blocks_the_reply_page(intake_client):
    inquiry = make_inquiry(do_not_contact=True)
    template_pk = Notification._meta.get_field("template").related_model.objects.first().pk

    response = intake_client.get(
        reverse("admin:inquiries_inquiry_reply", args=[inquiry.pk]), {"template": template_pk}
    )

    assert response.status_code == 302
    assert "marked do not contact" in messages_of(response)[-1]


@pytest.mark.parametrize(
    "data",
    [
        {"crm-attempt-method": "pigeon", "crm-attempt-outcome": "reached"},
        {"crm-attempt-method": "phone", "crm-attempt-outcome": "maybe"},
        {"crm-attempt-method": "phone"},
    ],
)
def test_an_odd_attempt_is_refused_and_changes_nothing(intake_client, data):
    inquiry = make_inquiry()

    response = intake_client.post(action_url(inquiry, "attempt"), data)

    assert messages_of(response)[-1].startswith("Nothing changed.")
    inquiry.refresh_from_db()
    assert inquiry.contact_attempts == 0
    assert not inquiry.attempts.exists()
