import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from pages.models import Page
from pages.services import save_page
from tests.pages.factories import make_faq, make_page, make_reference


def text_of(response):
    return response.content.decode()


def test_page_detail_shows_the_article_parts(client, article):
    html = text_of(client.get(article.path))

    assert '<nav class="page-breadcrumb" aria-label="Breadcrumb">' in html
    assert '<a href="/treatments/">Treatments</a>' in html
    assert "<h1" in html and "Ketamine for PTSD</h1>" in html
    assert (
        "Medically reviewed by Dr. Dana Whitfield, MD, psychiatrist on "
        '<time datetime="2026-10-01">October 1, 2026</time>'
    ) in html
    assert "<details>" in html and "<summary>On this page</summary>" in html
    assert '<a href="#what-is-ptsd">What is PTSD?</a>' in html
    assert '<details class="page-faq">' in html and "<summary>Is it safe?</summary>" in html
    assert "<strong>with monitoring</strong>" in html
    assert "Feder A, et al. JAMA Psychiatry. 2014." in html
    assert "is for education only and is not medical advice" in html


def test_page_without_marker_shows_the_cta_after_the_body(client, article):
    html = text_of(client.get(article.path))

    assert html.count("Talk to our team") == 1
    assert html.index("More text.") < html.index("Talk to our team")
    assert 'href="/get-in-touch/?from=%2Ftreatments%2Fketamine-for-ptsd%2F"' in html


def test_page_with_marker_shows_the_cta_only_there(client, section):
    page = make_page(parent=section, body="Before.\n\n[[get-in-touch]]\n\nAfter.\n")

    html = text_of(client.get(page.path))

    assert html.count("Talk to our team") == 1
    assert html.index("Before.") < html.index("Talk to our team") < html.index("After.")


def test_section_page_lists_its_published_children(client, section, article):
    make_page(title="Draft child", slug="draft-child", parent=section, status="draft")

    html = text_of(client.get(section.path))

    assert "In this section" in html
    assert f'href="{article.path}"' in html
    assert "Draft child" not in html


def test_home_shows_promise_button_and_cards_for_sections(client, article):
    make_page(title="Unpublished idea", slug="idea", parent=article.parent, status="draft")
    conditions = make_page(title="Conditions", slug="conditions")
    make_page(title="Treatment-resistant depression", slug="trd", parent=conditions)

    html = text_of(client.get("/"))

    assert "Get in touch" in html
    assert '<a class="stretched-link" href="/treatments/ketamine-for-ptsd/">' in html
    assert "Treatment-resistant depression" in html
    assert "Unpublished idea" not in html


@pytest.mark.parametrize("path", ["/", "/treatments/", "/treatments/ketamine-for-ptsd/"])
def test_exactly_one_h1_per_page(client, article, path):
    html = text_of(client.get(path))

    assert len(re.findall(r"<h1[\s>]", html)) == 1


def test_navigation_lists_pages_flagged_for_it_in_order(client, db):
    make_page(title="Conditions", slug="conditions", show_in_navigation=True, navigation_order=2)
    make_page(
        title="What to expect at your first visit",
        navigation_title="Your first visit",
        slug="first-visit",
        show_in_navigation=True,
        navigation_order=1,
    )
    make_page(title="Hidden", slug="hidden")
    make_page(title="Draft", slug="draft", status="draft", show_in_navigation=True)

    html = text_of(client.get("/"))
    nav = html[html.index('<nav class="site-nav"') : html.index("</nav>")]

    assert re.findall(r">([^<]+)</a></li>", nav) == ["Your first visit", "Conditions"]


def test_draft_is_404_for_the_public(client, section):
    draft = make_page(parent=section, status=Page.Status.DRAFT)

    assert client.get(draft.path).status_code == 404


def test_draft_is_404_for_a_signed_in_non_staff_user(client, section):
    draft = make_page(parent=section, status=Page.Status.DRAFT)
    client.force_login(User.objects.create_user("patient", password="x" * 16))

    assert client.get(draft.path).status_code == 404


def test_staff_preview_a_draft_exactly_as_it_will_look_and_never_cached(admin_client, section):
    draft = make_page(parent=section, status=Page.Status.DRAFT)
    make_faq(draft, question="Preview question?")

    response = admin_client.get(draft.path)

    assert response.status_code == 200
    html = text_of(response)
    assert "Preview: this page is a draft" in html
    assert "Preview question?" in html
    assert '<meta name="robots" content="noindex">' in html
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert not response.has_header("ETag")


def test_future_page_is_hidden_until_its_publish_time_then_visible(client, section, travel):
    page = make_page(
        title="Coming soon", parent=section, publish_at=timezone.now() + timedelta(minutes=10)
    )
    assert client.get(page.path).status_code == 404
    assert "Coming soon" not in text_of(client.get("/treatments/"))

    travel(10 * 60 + 1)

    assert client.get(page.path).status_code == 200
    assert "Coming soon" in text_of(client.get("/treatments/"))


def test_old_path_answers_301_after_a_slug_change(client, article):
    article.slug = "ketamine-and-ptsd"
    save_page(article)

    response = client.get("/treatments/ketamine-for-ptsd/?utm_source=x")

    assert response.status_code == 301
    assert response["Location"] == "/treatments/ketamine-and-ptsd/?utm_source=x"
    assert client.get(response["Location"]).status_code == 200


def test_child_of_a_moved_parent_answers_301_at_its_old_path(client, section, article):
    section.slug = "our-treatments"
    save_page(section)

    response = client.get("/treatments/ketamine-for-ptsd/")

    assert response.status_code == 301
    assert response["Location"] == "/our-treatments/ketamine-for-ptsd/"
    assert client.get("/treatments/")["Location"] == "/our-treatments/"


@pytest.mark.parametrize("path", ["/admin/", "/healthz", "/get-in-touch/"])
def test_catch_all_leaves_fixed_urls_alone(client, db, path):
    response = client.get(path)

    assert response.status_code in (200, 302)


def test_path_without_trailing_slash_redirects_to_the_page(client, article):
    response = client.get("/treatments/ketamine-for-ptsd")

    assert response.status_code == 301
    assert response["Location"] == "/treatments/ketamine-for-ptsd/"


# The page with its reviewer, FAQs, references, sub-pages, breadcrumbs, navigation, and the
# footer's location.
# The page's own 7, and the page cache's content version (read at most once a second
# per process in production; afresh in each test).
PAGE_DETAIL_QUERIES = 8


def test_page_detail_query_count_is_fixed_with_1_faq(client, article, django_assert_num_queries):
    with django_assert_num_queries(PAGE_DETAIL_QUERIES):
        response = client.get(article.path)

    assert response.status_code == 200


def test_page_detail_query_count_is_fixed_with_5_faqs(client, article, django_assert_num_queries):
    for number in range(4):
        make_faq(article, question=f"Question {number}?")
        make_reference(article, citation=f"Citation {number}")

    with django_assert_num_queries(PAGE_DETAIL_QUERIES):
        response = client.get(article.path)

    assert text_of(response).count('<details class="page-faq">') == 5


def test_post_is_not_allowed_on_public_pages(client, article):
    form = "application/x-www-form-urlencoded"  # a multipart body is refused unread (415)

    assert client.post(article.path, "", content_type=form).status_code == 405


def test_the_404_page_offers_the_site_search(client, db):
    response = client.get("/treatments/ketamine-for-ptds/")

    html = response.content.decode()
    assert response.status_code == 404
    form = html[html.index('aria-label="Find the page"') :]
    assert f'action="{reverse("pages:search")}"' in form[:200]
    assert 'for="not-found-q">Search the site for what you were looking for' in form
    assert 'id="not-found-q" name="q"' in form
