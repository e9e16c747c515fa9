"""Staff book, move and cancel for the patient with the same rules, see the booking on
the work screen and in the Consultations list, and mark how it went; content editors see
none of it."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from consultations.models import Booking, Closure, ConsultationOffer
from inquiries.models import Inquiry, InquiryEvent, ReplyTemplate
from staff.models import AuditEntry
from tests.consultations.conftest import free
from tests.consultations.factories import make_booking
from tests.consultations.helpers import pick, post
from tests.inquiries.crm_factories import make_editor, make_inquiry, work_url

pytestmark = pytest.mark.django_db


def book_url(inquiry):
    return reverse("admin:consultations_book", args=[inquiry.pk])


def booking_url(name, booking):
    return reverse(f"admin:consultations_{name}", args=[booking.pk])


def list_url(**query):
    url = reverse("admin:consultations_booking_changelist")
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_staff_book_from_the_work_screen_in_two_steps(intake_client, intake_user, inquiry, offer):
    slot = free(offer)[2]

    screen = intake_client.get(work_url(inquiry)).content.decode()
    times = intake_client.get(book_url(inquiry)).content.decode()
    confirm = intake_client.get(book_url(inquiry) + f"?time={slot.key}").content.decode()
    response = pick(intake_client, book_url(inquiry), slot)

    assert "Book a consultation" in screen
    assert f"?time={slot.key}" in times and "America/New_York" in times
    assert "Book this time" in confirm
    assert response.status_code == 302 and response["Location"] == work_url(inquiry)
    booking = Booking.objects.get()
    assert (booking.starts_at, booking.booked_by) == (slot.starts_at, intake_user)
    inquiry.refresh_from_db()
    assert inquiry.status == Inquiry.Status.CONSULTATION_SCHEDULED
    assert inquiry.events.filter(message__contains="(by intake)").exists()
    assert AuditEntry.objects.filter(actor_id=intake_user.pk, detail__contains="booked").exists()
    after = intake_client.get(work_url(inquiry)).content.decode()
    assert "Consultation booked for" in after
    assert "Move" in after and "Cancel the consultation" in after


def test_staff_booking_refuses_a_taken_time_with_the_times_still_free(
    intake_client, inquiry, offer
):
    slot = free(offer)[0]
    make_booking(offer, make_inquiry(), slot.starts_at)

    response = pick(intake_client, book_url(inquiry), slot)

    assert response.status_code == 409
    assert "That time was just taken" in response.content.decode()
    assert f"?time={free(offer)[0].key}" in response.content.decode()


def test_staff_booking_refuses_a_past_time(intake_client, inquiry, offer):
    past = timezone.now().replace(minute=0, second=0, microsecond=0) - timedelta(hours=2)

    response = post(
        intake_client,
        book_url(inquiry),
        {"time": f"{offer.pk}-{int(past.timestamp())}", "request_token": ""},
    )

    assert response.status_code == 400
    assert "That time has passed" in response.content.decode()
    assert not Booking.objects.exists()


def test_staff_may_book_for_an_urgent_inquiry(intake_client, offer):
    inquiry = make_inquiry(priority=Inquiry.Priority.URGENT, status="contacted")

    pick(intake_client, book_url(inquiry), free(offer)[0])

    assert Booking.objects.filter(inquiry=inquiry).exists()


def test_staff_move_and_cancel_free_the_time(intake_client, inquiry, offer):
    first, second = free(offer)[0], free(offer)[4]
    pick(intake_client, book_url(inquiry), first)
    booking = Booking.objects.get()

    pick(intake_client, booking_url("move", booking), second)
    moved = Booking.objects.get(status="booked")
    post(intake_client, booking_url("cancel", moved))

    assert moved.starts_at == second.starts_at
    assert not Booking.objects.live().exists()
    assert {first.starts_at, second.starts_at} <= {slot.starts_at for slot in free(offer)}
    inquiry.refresh_from_db()
    assert inquiry.status == Inquiry.Status.CONTACTED
    details = list(
        AuditEntry.objects.filter(object_id=str(inquiry.pk)).values_list("detail", flat=True)
    )
    assert any("consultation booked" in detail for detail in details)
    assert any("consultation moved" in detail for detail in details)
    assert any("cancelled" in detail for detail in details)


def test_the_work_screen_after_a_consultation_action_records_no_view(intake_client, inquiry, offer):
    past = make_booking(
        offer, make_inquiry(), timezone.now().replace(second=0, microsecond=0) - timedelta(hours=1)
    )
    actions = [
        lambda: pick(intake_client, book_url(inquiry), free(offer)[0]),
        lambda: pick(
            intake_client, booking_url("move", Booking.objects.get(inquiry=inquiry)), free(offer)[3]
        ),
        lambda: post(
            intake_client, booking_url("cancel", Booking.objects.live().get(inquiry=inquiry))
        ),
        lambda: post(intake_client, booking_url("outcome", past), {"outcome": "attended"}),
    ]

    for action in actions:
        response = action()
        assert response.status_code == 302
        assert intake_client.get(response["Location"]).status_code == 200

    # Four confirmations read on the work screen, and not one "Viewed" line for them.
    views = InquiryEvent.objects.filter(kind=InquiryEvent.Kind.VIEWED)
    assert not views.exists()
    intake_client.get(work_url(inquiry))
    assert views.count() == 1


def test_attended_and_no_show_only_once_the_time_has_come(intake_client, inquiry, offer):
    upcoming = make_booking(offer, inquiry, free(offer)[0].starts_at)
    past = make_booking(
        offer, make_inquiry(), timezone.now().replace(second=0, microsecond=0) - timedelta(hours=1)
    )

    too_soon = post(intake_client, booking_url("outcome", upcoming), {"outcome": "attended"})
    post(intake_client, booking_url("outcome", past), {"outcome": "no_show"})

    assert "has not started yet" in intake_client.get(too_soon["Location"]).content.decode()
    upcoming.refresh_from_db()
    past.refresh_from_db()
    assert (upcoming.status, past.status) == ("booked", "no_show")
    assert past.inquiry.events.filter(message__contains="did not attend").exists()
    screen = intake_client.get(work_url(past.inquiry)).content.decode()
    assert "Did not attend" in screen
    template = ReplyTemplate.objects.get(name="Could not reach you")
    offer_url = reverse("admin:inquiries_inquiry_reply", args=[past.inquiry.pk])
    assert f"{offer_url}?template={template.pk}" in screen
    reply = intake_client.get(f"{offer_url}?template={template.pk}").content.decode()
    assert "We have tried to reach you" in reply


def test_the_consultations_list_shows_today_by_default(intake_client, offer):
    now = timezone.localtime()
    today = make_booking(offer, make_inquiry(first_name="Today"), now + timedelta(minutes=1))
    tomorrow = now.replace(hour=10, minute=0, second=0, microsecond=0) + timedelta(days=1)
    make_booking(offer, make_inquiry(first_name="Tomorrow"), tomorrow)
    make_booking(
        offer, make_inquiry(first_name="Cancelled"), now + timedelta(minutes=40), status="cancelled"
    )

    default = intake_client.get(list_url()).content.decode()
    next_day = intake_client.get(list_url(day="tomorrow")).content.decode()
    week = intake_client.get(list_url(day="week")).content.decode()

    if today.starts_at.date() == timezone.localtime(today.starts_at).date():
        assert "Today" in default and "Tomorrow Lovelace" not in default
    assert "Tomorrow Lovelace" in next_day and "Today Lovelace" not in next_day
    assert "Tomorrow Lovelace" in week and "Cancelled Lovelace" not in week
    assert "The patient" in week


@pytest.mark.parametrize("rows", [1, 3])
def test_the_consultations_list_query_count(intake_client, offer, rows, django_assert_num_queries):
    start = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0)
    for n in range(rows):
        make_booking(offer, make_inquiry(), start + timedelta(days=1, minutes=20 * n))
    intake_client.get(list_url(day="week"))

    with django_assert_num_queries(14):
        response = intake_client.get(list_url(day="week"))

    assert response.status_code == 200


def test_content_editors_see_none_of_it(client, inquiry, offer):
    booking = make_booking(offer, inquiry, free(offer)[0].starts_at)
    Closure.objects.create(starts_on="2030-01-01", ends_on="2030-01-01", reason="Holiday")
    client.force_login(make_editor())
    urls = {
        "list": list_url(day="all"),
        "offers": reverse("admin:consultations_consultationoffer_changelist"),
        "offer": reverse("admin:consultations_consultationoffer_change", args=[offer.pk]),
        "closures": reverse("admin:consultations_closure_changelist"),
        "book": book_url(inquiry),
        "move": booking_url("move", booking),
    }

    for name, url in urls.items():
        assert client.get(url).status_code == 403, name
    for name in ("cancel", "outcome"):
        assert post(client, booking_url(name, booking)).status_code == 403, name
    assert "Consultation" not in client.get(reverse("admin:index")).content.decode()
    booking.refresh_from_db()
    assert booking.status == "booked"


def test_intake_staff_read_the_offered_times_but_cannot_change_them(intake_client, offer):
    url = reverse("admin:consultations_consultationoffer_change", args=[offer.pk])

    page = intake_client.get(url)
    changed = post(intake_client, url, {"length_minutes": 45})

    assert page.status_code == 200
    assert changed.status_code == 403
    offer.refresh_from_db()
    assert offer.length_minutes == 20


@pytest.fixture
def manager_client(client, intake_user):
    intake_user.user_permissions.add(Permission.objects.get(codename="manage_consultation_times"))
    client.force_login(intake_user)
    return client


def offer_form(location, hours=(), **fields):
    data = {
        "location": location.pk,
        "clinician": "",
        "kind": "phone",
        "length_minutes": 20,
        "min_notice_hours": 24,
        "weeks_ahead": 4,
        "is_active": "on",
        "hours-TOTAL_FORMS": len(hours),
        "hours-INITIAL_FORMS": 0,
        "hours-MIN_NUM_FORMS": 0,
        "hours-MAX_NUM_FORMS": 1000,
        **fields,
    }
    for n, (weekday, starts, ends) in enumerate(hours):
        data.update(
            {f"hours-{n}-weekday": weekday, f"hours-{n}-starts": starts, f"hours-{n}-ends": ends}
        )
    return data


def test_the_clinic_sets_its_hours(manager_client, offer):
    add = reverse("admin:consultations_consultationoffer_add")

    response = post(
        manager_client,
        add,
        offer_form(
            offer.location, [(0, "09:00", "12:00"), (0, "13:00", "17:00"), (2, "09:00", "12:00")]
        ),
    )

    assert response.status_code == 302
    assert ConsultationOffer.objects.latest("pk").hours.count() == 3


@pytest.mark.parametrize(
    "hours, fields, message",
    [
        (
            [(0, "09:00", "12:00"), (0, "11:00", "13:00")],
            {},
            "Monday's hours overlap: 09:00–12:00 and 11:00–13:00",
        ),
        ([(1, "12:00", "09:00")], {}, "The hours must end later than they start."),
        ([], {"length_minutes": 0}, "A consultation lasts at least 5 minutes (0 is not a length)."),
        ([], {"weeks_ahead": 0}, "Patients must be able to book at least one week ahead."),
    ],
)
def test_nonsense_hours_are_refused_with_a_clear_message(
    manager_client, offer, hours, fields, message
):
    add = reverse("admin:consultations_consultationoffer_add")

    response = post(manager_client, add, offer_form(offer.location, hours, **fields))

    assert response.status_code == 200
    assert message in response.content.decode().replace("&#x27;", "'")
    assert ConsultationOffer.objects.count() == 1


def test_a_closure_ending_before_it_starts_is_refused(manager_client):
    add = reverse("admin:consultations_closure_add")

    response = post(
        manager_client,
        add,
        {"starts_on": "2030-01-05", "ends_on": "2030-01-04", "location": "", "reason": "Holiday"},
    )

    assert response.status_code == 200
    assert "A closure can&#x27;t end before it starts." in response.content.decode()
    assert not Closure.objects.exists()
