"""The editor's screens in a real browser at 1280 px: axe-clean, and usable for writing."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from inquiries.roles import CONTENT_EDITORS
from pages.models import Page
from tests.browser.a11y import assert_no_violations
from tests.browser.conftest import sign_in

DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def editor_page(page, make_staff_user, demo_content):
    page.set_viewport_size(DESKTOP)
    sign_in(page, make_staff_user("eli", CONTENT_EDITORS))
    return page


def ptsd_page():
    return Page.objects.get(slug="ketamine-for-ptsd")


def test_page_change_form_has_no_axe_violations(editor_page, shoot):
    editor_page.goto(reverse("admin:pages_page_change", args=[ptsd_page().pk]))

    shoot(editor_page, "change-form")
    assert_no_violations(editor_page)


def test_page_list_has_no_axe_violations_and_titles_on_one_line(editor_page, shoot):
    editor_page.goto(reverse("admin:pages_page_changelist"))
    shoot(editor_page, "page-list")

    assert_no_violations(editor_page)
    title_heights = editor_page.locator("#result_list tbody th a").evaluate_all(
        "links => links.map(link => link.getClientRects().length)"
    )
    assert title_heights and all(lines == 1 for lines in title_heights), title_heights


def test_the_body_is_25_lines_tall_and_grows_as_the_editor_writes(editor_page):
    editor_page.goto(reverse("admin:pages_page_add"))
    body, summary = editor_page.get_by_label("Body"), editor_page.get_by_label("Summary")
    line = body.evaluate(
        "field => { const style = getComputedStyle(field);"
        " return parseFloat(style.lineHeight) || 1.2 * parseFloat(style.fontSize); }"
    )

    assert body.bounding_box()["height"] >= 25 * line
    assert summary.bounding_box()["height"] < 5 * line

    body.fill("A line of the body.\n" * 60)

    expect(body).to_have_value(re.compile("A line of the body"))
    assert body.bounding_box()["height"] >= 60 * line


def test_a_long_citation_shows_whole(editor_page):
    editor_page.goto(reverse("admin:pages_page_change", args=[ptsd_page().pk]))
    citation = editor_page.locator("#id_references-0-citation")

    text, box = citation.evaluate(
        "field => [[field.scrollWidth, field.scrollHeight],"
        " [field.clientWidth, field.clientHeight]]"
    )

    assert text[0] <= box[0] and text[1] <= box[1], f"cut off: {text} px of text in {box} px"


def test_compare_shows_the_changed_paragraph_not_the_whole_body(editor_page, shoot):
    from pages.services import save_page

    page = ptsd_page()
    page.body = page.body.replace("mental health condition", "common mental health condition")
    save_page(page)
    editor_page.goto(reverse("admin:pages_page_revisions", args=[page.pk]))

    editor_page.get_by_role("button", name="Compare").click()

    expect(editor_page.locator(".revision-diff ins")).to_have_text(["common "])
    expect(editor_page.locator(".revision-diff__changed")).to_have_count(1)
    assert editor_page.locator(".revision-diff").bounding_box()["height"] < 900
    shoot(editor_page, "compare")
    assert_no_violations(editor_page)


def test_image_upload_previews_the_picture_and_asks_for_alt_text(editor_page, tmp_path, shoot):
    from tests.browser.test_content_journey import a_photo

    editor_page.goto(reverse("admin:images_image_add"))

    editor_page.get_by_label("Picture").set_input_files(a_photo(tmp_path))

    preview = editor_page.get_by_role("img", name="The picture you chose")
    expect(preview).to_be_visible()
    assert preview.evaluate("image => image.naturalWidth") == 1400
    expect(editor_page.get_by_label("Alt text")).to_have_attribute("aria-required", "true")
    expect(editor_page.get_by_text("Start with what it is")).to_be_visible()
    shoot(editor_page, "image-upload")
    assert_no_violations(editor_page)


def test_reviewer_marks_a_page_reviewed(editor_page, shoot):
    page = ptsd_page()
    editor_page.goto(reverse("admin:pages_page_change", args=[page.pk]))

    editor_page.get_by_role("link", name="Mark as reviewed").click()
    assert_no_violations(editor_page)
    shoot(editor_page, "mark-reviewed")
    editor_page.get_by_role("button", name="Mark as reviewed").click()

    expect(editor_page.locator(".messagelist")).to_contain_text("Marked as reviewed by")
    page.refresh_from_db()
    assert page.revisions.first().get_kind_display() == "Medically reviewed"
