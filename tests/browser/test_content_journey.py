"""An editor adds a picture to a page, undoes a bad edit, and a patient finds the page."""

import io
import mimetypes
import re
from pathlib import Path

import pytest
from django.conf import settings
from PIL import Image as PillowImage
from playwright.sync_api import expect

from images.models import Image
from inquiries.roles import CONTENT_EDITORS
from pages.models import Page
from tests.browser.a11y import assert_no_violations
from tests.browser.conftest import sign_in

PATH = "/your-first-visit/"
ALT_TEXT = "A bright treatment room with a reclining chair and a window."


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def serve_media(media_root):
    """Answer /media/ from MEDIA_ROOT, as the web server in front of the site does."""

    def serve(page):
        def fulfil(route):
            relative = route.request.url.split(settings.MEDIA_URL, 1)[1]
            file = Path(media_root) / relative
            if not file.is_file():
                return route.fulfill(status=404)
            content_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
            return route.fulfill(path=file, content_type=content_type)

        page.context.route(re.compile(rf".*{re.escape(settings.MEDIA_URL)}.*"), fulfil)

    return serve


def a_photo(tmp_path):
    picture = PillowImage.new("RGB", (1400, 800), (210, 225, 230))
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG")
    path = tmp_path / "treatment-room.jpg"
    path.write_bytes(buffer.getvalue())
    return path


def test_editor_places_a_picture_restores_a_revision_and_a_patient_finds_the_page(
    page,
    browser,
    browser_context_args,
    live_server,
    shoot,
    make_staff_user,
    demo_content,
    serve_media,
    tmp_path,
):
    editor = make_staff_user("eli", CONTENT_EDITORS)
    serve_media(page)
    sign_in(page, editor)

    # Upload: refused without alt text (nothing stored), accepted with it.
    page.locator("tr.model-image").get_by_role("link", name="Images").click()
    page.get_by_role("link", name="Add image").click()
    page.get_by_label("Title").fill("Treatment room")
    page.get_by_label("Picture").set_input_files(a_photo(tmp_path))
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".errorlist")).to_contain_text("Describe what the image shows")
    assert not Image.objects.filter(title="Treatment room").exists()
    assert_no_violations(page)
    shoot(page, "upload-refused")
    page.get_by_label("Picture").set_input_files(a_photo(tmp_path))
    page.get_by_label("Alt text").fill(ALT_TEXT)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    image = Image.objects.get(title="Treatment room")
    marker = f"[[image:{image.pk}]]"
    expect(page.locator("#result_list")).to_contain_text(marker)
    shoot(page, "image-library")

    # Place it in a page, then make a bad edit to the title.
    visit_page = Page.objects.get(path=PATH)
    page.goto(f"/{settings.ADMIN_PATH}pages/page/{visit_page.pk}/change/")
    body = page.get_by_label("Body")
    body.fill(f"{marker}\n\n{body.input_value()}")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    page.get_by_label("Title:", exact=True).fill("WRONG TITLE")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    # Undo it: compare the last two revisions, then restore the earlier one.
    page.get_by_role("link", name="Revisions").click()
    assert_no_violations(page)
    shoot(page, "revisions")
    page.get_by_role("button", name="Compare").click()
    expect(page.locator("body")).to_contain_text("WRONG TITLE")
    assert_no_violations(page)
    shoot(page, "compare")
    page.go_back()
    page.get_by_role("link", name="Restore this revision").first.click()
    expect(page.locator("#content")).to_contain_text("WRONG TITLE")
    page.get_by_role("button", name="Restore this revision").click()
    expect(page.locator(".messagelist")).to_contain_text("Restored the saved revision")
    visit_page.refresh_from_db()
    assert visit_page.title == "What to expect at your first visit"
    assert marker in visit_page.body

    # A patient, on a phone, searches from the header and opens the page.
    visitor = browser.new_context(
        **browser_context_args, viewport={"width": 390, "height": 844}, is_mobile=True
    ).new_page()
    serve_media(visitor)
    visitor.goto("/")
    visitor.get_by_label("Search the site").fill("first visit")
    visitor.get_by_label("Search the site").press("Enter")
    expect(visitor.get_by_role("heading", level=1)).to_contain_text("match “first visit”")
    result = visitor.get_by_role("link", name="What to expect at your first visit")
    expect(result).to_be_visible()
    assert_no_violations(visitor)
    shoot(visitor, "search-results")
    result.click()
    expect(visitor).to_have_url(re.compile(f"{PATH}$"))
    picture = visitor.get_by_role("img", name=ALT_TEXT)
    expect(picture).to_be_visible()
    # The picture loaded (from a rendition), with its size reserved before it did.
    assert picture.evaluate("img => img.complete && img.naturalWidth > 0")
    assert picture.get_attribute("width") and picture.get_attribute("height")
    assert visitor.context.cookies() == []
    assert_no_violations(visitor)
    shoot(visitor, "page-with-picture")
    visitor.context.close()
