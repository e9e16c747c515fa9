from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from pages.models import RESERVED_SLUGS, Page, PageRedirect
from pages.services import publish_page, save_page, unpublish_page
from tests.pages.factories import make_faq, make_page


def errors_of(page):
    with pytest.raises(ValidationError) as excinfo:
        page.full_clean()
    return excinfo.value.message_dict


def test_path_nests_under_the_parent(article):
    assert article.path == "/treatments/ketamine-for-ptsd/"
    assert article.get_absolute_url() == "/treatments/ketamine-for-ptsd/"
    assert article.ancestor_paths() == ["/treatments/"]


def test_taken_path_is_refused_with_a_clear_message(article, section):
    duplicate = Page(
        title="Another", slug="ketamine-for-ptsd", parent=section, summary="s", body="b"
    )

    message = errors_of(duplicate)["slug"][0]

    assert "/treatments/ketamine-for-ptsd/ is already used by the page “Ketamine for PTSD”" in (
        message
    )


def test_parent_cycle_is_refused(article, section):
    section.parent = article

    assert (
        "can't sit under itself or under one of its own sub-pages"
        in (errors_of(section)["parent"][0])
    )


def test_page_cannot_be_its_own_parent(section):
    section.parent = section

    assert "parent" in errors_of(section)


@pytest.mark.parametrize("slug", sorted(RESERVED_SLUGS - {"sitemap.xml", "robots.txt"}))
def test_top_level_slug_of_a_fixed_url_is_refused(db, slug):
    page = Page(title="X", slug=slug, summary="s", body="b")

    assert "is used by a fixed address of the site" in errors_of(page)["slug"][0]


def test_top_level_slug_of_a_custom_admin_path_is_refused(db, settings):
    settings.ADMIN_PATH = "staff-desk/"
    page = Page(title="X", slug="staff-desk", summary="s", body="b")

    assert "is used by a fixed address of the site" in errors_of(page)["slug"][0]


def test_reserved_word_is_fine_below_a_section(section):
    page = Page(title="Admin tips", slug="admin", parent=section, summary="s", body="b")

    page.full_clean()


@pytest.mark.parametrize(
    "slug", ["Ketamine", "ketamine for ptsd", "ptsd--care", "sitemap.xml", "-x"]
)
def test_bad_slug_is_refused_with_an_example(db, slug):
    page = Page(title="X", slug=slug, summary="s", body="b")

    assert "lowercase letters, numbers and single hyphens" in errors_of(page)["slug"][0]


def test_summary_of_161_characters_is_refused_with_a_clear_message(db):
    page = Page(title="X", slug="x", summary="a" * 161, body="b")

    assert errors_of(page)["summary"] == [
        "Keep the summary to 160 characters or fewer (it has 161): "
        "search engines cut longer descriptions off."
    ]


def test_summary_of_160_characters_is_fine(db):
    Page(title="X", slug="x", summary="a" * 160, body="b").full_clean()


def test_published_queryset_hides_drafts_and_future_pages(db):
    live = make_page(slug="live")
    make_page(slug="draft", status=Page.Status.DRAFT)
    make_page(slug="later", publish_at=timezone.now() + timedelta(hours=1))

    assert list(Page.objects.published()) == [live]


def test_slug_change_creates_a_redirect_for_the_page_and_its_children(section, article):
    section.slug = "our-treatments"
    save_page(section)

    article.refresh_from_db()
    assert article.path == "/our-treatments/ketamine-for-ptsd/"
    assert dict(PageRedirect.objects.values_list("old_path", "page")) == {
        "/treatments/": section.pk,
        "/treatments/ketamine-for-ptsd/": article.pk,
    }


def test_moved_page_links_its_cta_to_the_new_path(section):
    page = make_page(parent=section, body="Intro.\n\n[[get-in-touch]]\n")

    section.slug = "care"
    save_page(section)

    page.refresh_from_db()
    assert "from=%2Fcare%2Fketamine-for-ptsd%2F" in page.body_html


def test_moving_back_to_an_old_path_removes_that_redirect(section):
    section.slug = "care"
    save_page(section)
    section.slug = "treatments"
    save_page(section)

    assert list(PageRedirect.objects.values_list("old_path", flat=True)) == ["/care/"]


def test_updated_at_moves_only_when_content_really_changes(article):
    page = Page.objects.get(pk=article.pk)
    before = page.updated_at

    save_page(page)
    assert Page.objects.get(pk=article.pk).updated_at == before

    page.title = "Ketamine and PTSD"
    save_page(page)
    assert Page.objects.get(pk=article.pk).updated_at > before


def test_faq_change_counts_as_a_content_change(article):
    before = Page.objects.get(pk=article.pk).updated_at

    make_faq(article, question="New?")

    assert Page.objects.get(pk=article.pk).updated_at > before


def test_publish_and_unpublish_steps(db):
    page = make_page(status=Page.Status.DRAFT)

    publish_page(page)
    assert Page.objects.published().filter(pk=page.pk).exists()

    unpublish_page(page)
    assert not Page.objects.published().filter(pk=page.pk).exists()


def test_an_edit_is_noticed_even_after_a_deferred_field_is_loaded(db):
    page = make_page()
    before = Page.objects.get(pk=page.pk).updated_at

    partial = Page.objects.only("title", "updated_at").get(pk=page.pk)
    partial.title = "A new title"
    assert partial.body  # loads the deferred body from the database
    save_page(partial)

    assert Page.objects.get(pk=page.pk).updated_at > before
