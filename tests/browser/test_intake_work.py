"""An intake staffer's day: My work, a templated reply, a voicemail, and the queue at 1280 px."""

import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from inquiries.consent import CONSENT_TEXT, CONSENT_VERSION
from inquiries.dashboard_snapshot import take_snapshot
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


def assert_clean_at_1280_and_1440(page):
    """axe at both widths the clinic's screens have; back to 1280 afterwards."""
    for width in (1440, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        assert_no_violations(page)


def test_intake_staffer_claims_calls_emails_and_sets_a_follow_up(
    page, live_server, shoot, make_staff_user
):
    staffer = make_staff_user("sam", INTAKE_STAFF)
    staffer.first_name = "Sam"
    staffer.save()
    grace = make_inquiry("Grace", "Hopper", hours_ago=3, best_time="Evenings after 6 pm")
    make_inquiry("Noor", priority=Inquiry.Priority.URGENT, assignee=staffer)
    page.set_viewport_size({"width": 1280, "height": 900})

    sign_in(page, staffer)
    expect(page.locator("#site-name")).to_contain_text("· Intake")
    page.get_by_role("link", name="My work").click()

    # My work: urgent first; Grace's row says to claim her, and has the button to.
    expect(page.get_by_role("heading", level=1)).to_have_text("My work")
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("Noor Example")
    expect(rows.nth(1)).to_contain_text("Claim it and make first contact")
    assert_clean_at_1280_and_1440(page)
    shoot(page, "my-work")
    rows.nth(1).get_by_role("button", name=f"Claim {grace.reference}").click()
    expect(page.locator(".messagelist")).to_contain_text(
        f"You claimed {grace.reference}: it is yours to work."
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("My work")
    grace_row = page.locator("#result_list tbody tr").filter(has_text="Grace Hopper")
    expect(grace_row).to_contain_text("Sam")
    expect(grace_row).to_contain_text("Make first contact")

    # The work screen: her message first, with how and when she wants to be reached.
    grace_row.get_by_role("link", name=grace.reference).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Grace Hopper")
    expect(page.get_by_text("Assigned to you")).to_be_visible()
    message = page.get_by_role("region", name="What Grace wrote")
    expect(message).to_contain_text("what a first appointment looks like")
    expect(message).to_contain_text(re.compile(r"Preferred contact\s*Phone call"))
    expect(message).to_contain_text(re.compile(r"Best time to reach\s*Evenings after 6 pm"))
    assert_clean_at_1280_and_1440(page)
    shoot(page, "work-screen")

    # A call with no answer: nothing is chosen for her, both choices are made here.
    logging = page.get_by_role("group", name="How")
    expect(logging.get_by_role("radio", checked=True)).to_have_count(0)
    logging.get_by_label("Phone").check()
    page.get_by_role("group", name="What happened").get_by_label("No answer").check()
    page.get_by_role("button", name="Log attempt").click()
    expect(page.locator(".messagelist")).to_contain_text(
        f"Contact attempt 1 logged on {grace.reference}: no answer."
    )

    # An email from a template, written beside her message and her best time.
    page.get_by_text("Email the patient", exact=True).click()
    page.get_by_label("Reply template").select_option(label="First reply")
    page.get_by_role("button", name="Write the email").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Email Grace ({grace.reference})")
    asked = page.get_by_role("region", name="What Grace asked for")
    expect(asked).to_contain_text("Evenings after 6 pm")
    expect(asked).to_contain_text("Phone call")
    expect(asked).to_contain_text("what a first appointment looks like")
    body = page.get_by_label("Body")
    expect(body).to_have_value(re.compile(r"^Hello Grace,"))
    assert_clean_at_1280_and_1440(page)
    shoot(page, "reply")
    page.get_by_role("button", name="Send the reply").click()
    expect(page.locator(".messagelist")).to_contain_text("Reply to Grace queued to send.")

    # A follow-up, by keyboard alone.
    summary = page.get_by_text("Set a follow-up", exact=True)
    summary.focus()
    page.keyboard.press("Enter")
    follow_up_on = page.get_by_label("Follow up on")
    expect(follow_up_on).to_be_visible()
    page.keyboard.press("Tab")
    expect(follow_up_on).to_be_focused()
    on = timezone.localdate() + timedelta(days=2)
    page.keyboard.type(f"{on:%m%d%Y}")  # month, day, year: the field moves along by itself
    set_button = page.get_by_role("button", name="Set follow-up")
    for _ in range(4):  # Tab may first step through the date's own parts
        page.keyboard.press("Tab")
        if set_button.evaluate("button => button === document.activeElement"):
            break
    expect(set_button).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(".messagelist")).to_contain_text(
        f"{grace.reference}: follow up on {on:%b} {on.day}, {on.year}."
    )

    # Each exactly once on the timeline, newest first; one folded line for Sam's views.
    entries = timeline_entries(page)
    titles = [entry.split(" · ")[0] for entry in entries]
    assert titles == [
        "Follow-up set",
        "Email to the patient (“First reply”)",
        "Contact attempt",
        "Assignment",
    ], entries
    assert "Phone: no answer (attempt 1)" in entries[2]
    assert "Hello Grace," in entries[1] and "Sent" in entries[1]
    assert "Claimed by Sam" in entries[3]
    expect(page.locator(".crm-event--viewed")).to_have_text(
        re.compile(r"Viewed by Sam, once today")
    )
    reply = Notification.objects.get(inquiry=grace, kind=Notification.Kind.REPLY)
    assert reply.state == Notification.State.SENT
    assert_clean_at_1280_and_1440(page)
    shoot(page, "work-screen-worked")

    # The dashboard is clean too, with the figures the worker computes every minute.
    take_snapshot()
    page.goto("/admin/inquiries/inquiry/dashboard/")
    expect(
        page.get_by_role("heading", name="Time to first contact, by week submitted")
    ).to_be_visible()
    assert_no_violations(page)


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
    expect(page.get_by_role("heading", level=1)).to_have_text("Inquiries")
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
    # The message preview is two lines long, not more.
    line_counts = page.evaluate(
        "() => [...document.querySelectorAll('.crm-preview-2')].map(span => Math.round("
        "span.getBoundingClientRect().height / parseFloat(getComputedStyle(span).lineHeight)))"
    )
    assert line_counts and max(line_counts) <= 2, line_counts
    assert_no_violations(page)

    # My work at the same width: no cell cut short (it once said "Follow up toda").
    page.get_by_role("link", name="My work").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My work")
    shoot(page, "my-work-1280")
    assert page.evaluate(fits_script()), "My work scrolls sideways at 1280 px"
    clipped = page.evaluate(
        "() => [...document.querySelectorAll('#result_list td, #result_list th')]"
        ".filter(cell => cell.scrollWidth > cell.clientWidth + 1).map(cell => cell.innerText)"
    )
    assert clipped == []
    assert_no_violations(page)


def fits_script():
    return (
        "() => document.documentElement.scrollWidth <= window.innerWidth"
        " && [...document.querySelectorAll('#changelist .results')]"
        ".every(box => box.scrollWidth <= box.clientWidth + 1)"
    )


def test_contact_details_are_edited_on_their_own_form_with_the_public_forms_rules(
    page, live_server, shoot, make_staff_user
):
    staffer = make_staff_user("sam", INTAKE_STAFF)
    grace = make_inquiry("Grace", "Hopper", contact_method=Inquiry.ContactMethod.EMAIL, phone="")
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, staffer)
    page.goto(f"/admin/inquiries/inquiry/{grace.pk}/")
    # Read-only on the work screen: no inputs for her details.
    expect(page.locator("input[name=first_name], input[name=email]")).to_have_count(0)

    page.get_by_role("link", name="Edit contact details").click()
    page.get_by_label("Preferred contact method").select_option(label="Phone call")
    page.get_by_role("button", name="Save contact details").click()

    expect(page.get_by_role("alert")).to_contain_text("Nothing was saved")
    expect(page.get_by_text("A call or a text needs a phone number.")).to_be_visible()
    assert_clean_at_1280_and_1440(page)
    shoot(page, "contact-details-refused")
    page.get_by_label("Phone").fill("(212) 555-0123")
    page.get_by_role("button", name="Save contact details").click()
    expect(page.locator(".messagelist")).to_contain_text(
        f"{grace.reference}: contact details saved."
    )
    expect(page.get_by_role("region", name="Contact details")).to_contain_text("+12125550123")
