"""An inquiry moved out of spam gets the emails a new inquiry gets, once, after commit:
filed as spam, it was stored without them."""

import pytest

from inquiries.models import Inquiry, Notification
from tests.inquiries.crm_factories import action_url, make_inquiry, queue_url

Status = Inquiry.Status
INTAKE = "intake@clinic.example"


@pytest.fixture(autouse=True)
def intake_addresses(settings):
    settings.INTAKE_NOTIFY_EMAILS = [INTAKE]


def not_spam_by_bulk_action(client, inquiry):
    return client.post(
        f"{queue_url()}?status=all",
        {"action": "mark_not_spam", "_selected_action": [inquiry.pk]},
    )


def not_spam_on_the_work_screen(client, inquiry):
    return client.post(action_url(inquiry, "status"), {"crm-status-status": Status.NEW})


@pytest.mark.parametrize("move", [not_spam_by_bulk_action, not_spam_on_the_work_screen])
def test_an_inquiry_marked_not_spam_gets_its_acknowledgement_and_intake_email(
    intake_client, mailoutbox, django_capture_on_commit_callbacks, move
):
    inquiry = make_inquiry(status=Status.SPAM, spam_reason="sent 1 s after the form was shown")

    with django_capture_on_commit_callbacks(execute=True):
        response = move(intake_client, inquiry)

    assert response.status_code == 302
    inquiry.refresh_from_db()
    assert inquiry.status == Status.NEW
    assert sorted(mail.to[0] for mail in mailoutbox) == sorted([inquiry.email, INTAKE])
    assert set(inquiry.notifications.values_list("kind", "state")) == {
        (Notification.Kind.ACKNOWLEDGEMENT, Notification.State.SENT),
        (Notification.Kind.INTAKE, Notification.State.SENT),
    }


def test_emails_already_sent_before_a_mistaken_spam_mark_are_not_sent_again(
    intake_client, mailoutbox, django_capture_on_commit_callbacks
):
    inquiry = make_inquiry()
    for kind in (Notification.Kind.ACKNOWLEDGEMENT, Notification.Kind.INTAKE):
        inquiry.notifications.create(kind=kind, state=Notification.State.SENT)

    with django_capture_on_commit_callbacks(execute=True):
        intake_client.post(
            f"{queue_url()}?status=all",
            {"action": "mark_spam", "_selected_action": [inquiry.pk]},
        )
        not_spam_by_bulk_action(intake_client, inquiry)

    inquiry.refresh_from_db()
    assert inquiry.status == Status.NEW
    assert mailoutbox == []
    assert inquiry.notifications.count() == 2
