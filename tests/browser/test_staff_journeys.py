"""Staff in the admin: an intake staffer works the queue, an editor publishes a page."""

import re
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from inquiries.consent import CONSENT_TEXT, CONSENT_VERSION
from inquiries.dashboard_snapshot import take_snapshot
from inquiries.models import Inquiry, Topic
from inquiries.roles import CONTENT_EDITORS, INTAKE_STAFF
from pages.models import Page
from tests.browser.a11y import assert_no_violations
from tests.browser.conftest import sign_in


def make_inquiry(first_name, *, minutes_ago, priority=Inquiry.Priority.NORMAL):
    return Inquiry.objects.create(
        first_name=first_name,
        last_name="Example",
        email=f"{first_name.lower()}@example.com",
        contact_method=Inquiry.ContactMethod.PHONE,
        phone="+12125550100",
        topic=Topic.objects.get(name="PTSD"),
        message="Could ketamine therapy help me?",
        priority=priority,
        created_at=timezone.now() - timedelta(minutes=minutes_ago),
        consent_text=CONSENT_TEXT,
        consent_version=CONSENT_VERSION,
        consent_given_at=timezone.now(),
    )


def timeline_entries(page):
    """The timeline's entries, newest first, without the "Viewed" lines every visit adds."""
    entries = page.locator(".crm-timeline > li").all_inner_texts()
    return [" ".join(entry.split()) for entry in entries if not entry.startswith("Viewed")]


def status_count(page, table, status):
    heading = page.get_by_role("rowheader", name=status, exact=True)
    return table.get_by_role("row").filter(has=heading).get_by_role("cell")


def test_intake_staffer_finds_the_urgent_inquiry_first_and_works_it(
    page, live_server, shoot, make_staff_user
):
    staffer = make_staff_user("riley", INTAKE_STAFF)
    oldest = make_inquiry("Ada", minutes_ago=180)
    older = make_inquiry("Ben", minutes_ago=60)
    urgent = make_inquiry("Noor", minutes_ago=1, priority=Inquiry.Priority.URGENT)

    sign_in(page, staffer)
    page.get_by_role("link", name="Inquiry queue").click()

    # The queue: the newest inquiry is on top because it is urgent; then oldest first.
    expect(page.get_by_role("heading", level=1)).to_have_text("Inquiries")
    references = page.locator("#result_list tbody td.field-reference a")
    expect(references).to_have_text([urgent.reference, oldest.reference, older.reference])
    first_row = page.locator("#result_list tbody tr").first
    expect(first_row).to_contain_text("Urgent")
    expect(first_row).to_contain_text("Noor Example")
    assert_no_violations(page)
    shoot(page, "queue")

    # The inquiry: assign it, log the call, move it on.
    first_row.get_by_role("link", name=urgent.reference).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(urgent.reference)
    expect(page.get_by_text("Nobody has claimed this yet.")).to_be_visible()
    assert_no_violations(page)
    shoot(page, "detail")

    page.get_by_text("Assignment and priority", exact=True).click()
    page.get_by_label("Assign to").select_option(label="riley")
    page.get_by_role("button", name="Assign", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text(f"{urgent.reference} assigned to riley.")
    expect(page.get_by_text("Assigned to you")).to_be_visible()

    # Reaching the patient is logged as a contact attempt, which moves a new inquiry on.
    page.get_by_role("group", name="How").get_by_label("Phone").check()
    page.get_by_role("group", name="What happened").get_by_label("Reached").check()
    page.get_by_label("Note (optional)").fill("Spoke with Noor; consultation next week.")
    page.get_by_role("button", name="Log attempt").click()
    expect(page.locator(".messagelist")).to_contain_text(
        f"Contact attempt 1 logged on {urgent.reference}: reached."
    )
    expect(page.get_by_label("At a glance")).to_contain_text("Contacted")
    expect(page.get_by_label("At a glance")).to_contain_text("1 contact attempt")

    # Everything is on the timeline, newest first.
    entries = timeline_entries(page)
    assert [entry.split(" · ")[0] for entry in entries[:3]] == [
        "Status changed",
        "Contact attempt",
        "Assignment",
    ], entries
    assert "riley" in entries[0] and "New → Contacted" in entries[0]
    assert "Phone: reached (attempt 1). Spoke with Noor; consultation next week." in entries[1]
    assert "Assigned to riley" in entries[2]
    shoot(page, "detail-worked")
    urgent.refresh_from_db()
    assert (urgent.status, urgent.assignee) == (Inquiry.Status.CONTACTED, staffer)

    # Back to the queue, and on to the dashboard.
    page.locator(".breadcrumbs").get_by_role("link", name="Inquiries").last.click()
    expect(references.first).to_have_text(urgent.reference)
    expect(page.locator("#result_list tbody tr").first).to_contain_text("Contacted")
    take_snapshot()  # the worker's figures of this minute
    page.get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Inquiry dashboard")
    right_now = page.get_by_role("region", name="Right now")
    expect(right_now.get_by_role("link", name="3 open inquiries")).to_be_visible()
    by_status = page.get_by_role("region", name="By status")
    expect(status_count(page, by_status, "Contacted")).to_have_text("1")
    expect(status_count(page, by_status, "New")).to_have_text("2")
    assert_no_violations(page)
    shoot(page, "dashboard")


def test_editor_drafts_previews_and_publishes_a_page(
    page, browser, browser_context_args, live_server, shoot, make_staff_user, demo_content
):
    editor = make_staff_user("eli", CONTENT_EDITORS)
    visitor = browser.new_context(**browser_context_args).new_page()
    path = "/aftercare/"

    sign_in(page, editor)
    page.locator("tr.model-page").get_by_role("link", name="Pages").click()
    page.get_by_role("link", name="Add page").click()
    # The click returns once the new page starts arriving; the prepopulate script binds
    # its listener when the page has loaded (typing earlier left the slug empty, 1 run
    # in 5).
    page.wait_for_load_state()

    # A draft: the slug follows the title as it is typed.
    # Typed key by key: the admin's prepopulate script listens for keyup, not input.
    page.get_by_label("Title:", exact=True).press_sequentially("Aftercare")
    expect(page.get_by_label("Slug")).to_have_value("aftercare")
    page.get_by_label("Summary").fill("What to do in the days after a ketamine treatment.")
    page.get_by_label("Body").fill("## The first evening\n\nRest, and have someone drive you home.")
    expect(page.get_by_label("Status")).to_have_value("draft")
    page.get_by_label("Show in navigation").check()
    shoot(page, "draft-form")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    # The preview: staff see the draft with a banner; the public gets a 404.
    page.get_by_role("link", name=f"Preview {path}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Aftercare")
    expect(page.get_by_text("Preview: this page is a draft")).to_be_visible()
    expect(page.get_by_role("heading", name="The first evening")).to_be_visible()
    shoot(page, "preview")
    assert visitor.goto(path).status == 404
    visitor.goto("/")
    expect(visitor.get_by_role("navigation", name="Main")).not_to_contain_text("Aftercare")

    # Publish it.
    page.go_back()
    page.get_by_label("Status").select_option(label="Published")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    assert Page.objects.get(path=path).is_live
    shoot(page, "published")

    # The public finds it in the navigation (the cached home page was refreshed) ...
    visitor.reload()
    nav_link = visitor.get_by_role("navigation", name="Main").get_by_role("link", name="Aftercare")
    nav_link.click()
    expect(visitor).to_have_url(re.compile(f"{path}$"))
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Aftercare")
    expect(visitor.get_by_text("Preview:")).to_have_count(0)
    shoot(visitor, "public-page")

    # ... and so do search engines, in the sitemap.
    sitemap = visitor.goto("/sitemap.xml")
    assert sitemap.ok
    assert f"<loc>{settings.SITE_URL}{path}</loc>" in sitemap.text()
    visitor.context.close()
