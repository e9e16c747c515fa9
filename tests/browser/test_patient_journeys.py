"""A patient on a phone: from the home page to a sent inquiry, with and without mistakes."""

import re

import pytest
from playwright.sync_api import expect

from inquiries.models import Inquiry
from tests.browser.a11y import assert_no_violations

PTSD_PATH = "/treatments/ketamine-for-ptsd/"

pytestmark = pytest.mark.usefixtures("demo_content", "quick_fill_allowed")


def press_tab_until_focused(page, locator, *, limit=30):
    """Tab forward until locator has focus, as a keyboard user would; fail if it never does."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if locator.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"{locator} never received focus after {limit} presses of Tab")


def tab_and_expect_focus(page, locator):
    page.keyboard.press("Tab")
    expect(locator).to_be_focused()


def cookie_names(page):
    return sorted(cookie["name"] for cookie in page.context.cookies())


def test_patient_on_a_phone_reads_about_ptsd_and_sends_an_inquiry_by_keyboard(
    phone_page, live_server, shoot
):
    page = phone_page
    requested = []
    page.on("request", lambda request: requested.append(request.url))

    # Home page: the PTSD article is one of the treatment cards.
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("depression, anxiety and PTSD")
    assert_no_violations(page)
    shoot(page, "home")
    page.get_by_role("link", name="Ketamine for PTSD", exact=True).tap()

    # The article: jump to a section from the folded table of contents.
    expect(page).to_have_url(live_server.url + PTSD_PATH)
    expect(page.get_by_role("heading", level=1)).to_have_text("Ketamine for PTSD")
    assert_no_violations(page)
    shoot(page, "article")
    contents = page.get_by_role("navigation", name="On this page")
    contents.get_by_text("On this page").tap()
    contents.get_by_role("link", name="Symptoms of PTSD").tap()
    expect(page).to_have_url(re.compile(r"#symptoms-of-ptsd$"))
    expect(page.get_by_role("heading", name="Symptoms of PTSD")).to_be_in_viewport()
    shoot(page, "section-from-contents")

    # An FAQ opens in place.
    question = page.get_by_text("Is ketamine approved for PTSD?")
    answer = page.get_by_text("Using ketamine for PTSD is off-label")
    expect(answer).to_be_hidden()
    question.tap()
    expect(question.locator("xpath=..")).to_have_attribute("open", "")
    expect(answer).to_be_visible()
    assert_no_violations(page)  # again, with the contents and an answer unfolded
    shoot(page, "faq-open")

    # Nothing so far has set a cookie; the form page sets only the CSRF cookie.
    assert page.context.cookies() == []
    page.get_by_role("link", name="Get in touch with our team").tap()
    expect(page).to_have_url(re.compile(r"/get-in-touch/\?from=%2Ftreatments%2Fketamine-for-ptsd"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Get in touch")
    assert cookie_names(page) == ["csrftoken"]
    assert_no_violations(page)
    shoot(page, "form-empty")

    # Keyboard only from here: the skip link, then the fields in order.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Enter")
    press_tab_until_focused(page, page.get_by_label("First name"))
    page.keyboard.type("Sam")
    tab_and_expect_focus(page, page.get_by_label("Last name"))
    page.keyboard.type("Rivera")
    tab_and_expect_focus(page, page.get_by_role("textbox", name="Email"))
    page.keyboard.type("sam.rivera@example.com")
    tab_and_expect_focus(page, page.get_by_role("radio", name="Email"))
    page.keyboard.press("ArrowDown")
    expect(page.get_by_role("radio", name="Phone call")).to_be_checked()
    tab_and_expect_focus(page, page.get_by_role("textbox", name="Phone"))
    page.keyboard.type("(212) 555-0142")
    tab_and_expect_focus(page, page.get_by_label("Best time to reach you"))
    page.keyboard.type("weekday mornings")
    topic = page.get_by_label("What would you like to talk about?")
    tab_and_expect_focus(page, topic)
    page.keyboard.type("PTSD")
    expect(topic.locator("option:checked")).to_have_text("PTSD")
    tab_and_expect_focus(page, page.get_by_role("textbox", name="Message"))
    page.keyboard.type("I have tried therapy and two medications.\nCould ketamine help?")
    consent = page.get_by_role("checkbox")
    tab_and_expect_focus(page, consent)
    page.keyboard.press("Space")
    expect(consent).to_be_checked()
    tab_and_expect_focus(page, page.get_by_role("button", name="Send message"))
    shoot(page, "form-filled")
    page.keyboard.press("Enter")

    # The thank-you page keeps the crisis lines in reach.
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Thank you, we've received your message"
    )
    crisis = page.get_by_role("complementary", name="Need help right now?")
    expect(crisis.get_by_role("link", name="988")).to_have_attribute("href", "tel:988")
    expect(crisis.get_by_role("link", name="911")).to_have_attribute("href", "tel:911")
    assert_no_violations(page)
    shoot(page, "thanks")

    inquiry = Inquiry.objects.select_related("source_page", "topic").get()
    expect(page.get_by_text(inquiry.reference)).to_be_visible()
    assert inquiry.source_page.path == PTSD_PATH
    assert (inquiry.first_name, inquiry.last_name) == ("Sam", "Rivera")
    assert inquiry.contact_method == Inquiry.ContactMethod.PHONE
    assert inquiry.phone == "+12125550142"
    assert inquiry.topic.name == "PTSD"
    assert inquiry.message == "I have tried therapy and two medications.\nCould ketamine help?"
    assert inquiry.status == Inquiry.Status.NEW

    # Privacy: nothing left our origin, and no cookie but the form's CSRF one.
    assert cookie_names(page) == ["csrftoken"]
    elsewhere = [url for url in requested if not url.startswith(live_server.url + "/")]
    assert requested and not elsewhere, elsewhere


def error_for(page, field):
    """The element(s) that field's aria-describedby points to, joined as text."""
    ids = (field.get_attribute("aria-describedby") or "").split()
    return " ".join(page.locator(f"[id='{id_}']").inner_text() for id_ in ids)


def test_patient_who_makes_mistakes_hears_the_errors_and_corrects_them(
    phone_page, live_server, shoot
):
    page = phone_page

    # A mistyped address first: the 404 page offers a way on.
    response = page.goto("/treatments/ketamine-for-ptds/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("We couldn't find that page")
    assert_no_violations(page)
    shoot(page, "not-found")
    page.get_by_role("main").get_by_role("link", name="Get in touch with our team").tap()

    # The empty form, sent with the browser's own checks off so the server answers.
    expect(page.get_by_role("heading", level=1)).to_have_text("Get in touch")
    page.eval_on_selector("form.inquiry-form", "form => { form.noValidate = true; }")
    page.get_by_role("button", name="Send message").tap()

    expect(page).to_have_title(re.compile(r"^Error: Get in touch"))
    summary = page.get_by_role("alert").filter(has_text="Please check what you entered")
    expect(summary).to_be_focused()
    assert page.evaluate("document.activeElement.id") == "error-summary"
    expected = {
        "First name": "Please enter your first name.",
        "Last name": "Please enter your last name.",
        "Email*": "Please enter your email address.",
        "What would you like to talk about?": "Please choose a topic.",
        "I agree that the clinic may store": "Please tick this box so we can contact you.",
    }
    for label, message in expected.items():
        field = page.get_by_label(label, exact=False).first
        expect(field).to_have_attribute("aria-invalid", "true")
        assert message in error_for(page, field), (label, error_for(page, field))
        expect(summary.get_by_role("link", name=message)).to_be_visible()
    assert Inquiry.objects.count() == 0
    assert_no_violations(page)
    shoot(page, "form-errors")

    # The summary's link takes them to the field; they correct everything and send.
    summary.get_by_role("link", name="Please enter your first name.").tap()
    expect(page.get_by_label("First name")).to_be_focused()
    page.get_by_label("First name").fill("Jo")
    page.get_by_label("Last name").fill("Park")
    page.get_by_role("textbox", name="Email").fill("jo.park@example")
    page.get_by_label("What would you like to talk about?").select_option("Anxiety")
    page.get_by_role("checkbox").check()
    page.get_by_role("button", name="Send message").tap()

    # One mistake left: the email has no domain ending.
    email = page.get_by_role("textbox", name="Email")
    expect(email).to_have_attribute("aria-invalid", "true")
    assert "Please enter an email address like name@example.com." in error_for(page, email)
    expect(page.get_by_label("First name")).to_have_value("Jo")
    expect(page.get_by_label("First name")).not_to_have_attribute("aria-invalid", "true")
    shoot(page, "form-one-error-left")
    email.fill("jo.park@example.com")
    page.get_by_role("checkbox").check()
    page.get_by_role("button", name="Send message").tap()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Thank you, we've received your message"
    )
    shoot(page, "thanks")
    inquiry = Inquiry.objects.get()
    assert (inquiry.first_name, inquiry.email, inquiry.topic.name) == (
        "Jo",
        "jo.park@example.com",
        "Anxiety",
    )
    assert inquiry.status == Inquiry.Status.NEW
