"""The form on a phone, with the keyboard: strong focus rings, a focused field never at
the screen's edge, error links that show the field's label, and the phone field marked
required as soon as a call or a text is chosen."""

import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from tests.browser.a11y import assert_no_violations

pytestmark = pytest.mark.usefixtures("quick_fill_allowed")

URL = "/get-in-touch/"
# Enough room that a focused field is seen with its surroundings, not flush at the edge.
EDGE_GAP = 8
DESKTOP = {"width": 1280, "height": 900}

OUTLINE = """element => {
    const style = getComputedStyle(element);
    return style.outlineStyle === "none" ? 0 : parseFloat(style.outlineWidth);
}"""
# Whether the element sits clear of the viewport's top and bottom edges.
CLEAR_OF_THE_EDGES = """([element, gap]) => {
    const box = element.getBoundingClientRect();
    return box.top >= gap && box.bottom <= window.innerHeight - gap;
}"""


def tab_to(page, locator, *, limit=40):
    for _ in range(limit):
        page.keyboard.press("Tab")
        if locator.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"{locator} never received focus")


def assert_clear_of_the_edges(page, locator):
    """Polled: Bootstrap scrolls smoothly, so a jump takes a moment to land."""
    handle = locator.element_handle()
    try:
        page.wait_for_function(CLEAR_OF_THE_EDGES, arg=[handle, EDGE_GAP], timeout=3000)
    except PlaywrightTimeout:
        box = locator.bounding_box()
        raise AssertionError(f"{locator} at {box}, not clear of the screen's edges") from None


def test_every_field_and_button_shows_a_strong_focus_ring_clear_of_the_edges(phone_page, shoot):
    page = phone_page
    page.goto(URL)
    page.get_by_label("First name").focus()
    page.keyboard.press("Shift+Tab")  # from just before the form, as a keyboard user arrives

    fields = [
        page.get_by_label("First name"),
        page.get_by_label("Last name"),
        page.get_by_role("textbox", name="Email"),
        page.get_by_role("radio", name="Email"),
        page.get_by_role("textbox", name="Phone"),
        page.get_by_label("Best time to reach you"),
        page.get_by_label("What would you like to talk about?"),
        page.get_by_role("textbox", name="Message"),
        page.get_by_role("checkbox"),
        page.get_by_role("button", name="Send message"),
    ]
    for field in fields:
        tab_to(page, field)
        assert field.evaluate(OUTLINE) >= 2, field
        assert_clear_of_the_edges(page, field)
        if field == fields[1]:
            shoot(page, "focused-field-390")

    page.keyboard.press("Shift+Tab")  # back up the form: the consent box, above the button
    assert_clear_of_the_edges(page, page.get_by_role("checkbox"))


def test_choosing_a_call_or_a_text_marks_the_phone_field_required_before_sending(phone_page):
    page = phone_page
    page.goto(URL)
    phone = page.get_by_role("textbox", name="Phone")
    label = page.locator("label[for='id_phone']")
    expect(phone).not_to_have_attribute("required", "")

    for method in ("Phone call", "Text message"):
        page.get_by_role("radio", name=method).check()

        expect(phone).to_have_attribute("required", "")
        expect(phone).to_have_attribute("aria-required", "true")
        expect(label).to_have_text("Phone*")

    assert_no_violations(page)

    page.get_by_role("radio", name="Email").check()
    expect(phone).not_to_have_attribute("required", "")
    expect(phone).not_to_have_attribute("aria-required", "true")
    expect(label).not_to_contain_text("*")


def test_error_summary_links_bring_the_fields_label_into_view(phone_page, shoot):
    page = phone_page
    page.goto(URL)
    page.get_by_role("radio", name="Phone call").check()
    page.get_by_role("button", name="Send message").click()  # empty: errors, sent by the server
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    shoot(page, "errors-390")

    for name, label in [
        ("Please enter your first name.", "label[for='id_first_name']"),
        ("Please enter a phone number so we can call or text you.", "label[for='id_phone']"),
        ("Please choose a topic.", "label[for='id_topic']"),
    ]:
        summary.scroll_into_view_if_needed()
        summary.get_by_role("link", name=name).click()

        field_id = label.split("'")[1]
        expect(page.locator(f"#{field_id}")).to_be_focused()
        assert_clear_of_the_edges(page, page.locator(label))
        assert_clear_of_the_edges(page, page.locator(f"#{field_id}"))
    # A phone field left required from the choice that was sent, before any new choice.
    expect(page.get_by_role("textbox", name="Phone")).to_have_attribute("required", "")


def test_the_form_on_a_desktop_screen_with_focus_and_errors(browser, browser_context_args, shoot):
    context = browser.new_context(**browser_context_args, viewport=DESKTOP)
    page = context.new_page()
    page.goto(URL)
    page.get_by_label("Last name").focus()
    assert page.get_by_label("Last name").evaluate(OUTLINE) >= 2
    shoot(page, "focused-field-1280")

    page.get_by_role("button", name="Send message").click()
    expect(page.locator("#error-summary")).to_be_focused()
    shoot(page, "errors-1280")
    context.close()


def test_a_form_sent_faster_than_people_type_is_shown_again_and_sent_with_one_more_press(
    phone_page, monkeypatch, shoot
):
    from inquiries.models import Inquiry

    monkeypatch.setattr("inquiries.spam.MIN_FILL_SECONDS", 60)  # as autofill would beat it
    page = phone_page
    page.goto(URL)
    page.get_by_label("First name").fill("Sam")
    page.get_by_label("Last name").fill("Rivera")
    page.get_by_role("textbox", name="Email").fill("sam@example.com")
    page.get_by_label("What would you like to talk about?").select_option("PTSD")
    page.get_by_role("checkbox").check()
    page.get_by_role("button", name="Send message").click()

    note = page.locator("#send-again")
    expect(note).to_be_focused()
    expect(note).to_have_text(re.compile(r"Please check your details below"))
    expect(page.get_by_label("First name")).to_have_value("Sam")
    assert not Inquiry.objects.exists()
    shoot(page, "send-again-390")
    page.get_by_role("button", name="Send message").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Thank you, we've received your message"
    )
    assert Inquiry.objects.get().status == Inquiry.Status.NEW
