import io
import logging
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pages.models import Page
from pages.search import fallback_search, normalise_query, search_pages
from pages.services import RowChanges, save_page
from tests.pages.factories import make_faq, make_page


def titles(results):
    return [result.page.title for result in results]


def search(client, query, **extra):
    return client.get("/search/", {"q": query}, **extra)


@pytest.fixture
def known_set(db):
    """The word "esketamine" in a title, a body and only an FAQ."""
    body_page = make_page(
        title="Nasal sprays", slug="sprays", body="Esketamine is a nasal spray.", summary="Sprays."
    )
    faq_page = make_page(title="Costs", slug="costs", body="What it costs.", summary="Money.")
    make_faq(faq_page, question="Is esketamine covered?", answer="Sometimes.")
    title_page = make_page(
        title="Esketamine", slug="esketamine", body="A medicine.", summary="What it is."
    )
    return title_page, body_page, faq_page


def test_title_outranks_body_which_outranks_faq(known_set):
    assert titles(search_pages("esketamine")) == ["Esketamine", "Nasal sprays", "Costs"]


def test_an_faq_only_match_is_found_and_a_deleted_faq_is_forgotten(db):
    page = make_page(title="Costs", slug="costs", body="What it costs.")
    faq = make_faq(page, question="Do you take insurance?", answer="Some plans.")

    assert titles(search_pages("insurance")) == ["Costs"]

    save_page(page, faqs=RowChanges(delete=[faq]))

    assert search_pages("insurance") == []


def test_drafts_and_scheduled_pages_never_appear(db):
    make_page(title="Draft ketamine", slug="draft", status=Page.Status.DRAFT)
    make_page(title="Future ketamine", slug="future", publish_at=timezone.now() + timedelta(days=1))
    make_page(title="Live ketamine", slug="live")

    assert titles(search_pages("ketamine")) == ["Live ketamine"]


def test_stemming_and_websearch_syntax(db):
    make_page(title="Treating depression", slug="depression", body="Infusions help many.")
    make_page(title="Anxiety", slug="anxiety", body="Treatments for anxiety and depression.")

    assert titles(search_pages("infusion")) == ["Treating depression"]
    assert titles(search_pages("depression -anxiety")) == ["Treating depression"]
    assert titles(search_pages('"infusions help"')) == ["Treating depression"]


def test_snippet_highlights_the_word_and_escapes_the_text(db):
    make_page(
        title="Safety",
        slug="safety",
        summary="Is ketamine safe & legal?",
        body="Salt & pepper <script>alert(1)</script> then ketamine, monitored.",
    )

    [result] = search_pages("ketamine")

    assert result.summary == "Is <mark>ketamine</mark> safe &amp; legal?"
    assert "<mark>ketamine</mark>" in result.snippet
    assert "&amp;" in result.snippet
    assert "<script" not in result.snippet


def test_results_page_lists_matches_with_highlights_and_sections(client, db):
    section = make_page(
        title="Treatments", slug="treatments", summary="What we offer.", body="Our treatments."
    )
    make_page(parent=section, body="Many people with **PTSD** try ketamine.")

    response = search(client, "ptsd")
    html = response.content.decode()

    assert response.status_code == 200
    assert "1 page matches “ptsd”</h1>" in html
    assert '<a href="/treatments/ketamine-for-ptsd/">Ketamine for PTSD</a>' in html
    assert "In Treatments" in html
    assert "with <mark>PTSD</mark> try" in html
    assert 'name="q" value="ptsd"' in html
    assert '<meta name="robots" content="noindex">' in html


def test_at_most_twenty_results_are_shown(client, db):
    for number in range(21):
        make_page(title=f"Ketamine {number}", slug=f"k{number}")

    html = search(client, "ketamine").content.decode()

    assert "The 20 best matches for “ketamine”" in html
    assert html.count('class="search-result"') == 20


def test_empty_query_asks_for_a_word(client, db):
    for response in (client.get("/search/"), search(client, "  \t ")):
        assert response.status_code == 200
        assert "Type a word or two to search the site" in response.content.decode()


def test_no_match_suggests_where_to_go(client, db):
    make_page(title="Treatments", slug="treatments", show_in_navigation=True)

    html = search(client, "zebra").content.decode()

    assert "No pages match “zebra”" in html
    assert '<a href="/">home page</a>' in html
    assert '<a href="/treatments/">Treatments</a>' in html
    assert 'href="/get-in-touch/"' in html


def test_stop_words_only_match_nothing(client, db):
    make_page(title="The clinic", slug="clinic")

    assert "No pages match “the and”" in search(client, "the and").content.decode()


@pytest.mark.parametrize("path", ["/", "/treatments/", "/search/", "/no-such-page/"])
def test_header_has_a_labelled_search_form(client, db, path):
    make_page(title="Treatments", slug="treatments")

    html = client.get(path).content.decode()

    assert '<form class="site-search" role="search" aria-label="Site" action="/search/"' in html
    assert '<label class="visually-hidden" for="site-search-q">Search the site</label>' in html
    assert 'type="search" id="site-search-q" name="q"' in html


def test_search_sets_no_cookie_and_does_not_vary_on_cookie(client, known_set):
    for _ in range(2):  # the miss that fills the cache, then the hit
        response = search(client, "esketamine")

        assert not response.cookies
        assert "Cookie" not in response.get("Vary", "")
        assert response["Cache-Control"] == "public, max-age=0, must-revalidate"


def test_each_query_has_its_own_cache_entry(client, known_set):
    first = search(client, "nasal")
    other = search(client, "costs")
    with CaptureQueriesContext(connection) as queries:
        again = search(client, "nasal")

    assert titles_in(first) == ["Nasal sprays"]
    assert titles_in(other) == ["Costs"]
    assert again.content == first.content
    assert len(queries) == 0  # the second "nasal" came from the cache
    assert first["ETag"] != other["ETag"]


def test_queries_that_read_the_same_share_one_cache_entry(client, known_set):
    first = search(client, "nasal")
    with CaptureQueriesContext(connection) as queries:
        for same in ("nasal ", " nasal\x00", "nasal\t"):
            assert search(client, same).content == first.content

    assert len(queries) == 0


def test_search_entries_expire_within_ten_minutes(client, known_set, travel):
    search(client, "nasal")
    travel(11 * 60)
    with CaptureQueriesContext(connection) as queries:
        search(client, "nasal")

    assert len(queries) > 0


def titles_in(response):
    html = response.content.decode()
    return [page.title for page in Page.objects.all() if f">{page.title}</a></h2>" in html]


def test_a_saved_page_shows_in_the_next_search(client, known_set):
    assert "No pages match" in search(client, "ibogaine").content.decode()
    page = Page.objects.get(slug="sprays")
    page.body = "Not ibogaine."
    save_page(page)

    assert titles_in(search(client, "ibogaine")) == ["Nasal sprays"]


def test_search_refuses_changes_with_405(client, db):
    form = "application/x-www-form-urlencoded"  # a multipart body is refused unread (415)

    assert client.post("/search/", "q=ketamine", content_type=form).status_code == 405


def test_a_search_logs_nothing_of_the_query(client, known_set, caplog):
    caplog.set_level(logging.DEBUG)

    search(client, "esketamine confidential", REMOTE_ADDR="203.0.113.9")
    search(client, "x" * 300, REMOTE_ADDR="203.0.113.9")  # the 400 is logged, by path only

    assert "confidential" not in caplog.text
    assert "xxxxxxxx" not in caplog.text


def test_links_from_the_results_send_no_referrer_to_the_inquiry_form(client, known_set):
    for query in ("esketamine", "x" * 300):
        assert search(client, query)["Referrer-Policy"] == "no-referrer"


def test_the_command_fills_missing_vectors(known_set):
    Page.objects.update(search_vector=None)
    assert search_pages("esketamine") == []

    call_command("refresh_pages", stdout=io.StringIO())

    assert len(search_pages("esketamine")) == 3


def test_query_normalisation_drops_control_characters_and_extra_spaces():
    assert normalise_query(" ptsd\x00\x1b[2J\u202e  help\n") == "ptsd [2J help"


# The fallback for SQLite, run here on PostgreSQL: it is plain ORM.


def fallback(query):
    return fallback_search(Page.objects.published(), query)


def test_fallback_puts_title_matches_first_and_finds_faqs(known_set):
    assert titles(fallback("esketamine")) == ["Esketamine", "Nasal sprays", "Costs"]
    assert titles(fallback("ESKETAMINE covered")) == ["Costs"]
    assert fallback("!!! ?") == []


def test_fallback_snippet_is_escaped_and_highlighted(db):
    make_page(title="Safety", slug="safety", body="## Risks\n\n<script>x</script> ketamine & more")

    [result] = fallback("ketamine")

    assert (
        result.snippet == "…Risks &lt;script&gt;x&lt;/script&gt; <mark>ketamine</mark> &amp; more…"
    )


def test_image_markers_are_neither_searched_nor_shown_in_snippets(db, settings, tmp_path):
    from tests.images.conftest import make_image

    settings.MEDIA_ROOT = tmp_path / "media"
    image = make_image()
    make_page(
        title="Your first visit",
        slug="first-visit",
        summary="What happens.",
        body=f"Arrive early.\n\n[[image:{image.pk} | A waiting room]]\n\nBring a friend along.",
    )

    assert search_pages("image") == []
    for results in (search_pages("friend"), fallback_search(Page.objects.published(), "friend")):
        (result,) = results
        assert "friend" in result.snippet
        assert "image" not in result.snippet and "waiting room" not in result.snippet


def test_refresh_pages_remakes_stored_html_and_grades_without_a_revision(known_set):
    page = Page.objects.get(slug="sprays")
    updated_at, revisions = page.updated_at, page.revisions.count()
    Page.objects.filter(pk=page.pk).update(body_html="stale", reading_grade=None)

    call_command("refresh_pages", stdout=io.StringIO())

    page.refresh_from_db()
    assert page.body_html == "<p>Esketamine is a nasal spray.</p>"
    assert page.updated_at == updated_at
    assert page.revisions.count() == revisions
