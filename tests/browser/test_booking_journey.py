"""A consultation booked from a reply: the staffer sends the booking link, the patient
books on a 390 px phone, and the staffer sees it in Consultations and on the work screen.
axe finds nothing on the booking screens."""

import re

from django.contrib.auth.models import Group, Permission
from playwright.sync_api import expect

from consultations.models import Booking
from inquiries.models import Inquiry, Notification
from inquiries.roles import INTAKE_STAFF
from tests.browser.a11y import assert_no_violations
from tests.browser.conftest import sign_in
from tests.browser.test_intake_work import make_inquiry
from tests.consultations.factories import make_offer

BOOKING_PERMISSIONS = ["view_booking", "add_booking", "change_booking", "view_consultationoffer"]


def grant_booking_to_intake_staff():
    # Transactional tests flush the grants of consultations' migration 0002: again here.
    Group.objects.get(name=INTAKE_STAFF).permissions.add(
        *Permission.objects.filter(
            content_type__app_label="consultations", codename__in=BOOKING_PERMISSIONS
        )
    )


def test_a_patient_books_from_the_reply_on_a_phone(
    page, phone_page, live_server, shoot, make_staff_user
):
    grant_booking_to_intake_staff()
    make_offer(hours=((8, 0, 20, 0),), weekdays=range(7), min_notice_hours=0)
    staffer = make_staff_user("sam", INTAKE_STAFF)
    grace = make_inquiry("Grace", "Hopper", status=Inquiry.Status.CONTACTED)
    page.set_viewport_size({"width": 1280, "height": 900})

    # The staffer sends the first reply; {booking_link} is Grace's own link.
    sign_in(page, staffer)
    page.goto(f"/admin/inquiries/inquiry/{grace.pk}/")
    page.get_by_text("Email the patient", exact=True).click()
    page.get_by_label("Reply template").select_option(label="First reply")
    page.get_by_role("button", name="Write the email").click()
    expect(page.get_by_label("Body")).to_have_value(re.compile(r"/book/"))
    page.get_by_role("button", name="Send the reply").click()
    expect(page.locator(".messagelist")).to_contain_text("Reply to Grace queued to send.")
    reply = Notification.objects.get(inquiry=grace, kind=Notification.Kind.REPLY)
    link = re.search(r"https?://\S+(/book/\S+/)", reply.body).group(1)

    # Grace, on her phone: a week of times by day, the zone named; pick, then confirm.
    phone_page.goto(link)
    expect(phone_page.get_by_role("heading", level=1)).to_have_text(
        "Choose a time for your consultation"
    )
    expect(phone_page.get_by_text("New York time (America/New_York)")).to_be_visible()
    assert_no_violations(phone_page)
    shoot(phone_page, "times")
    first_time = phone_page.locator(".booking-time").first
    chosen = first_time.inner_text().split("\n")[0].strip()
    first_time.click()
    expect(phone_page.get_by_role("heading", level=1)).to_have_text("Confirm your consultation")
    assert_no_violations(phone_page)
    shoot(phone_page, "confirm")
    phone_page.get_by_role("button", name="Book this time").click()
    expect(phone_page.get_by_role("heading", level=1)).to_have_text("Your consultation is booked")
    expect(phone_page.get_by_text("We will call you on +12125550100.")).to_be_visible()
    assert_no_violations(phone_page)
    shoot(phone_page, "booked")
    assert [cookie["name"] for cookie in phone_page.context.cookies()] == ["csrftoken"]
    # Nothing on these pages is wider than the phone.
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390

    booking = Booking.objects.get(inquiry=grace)
    grace.refresh_from_db()
    assert grace.status == Inquiry.Status.CONSULTATION_SCHEDULED
    hour = chosen.split(":")[0]

    # The staffer sees it in Consultations and on Grace's work screen.
    page.goto("/admin/consultations/booking/?day=all")
    row = page.locator("#result_list tbody tr").filter(has_text="Grace Hopper")
    expect(row).to_contain_text("The patient")
    assert_no_violations(page)
    shoot(page, "consultations")
    page.goto(f"/admin/inquiries/inquiry/{grace.pk}/")
    box = page.get_by_role("region", name="Consultation")
    expect(box).to_contain_text("Phone call")
    expect(box).to_contain_text(f"{booking.starts_at:%Y}")
    assert hour
    expect(page.locator(".crm-timeline")).to_contain_text("Consultation booked")
    assert_no_violations(page)
    shoot(page, "work-screen")

    # The staffer moves it during a call: the same week of times, then confirm.
    box.get_by_role("link", name="Move").click()
    expect(page.get_by_text("Now booked:")).to_be_visible()
    assert_no_violations(page)
    shoot(page, "staff-pick")
    page.locator(".crm-times a").nth(3).click()
    expect(page.get_by_role("button", name="Move to this time")).to_be_visible()
    assert_no_violations(page)
    page.get_by_role("button", name="Move to this time").click()
    expect(page.locator(".messagelist")).to_contain_text("Consultation moved to")
    assert Booking.objects.get(inquiry=grace, status="booked").pk != booking.pk


def test_booking_by_keyboard_alone_without_javascript(browser, browser_context_args, shoot):
    """A patient on a keyboard, with JavaScript off: Tab to a time, Enter, Tab to the
    button, Enter."""
    from consultations.links import booking_url

    grant_booking_to_intake_staff()
    make_offer(hours=((8, 0, 20, 0),), weekdays=range(7), min_notice_hours=0)
    ada = make_inquiry("Ada", "Lovelace", status=Inquiry.Status.CONTACTED)
    link = "/" + booking_url(ada).split("/", 3)[3]
    context = browser.new_context(**browser_context_args, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(link)
        first_time = page.locator(".booking-time").first
        for _ in range(40):  # Tab until the first time has the focus
            page.keyboard.press("Tab")
            if first_time.evaluate("element => element === document.activeElement"):
                break
        else:
            raise AssertionError("Tab never reached the first time")
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", level=1)).to_have_text("Confirm your consultation")
        button = page.get_by_role("button", name="Book this time")
        for _ in range(20):
            page.keyboard.press("Tab")
            if button.evaluate("element => element === document.activeElement"):
                break
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", level=1)).to_have_text("Your consultation is booked")
        shoot(page, "keyboard-booked")
    finally:
        context.close()
    assert Booking.objects.filter(inquiry=ada, status="booked").exists()
