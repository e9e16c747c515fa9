"""An inquiry closed by mistake, reopened by intake staff from its page (issue 25, item 14)."""

from playwright.sync_api import expect

from inquiries.models import Inquiry
from inquiries.roles import INTAKE_STAFF
from tests.browser.a11y import assert_no_violations
from tests.browser.conftest import sign_in
from tests.browser.test_intake_work import make_inquiry

Status = Inquiry.Status


def test_intake_staffer_reopens_a_patient_closed_by_mistake(
    page, live_server, shoot, make_staff_user
):
    staffer = make_staff_user("sam", INTAKE_STAFF)
    grace = make_inquiry("Grace", "Hopper")
    for status in (Status.CONTACTED, Status.CONSULTATION_SCHEDULED, Status.BECAME_PATIENT):
        grace.transition_to(status, actor=staffer)

    sign_in(page, staffer)
    page.goto(f"/admin/inquiries/inquiry/{grace.pk}/change/")  # the old address still works
    page.get_by_text("Change status", exact=True).click()
    expect(page.get_by_text("Became a patient is final: nothing follows it.")).to_be_visible()
    expect(
        page.get_by_text("Closed by mistake? Reopen moves it back to Consultation scheduled")
    ).to_be_visible()
    assert_no_violations(page)
    shoot(page, "reopen-form")
    page.get_by_label("Reason for reopening").fill("Marked as a patient by mistake.")
    page.get_by_role("button", name="Reopen", exact=True).click()

    expect(page.locator(".messagelist")).to_contain_text(
        f"{grace.reference} reopened as Consultation scheduled."
    )
    expect(page.locator(".crm-timeline")).to_contain_text(
        "Reopened: Became a patient → Consultation scheduled. "
        "Reason: Marked as a patient by mistake."
    )
    shoot(page, "reopened")
    grace.refresh_from_db()
    assert grace.status == Status.CONSULTATION_SCHEDULED
