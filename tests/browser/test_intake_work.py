"""An intake staffer's day: My work, a templated reply, a voicemail, and the queue at 1280 px."""

import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from inquiries.consent import CONSENT_TEXT, CONSENT_VERSION
from inquiries.models import Inquiry, Notification, Topic
from inquiries.roles import INTAKE_STAFF
from tests.browser.a11y import assert_no_violations
from tests.browser.conftest import sign_in

LONG_MESSAGE = (
    "I've been reading about ketamine therapy for a while and would like to understand "
    "whether it might be right for me, what a first appointment looks like, and the costs."
)


def make_inquiry(first_name, last_name="Example", *, hours_ago=1, **fields):
    values = {
        "first_name": first_name,
        "last_name": last_name,
        "email": f"{first_name.lower()}@example.com",
        "contact_method": Inquiry.ContactMethod.PHONE,
        "phone": "+12125550100",
        "topic": Topic.objects.get(name="PTSD"),
        "message": LONG_MESSAGE,
        "created_at": timezone.now() - timedelta(hours=hours_ago),
        "consent_text": CONSENT_TEXT,
        "consent_version": CONSENT_VERSION,
        "consent_given_at": timezone.now(),
        **fields,
    }
    return Inquiry.objects.create(**values)


def timeline_entries(page):
    entries = page.locator(".crm-timeline > li").all_inner_texts()
    return [" ".join(entry.split()) for entry in entries if not entry.startswith("Viewed")]


def test_intake_staffer_replies_with_a_template_and_logs_a_voicemail(
    page, live_server, shoot, make_staff_user
):
    staffer = make_staff_user("sam", INTAKE_STAFF)
    staffer.first_name = "Sam"
    staffer.save()
    grace = make_inquiry("Grace", "Hopper", hours_ago=3)
    make_inquiry("Noor", priority=Inquiry.Priority.URGENT, assignee=staffer)

    sign_in(page, staffer)
    expect(page.locator("#site-name")).to_contain_text("· Intake")
    page.get_by_role("link", name="My work").click()

    # My work: urgent first, each row with its next action.
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("Noor Example")
    expect(rows.first).to_contain_text("⚠ Urgent")
    expect(rows.nth(1)).to_contain_text("Claim it and make first contact")
    assert_no_violations(page)
    shoot(page, "my-work")

    # The inquiry: choose a template, see it filled in, edit it, send it.
    rows.nth(1).get_by_role("link", name=grace.reference).click()
    page.get_by_label("Reply template").select_option(label="First reply")
    page.get_by_role("button", name="Write the reply").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Email Grace ({grace.reference})")
    body = page.get_by_label("Body")
    expect(body).to_have_value(re.compile(r"^Hello Grace,"))
    assert_no_violations(page)
    shoot(page, "reply")

    # A slip is refused with the reason, and the text is kept.
    body.fill(body.input_value() + "\nWe can talk about your PTSD on the call.")
    page.get_by_role("button", name="Send the reply").click()
    expect(page.get_by_role("alert")).to_contain_text("“ptsd”")
    expect(body).to_have_value(re.compile("talk about your PTSD"))
    assert_no_violations(page)
    body.fill(body.input_value().replace("\nWe can talk about your PTSD on the call.", ""))
    body.fill(body.input_value().replace("I'd be glad", "I would be glad"))
    page.get_by_role("button", name="Send the reply").click()
    expect(page.locator(".messagelist")).to_contain_text("Reply to Grace queued to send.")

    # A call that went to voicemail.
    page.get_by_label("How").select_option(label="Phone")
    page.get_by_label("What happened").select_option(label="Left voicemail")
    page.get_by_role("button", name="Log attempt").click()
    expect(page.locator(".messagelist")).to_contain_text(
        f"Contact attempt 1 logged on {grace.reference}: left voicemail."
    )
    expect(page.get_by_label("At a glance")).to_contain_text("1 contact attempt, last")

    # Both on the timeline, newest first; the reply with who sent which template.
    entries = timeline_entries(page)
    assert entries[0].startswith("Contact attempt · sam"), entries
    assert "Phone: left voicemail (attempt 1)" in entries[0]
    assert entries[1].startswith("Email sent · sam"), entries
    assert "Reply (“First reply” template, by sam) sent to grace@example.com" in entries[1]
    assert "I would be glad" in entries[1]
    reply = Notification.objects.get(inquiry=grace, kind=Notification.Kind.REPLY)
    assert reply.state == Notification.State.SENT
    assert_no_violations(page)
    shoot(page, "detail")

    # The dashboard, with its new figures, is clean too.
    page.goto("/admin/inquiries/inquiry/dashboard/")
    expect(
        page.get_by_role("heading", name="Time to first contact, by week submitted")
    ).to_be_visible()
    assert_no_violations(page)
    shoot(page, "dashboard")


def test_queue_fits_1280_pixels_and_flags_without_colour_alone(
    page, live_server, shoot, make_staff_user
):
    staffer = make_staff_user("riley", INTAKE_STAFF)
    make_inquiry("Bartholomew", "Fitzgerald-Montgomery", hours_ago=24 * 6)
    make_inquiry("Noor", priority=Inquiry.Priority.URGENT, assignee=staffer)
    make_inquiry(
        "Wei",
        "Chen",
        status=Inquiry.Status.CONTACTED,
        follow_up_on=timezone.localdate() - timedelta(days=2),
        do_not_contact=True,
        contact_attempts=2,
        last_attempt_at=timezone.now() - timedelta(days=1),
    )
    page.set_viewport_size({"width": 1280, "height": 800})

    sign_in(page, staffer)
    page.get_by_role("link", name="Inquiry queue").click()
    expect(page.locator("#result_list tbody tr")).to_have_count(3)
    shoot(page, "queue-1280")

    # Neither the page nor the admin's scrolling box around the table scrolls sideways.
    widths = page.evaluate(
        "() => [...document.querySelectorAll('#changelist .results')]"
        ".map(box => [box.scrollWidth, box.clientWidth])"
    )
    fits = page.evaluate(
        "() => document.documentElement.scrollWidth <= window.innerWidth"
        " && [...document.querySelectorAll('#changelist .results')]"
        ".every(box => box.scrollWidth <= box.clientWidth + 1)"
    )
    assert fits, f"the queue scrolls sideways at 1280 px: {widths}"
    message = page.locator("#result_list td.field-message_preview").first.bounding_box()
    assert (
        message["x"] + message["width"]
        <= page.locator(".results").bounding_box()["x"]
        + (page.locator(".results").bounding_box()["width"])
    )
    # Names on one line: an inline link has one client rectangle per line it spans.
    expect(page.locator("#result_list tbody tr")).to_have_count(3)
    names = page.locator("#result_list td.field-name .crm-name").all()
    assert len(names) == 3
    for link in names:
        assert link.evaluate("a => a.getClientRects().length") == 1, link.inner_text()
    # Urgent, late and missed are told in words and icons, not colour alone.
    table = page.locator("#result_list")
    expect(table).to_contain_text("⚠ Urgent")
    expect(table).to_contain_text("late")
    expect(table).to_contain_text("missed")
    expect(table).to_contain_text("⊘ Do not contact")
    assert_no_violations(page)
