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


# Issue 26: the work screen, built for working the inquiry.


def _known_inquiry(**fields):
    from datetime import timedelta

    from django.utils import timezone

    from tests.pages.factories import make_page

    page = make_page(title="Ketamine for PTSD")
    values = {
        "first_name": "Grace",
        "last_name": "Hopper",
        "email": "grace@example.com",
        "phone": "+12125550123",
        "contact_method": Inquiry.ContactMethod.PHONE,
        "best_time": "Evenings after 6 pm",
        "message": "Could someone call me about a first appointment?",
        "source_page": page,
        "source_path": page.path,
        "consent_version": "2026-11",
        "created_at": timezone.now() - timedelta(hours=2),
        "consent_given_at": timezone.now() - timedelta(hours=2),
        "priority": Inquiry.Priority.HIGH,
    }
    return make_inquiry(**{**values, **fields})


def _text(html):
    """The page's visible words, tags removed and whitespace collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_work_screen_shows_a_known_inquiry_message_first(intake_client):
    inquiry = _known_inquiry()

    response = intake_client.get(change_url(inquiry))

    assert response.status_code == 200
    html = response.content.decode()
    text = _text(html)
    heading = re.search(r"<h1>(.*?)</h1>", html, re.DOTALL).group(1)
    assert _text(heading) == f"Grace Hopper {inquiry.reference}"
    assert "New" in text and "High priority" in text
    assert "Waiting 2 h; first contact due by" in text
    assert "Nobody has claimed this yet." in text
    assert re.search(r"<button[^>]*>Claim</button>", html)
    # The message first: before the actions, the timeline and the contact details.
    message_at = html.index("Could someone call me about a first appointment?")
    assert message_at < html.index('id="crm-timeline-heading"')
    assert message_at < html.index('id="crm-actions-heading"')
    assert "Preferred contact Phone call" in text
    assert "Best time to reach Evenings after 6 pm" in text
    assert "Topic PTSD" in text
    assert "Source page Ketamine for PTSD" in text
    assert "Consent Given 2 h ago (wording 2026-11)" in text


def test_work_screen_shows_contact_details_read_only_with_an_edit_link(intake_client):
    inquiry = _known_inquiry()

    html = intake_client.get(change_url(inquiry)).content.decode()

    text = _text(html)
    assert "Email grace@example.com" in text
    assert "Phone +12125550123" in text
    # No inputs for the patient's details and no Save button on the work screen.
    for name in ("first_name", "last_name", "email", "phone"):
        assert f'name="{name}"' not in html
    assert "Save" not in text
    assert f'href="{details_url(inquiry)}">Edit contact details</a>' in html


def test_work_screen_says_who_has_it(intake_client, intake_user):
    sam = make_staff("sam")
    sam.first_name = "Sam"
    sam.save()
    inquiry = _known_inquiry(assignee=sam)

    text = _text(intake_client.get(change_url(inquiry)).content.decode())

    assert "Assigned to Sam" in text
    assert "Nobody has claimed this yet." not in text


def test_attempt_form_has_nothing_preset(intake_client):
    # Before issue 26 it came as Email + Reached: one hurried click logged a contact.
    inquiry = _known_inquiry(contact_method=Inquiry.ContactMethod.EMAIL)

    html = intake_client.get(change_url(inquiry)).content.decode()

    radios = re.findall(r'<input type="radio" name="crm-attempt-(?:method|outcome)"[^>]*>', html)
    assert len(radios) == 8  # three ways, five outcomes
    assert not [radio for radio in radios if "checked" in radio]
    assert "<select" not in html[html.index("Log a call or text") : html.index("Log attempt")]


def test_an_attempt_without_how_or_outcome_is_refused_and_logs_nothing(intake_client):
    inquiry = _known_inquiry()

    response = intake_client.post(action_url(inquiry, "attempt"), {}, follow=True)

    assert _messages(response) == [
        "Nothing changed. How: choose how you tried (phone, text or email). "
        "What happened: choose what happened."
    ]
    inquiry.refresh_from_db()
    assert inquiry.contact_attempts == 0


def test_reply_composer_shows_the_message_preference_and_best_time(intake_client):
    from inquiries.models import ReplyTemplate

    inquiry = _known_inquiry()
    template = ReplyTemplate.objects.get(name="First reply")

    response = intake_client.get(action_url(inquiry, "reply"), {"template": template.pk})

    text = _text(response.content.decode())
    assert "Could someone call me about a first appointment?" in text
    assert "Preferred contact Phone call" in text
    assert "Best time to reach Evenings after 6 pm" in text
    assert response.context["form"].initial["body"].startswith("Hello Grace,")


def test_edit_contact_details_asks_for_a_phone_for_a_call_as_the_public_form_does(intake_client):
    inquiry = make_inquiry(phone="", contact_method=Inquiry.ContactMethod.EMAIL)

    response = intake_client.post(
        details_url(inquiry), details_form_data(inquiry, contact_method="phone")
    )

    assert response.status_code == 200
    assert response.context["form"].errors["phone"] == ["A call or a text needs a phone number."]
    inquiry.refresh_from_db()
    assert inquiry.contact_method == Inquiry.ContactMethod.EMAIL


def test_edit_contact_details_comes_back_to_the_work_screen_confirmed(intake_client):
    inquiry = make_inquiry(best_time="")

    response = intake_client.post(
        details_url(inquiry), details_form_data(inquiry, best_time="Mornings"), follow=True
    )

    assert response.redirect_chain == [(change_url(inquiry), 302)]
    assert _messages(response) == [f"{inquiry.reference}: contact details saved."]
    assert "Best time to reach Mornings" in _text(response.content.decode())


def test_the_stock_change_form_address_opens_the_work_screen(intake_client):
    from django.urls import reverse

    inquiry = make_inquiry()

    response = intake_client.get(reverse("admin:inquiries_inquiry_change", args=[inquiry.pk]))

    assert response.status_code == 302
    assert response["Location"] == change_url(inquiry)


@pytest.mark.parametrize("events", [3, 300])
def test_work_screen_query_count_does_not_grow_with_the_timeline(
    intake_client, intake_user, django_assert_num_queries, events
):
    from django.utils import timezone

    from inquiries.models import Notification

    inquiry = _known_inquiry()
    other = make_staff("ines")
    kinds = [Kind.NOTE, Kind.VIEWED, Kind.CONTACT_ATTEMPT]
    InquiryEvent.objects.bulk_create(
        InquiryEvent(inquiry=inquiry, kind=kinds[n % 3], actor=other, message=f"Event {n}")
        for n in range(events)
    )
    Notification.objects.bulk_create(
        Notification(
            inquiry=inquiry,
            kind=Notification.Kind.REPLY,
            subject="Hello",
            body=f"Reply {n}",
            sent_by=intake_user,
            created_at=timezone.now(),
        )
        for n in range(events // 3)
    )
    intake_client.get(change_url(inquiry))  # sessions, permissions and the like, warmed

    # The same for 3 or 300 events: the timeline is read in three queries, and paged.
    # (19 since issue 29: the Consultation box, and the closures the promise skips.)
    with django_assert_num_queries(19):
        response = intake_client.get(change_url(inquiry))

    assert response.status_code == 200
    shown = response.context["timeline"]
    assert len(shown) == min(events, 50) or len(shown) <= 50
    assert response.context["timeline_more"] is (events > 50)


def test_work_screen_flags_a_missed_follow_up_in_words(intake_client):
    from datetime import timedelta

    from django.utils import timezone

    missed = timezone.localdate() - timedelta(days=5)
    inquiry = make_inquiry(status=Status.CONTACTED, follow_up_on=missed)

    text = _text(intake_client.get(change_url(inquiry)).content.decode())

    assert f"⚠ Follow-up missed: {missed:%b} {missed.day}, {missed.year}" in text
