import re
from datetime import date

import pytest
from django.contrib.messages import get_messages

from inquiries.models import Inquiry, InquiryEvent
from tests.inquiries.crm_factories import (
    action_url,
    change_url,
    details_form_data,
    details_url,
    make_inquiry,
    make_intake_user,
    make_staff,
)

Status = Inquiry.Status
Kind = InquiryEvent.Kind


def _messages(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_detail_page_records_a_viewed_event(intake_client, intake_user):
    inquiry = make_inquiry()

    response = intake_client.get(change_url(inquiry))

    assert response.status_code == 200
    event = inquiry.events.get()
    assert event.kind == Kind.VIEWED
    assert event.actor == intake_user


def test_detail_page_escapes_the_message(intake_client):
    inquiry = make_inquiry(message="<script>alert('x')</script>\nsecond line")

    html = intake_client.get(change_url(inquiry)).content.decode()

    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;<br>second line" in html
    assert "<script>alert" not in html


def test_detail_page_shows_contact_source_and_campaign(intake_client):
    inquiry = make_inquiry(
        phone="+15550100100",
        source_path="/treatments/ketamine-for-ptsd/",
        utm_source="newsletter",
        utm_campaign="spring",
    )

    html = intake_client.get(change_url(inquiry)).content.decode()

    assert inquiry.email in html
    assert "+15550100100" in html
    assert "/treatments/ketamine-for-ptsd/" in html
    assert "source: newsletter · campaign: spring" in html


def test_detail_page_links_other_inquiries_from_the_same_email_or_phone(intake_client):
    inquiry = make_inquiry(email="ada@example.com", phone="+15550100100")
    same_email = make_inquiry(email="ADA@example.com")
    same_phone = make_inquiry(phone="+15550100100")
    stranger = make_inquiry(email="someone@example.com")

    html = intake_client.get(change_url(inquiry)).content.decode()

    assert f'href="{change_url(same_email)}">{same_email.reference}</a>' in html
    assert f'href="{change_url(same_phone)}">{same_phone.reference}</a>' in html
    assert stranger.reference not in html


def test_detail_page_offers_only_allowed_transitions(intake_client):
    inquiry = make_inquiry(status=Status.SPAM)

    html = intake_client.get(change_url(inquiry)).content.decode()

    assert '<option value="new">New</option>' in html
    assert '<option value="contacted">' not in html


def test_status_form_moves_the_inquiry_and_records_the_change(intake_client, intake_user):
    inquiry = make_inquiry()

    response = intake_client.post(
        action_url(inquiry, "status"), {"crm-status-status": "contacted"}, follow=True
    )

    assert response.redirect_chain == [(change_url(inquiry), 302)]
    assert _messages(response) == [f"{inquiry.reference} moved to Contacted."]
    inquiry.refresh_from_db()
    assert inquiry.status == Status.CONTACTED
    assert inquiry.events.filter(kind=Kind.STATUS_CHANGED, actor=intake_user).exists()


def test_status_form_refuses_a_transition_the_pipeline_does_not_allow(intake_client):
    inquiry = make_inquiry(status=Status.SPAM)

    response = intake_client.post(
        action_url(inquiry, "status"), {"crm-status-status": "patient"}, follow=True
    )

    assert "Nothing changed" in _messages(response)[0]
    inquiry.refresh_from_db()
    assert inquiry.status == Status.SPAM
    assert not inquiry.events.exclude(kind=Kind.VIEWED).exists()


@pytest.mark.parametrize(
    ("action", "data", "kind", "check"),
    [
        ("note", {"crm-note-text": "Prefers mornings"}, Kind.NOTE, None),
        (
            "attempt",
            {"crm-attempt-method": "phone", "crm-attempt-outcome": "voicemail"},
            Kind.CONTACT_ATTEMPT,
            ("contact_attempts", 1),
        ),
        (
            "follow_up",
            {"crm-follow-up-follow_up_on": "2030-01-15"},
            Kind.FOLLOW_UP_SET,
            ("follow_up_on", date(2030, 1, 15)),
        ),
        (
            "priority",
            {"crm-priority-priority": "1", "crm-priority-reason": "crisis words"},
            Kind.PRIORITY_CHANGED,
            ("priority", Inquiry.Priority.URGENT),
        ),
    ],
)
def test_each_detail_action_records_its_event(
    intake_client, intake_user, action, data, kind, check
):
    inquiry = make_inquiry()

    response = intake_client.post(action_url(inquiry, action), data)

    assert response.status_code == 302
    event = inquiry.events.get(kind=kind)
    assert event.actor == intake_user
    if check:
        inquiry.refresh_from_db()
        assert getattr(inquiry, check[0]) == check[1]


def test_assign_form_assigns_and_unassigns(intake_client, intake_user):
    colleague = make_intake_user("colleague")
    inquiry = make_inquiry()

    intake_client.post(action_url(inquiry, "assign"), {"crm-assign-assignee": colleague.pk})
    inquiry.refresh_from_db()
    assert inquiry.assignee == colleague
    intake_client.post(action_url(inquiry, "assign"), {"crm-assign-assignee": ""})

    inquiry.refresh_from_db()
    assert inquiry.assignee is None
    assert inquiry.events.filter(kind=Kind.ASSIGNED).count() == 2


def test_assign_form_offers_only_staff_who_work_inquiries(intake_client):
    make_staff("editor-only")
    inquiry = make_inquiry()

    html = intake_client.get(change_url(inquiry)).content.decode()

    assert ">intake</option>" in html
    assert "editor-only" not in html


def test_action_views_refuse_get(intake_client):
    inquiry = make_inquiry()

    assert intake_client.get(action_url(inquiry, "note")).status_code == 405


def test_saving_details_records_an_update_and_leaves_the_pipeline_alone(intake_client):
    inquiry = make_inquiry(first_name="Ada", phone="")
    data = {
        "first_name": "Augusta",
        "last_name": inquiry.last_name,
        "email": inquiry.email,
        "phone": "(212) 555-0100",
        "contact_method": "phone",
        "best_time": "",
        "topic": inquiry.topic_id,
        # Not in the form: a crafted POST can't move the inquiry past the pipeline.
        "status": "patient",
        "assignee": "",
    }

    response = intake_client.post(details_url(inquiry), data)

    assert response.status_code == 302
    inquiry.refresh_from_db()
    assert inquiry.first_name == "Augusta"
    assert inquiry.phone == "+12125550100"
    assert inquiry.status == Status.NEW
    event = inquiry.events.get(kind=Kind.UPDATED)
    assert event.data["fields"] == ["first_name", "phone", "contact_method"]


def test_timeline_lists_every_kind_of_event_newest_first(intake_client, intake_user):
    inquiry = make_inquiry()
    inquiry.record_event(Kind.CREATED, message="Submitted from the website")
    inquiry.record_event(Kind.EMAIL_FAILED, message="Intake team notification failed")
    inquiry.add_note("Prefers mornings", actor=intake_user)
    inquiry.record_event(Kind.EXPORTED, actor=intake_user, message="Exported (3 rows)")

    html = intake_client.get(change_url(inquiry)).content.decode()

    timeline = html[html.index('id="crm-timeline-heading"') :]
    positions = [
        timeline.index(text)
        for text in ["Viewed", "Exported (3 rows)", "Prefers mornings", "Email failed", "Created"]
    ]
    assert positions == sorted(positions)


def test_read_only_staff_see_the_inquiry_but_no_forms(client, db):
    reader = make_staff("reader", permissions=["inquiries.view_inquiry"])
    inquiry = make_inquiry()
    client.force_login(reader)

    html = client.get(change_url(inquiry)).content.decode()

    assert "You can read this inquiry but not change it." in html
    assert (
        client.post(action_url(inquiry, "status"), {"crm-status-status": "spam"}).status_code == 403
    )
    assert client.post(action_url(inquiry, "note"), {"crm-note-text": "x"}).status_code == 403


# Issue 25, item 13: the admin applies the public form's rules to contact details.


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("phone", "555-1234", "Please enter a phone number we can call, like (212) 555-0123"),
        ("first_name", "<script>x</script>", "Please use only letters, spaces, hyphens"),
        ("last_name", "Visit https://spam.example", "Please enter a name only"),
        ("email", "ada@localhost", "Please enter an email address like name@example.com."),
        ("first_name", "Ada\x07", "This contains characters we can't accept"),
    ],
)
def test_details_form_refuses_what_the_public_form_refuses(intake_client, field, typed, message):
    inquiry = make_inquiry(first_name="Ada", phone="+12125550123")
    before = Inquiry.objects.filter(pk=inquiry.pk).values().get()

    response = intake_client.post(
        details_url(inquiry), details_form_data(inquiry, **{field: typed})
    )

    assert response.status_code == 200  # the form again, with the message beside the field
    errors = response.context["form"].errors[field]
    assert any(error.startswith(message) for error in errors), errors
    assert Inquiry.objects.filter(pk=inquiry.pk).values().get() == before
    assert not inquiry.events.filter(kind=Kind.UPDATED).exists()


def test_details_form_stores_valid_input_as_the_public_form_would(intake_client):
    inquiry = make_inquiry(first_name="Ada", phone="")

    response = intake_client.post(
        details_url(inquiry),
        details_form_data(
            inquiry,
            first_name="  Ada\u200b   Mary ",
            email="Ada.Lovelace@Example.COM",
            phone="(212) 555-0123",
            best_time=" weekday   mornings ",
        ),
    )

    assert response.status_code == 302
    inquiry.refresh_from_db()
    assert inquiry.first_name == "Ada Mary"
    assert inquiry.email == "Ada.Lovelace@example.com"
    assert inquiry.phone == "+12125550123"
    assert inquiry.best_time == "weekday mornings"


def test_details_form_takes_a_phone_and_email_as_typed_into_the_public_form(intake_client):
    inquiry = make_inquiry(first_name="Ada", phone="")
    page = intake_client.get(details_url(inquiry)).content.decode()
    # The browser lets staff type as much as a patient may (the stored number is shorter).
    assert re.search(r'<input[^>]*name="phone"[^>]*maxlength="30"', page)

    response = intake_client.post(
        details_url(inquiry),
        details_form_data(inquiry, email="ada\u200b@example.com", phone="+1  ( 212 )  555 - 0123"),
    )

    assert response.status_code == 302
    inquiry.refresh_from_db()
    assert (inquiry.email, inquiry.phone) == ("ada@example.com", "+12125550123")


def test_a_phone_stored_in_an_old_format_is_named_when_another_detail_is_edited(intake_client):
    # Stored before the admin checked numbers: not one that can be called.
    inquiry = make_inquiry(first_name="Ada", phone="+15551234")

    response = intake_client.post(
        details_url(inquiry), details_form_data(inquiry, best_time="Evenings")
    )

    assert response.status_code == 200  # the form again, with the phone's message beside it
    form = response.context["form"]
    assert list(form.errors) == ["phone"]
    assert form.errors["phone"][0].startswith("Please enter a phone number we can call")
    assert "Please enter a phone number we can call" in response.content.decode()
    inquiry.refresh_from_db()
    assert (inquiry.best_time, inquiry.phone) == ("", "+15551234")
