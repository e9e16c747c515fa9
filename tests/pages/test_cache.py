from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.db.models import F
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pages.cache import (
    PublicPageCacheMiddleware,
    cache_public_page,
    find_fresh,
)
from pages.content_version import ContentVersion
from pages.models import FAQ, Page
from pages.services import RowChanges, publish_page, save_page, unpublish_page
from tests.pages.factories import make_page

PUBLIC_PATHS = ["/", "/treatments/", "/treatments/ketamine-for-ptsd/"]


def queries_for(client, path, **headers):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, headers=headers)
    return response, len(queries)


@pytest.mark.parametrize("path", [*PUBLIC_PATHS, "/no-such-page/", "/sitemap.xml", "/robots.txt"])
def test_public_pages_set_no_cookies_and_do_not_vary_on_cookie(client, article, path):
    for _ in range(2):  # the miss that fills the cache, then the hit
        response = client.get(path)

        assert not response.cookies
        assert "Set-Cookie" not in response.headers
        assert "Cookie" not in response.get("Vary", "")


@pytest.mark.parametrize("path", PUBLIC_PATHS)
def test_public_pages_send_etag_and_cache_control(client, article, path):
    response = client.get(path)

    assert response.status_code == 200
    assert response["ETag"].startswith('"')
    assert response["Cache-Control"] == "public, max-age=0, must-revalidate"


@pytest.mark.parametrize("path", PUBLIC_PATHS)
def test_revalidation_with_if_none_match_gets_304_without_queries(client, article, path):
    etag = client.get(path)["ETag"]

    response, query_count = queries_for(client, path, if_none_match=etag)

    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag
    assert query_count == 0


def test_weak_etag_from_a_compressing_proxy_still_revalidates(client, article):
    etag = client.get(article.path)["ETag"]

    response = client.get(article.path, headers={"if-none-match": f'W/{etag}, "other"'})

    assert response.status_code == 304


def test_stale_etag_gets_the_full_page(client, article):
    etag = client.get(article.path)["ETag"]
    article.title = "Ketamine and PTSD"
    save_page(article)

    response = client.get(article.path, headers={"if-none-match": etag})

    assert response.status_code == 200
    assert response["ETag"] != etag
    assert "Ketamine and PTSD" in response.content.decode()


def test_cached_hit_costs_no_database_query(client, article):
    first, first_queries = queries_for(client, article.path)
    second, second_queries = queries_for(client, article.path)

    assert first_queries > 0
    assert second_queries == 0
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]


def test_saved_page_is_fresh_on_the_very_next_request(client, article):
    client.get(article.path)
    client.get("/")

    article.summary = "A brand-new summary."
    save_page(article)

    assert "A brand-new summary." in client.get(article.path).content.decode()
    assert "A brand-new summary." in client.get("/").content.decode()


def test_publishing_shows_the_page_on_the_next_request(client, section):
    draft = make_page(title="Newly published", slug="new", parent=section, status="draft")
    assert client.get(draft.path).status_code == 404
    assert "Newly published" not in client.get("/").content.decode()

    publish_page(draft)

    assert client.get(draft.path).status_code == 200
    assert "Newly published" in client.get("/").content.decode()


def test_unpublishing_hides_the_page_on_the_next_request(client, article):
    assert client.get(article.path).status_code == 200
    assert article.path in client.get("/").content.decode()

    unpublish_page(article)

    assert client.get(article.path).status_code == 404
    assert article.path not in client.get("/").content.decode()


def test_faq_edit_shows_on_the_next_request(client, article):
    client.get(article.path)
    faq = FAQ.objects.get(page=article)

    faq.question = "Does it hurt?"
    save_page(article, faqs=RowChanges(save=[faq]))

    assert "Does it hurt?" in client.get(article.path).content.decode()


def test_faq_delete_shows_on_the_next_request(client, article):
    client.get(article.path)

    save_page(article, faqs=RowChanges(delete=[FAQ.objects.get(page=article)]))

    assert "Is it safe?" not in client.get(article.path).content.decode()


def test_navigation_change_on_another_page_refreshes_every_cached_page(client, article):
    client.get(article.path)
    other = make_page(title="Your first visit", slug="first-visit")

    other.show_in_navigation = True
    save_page(other)

    assert '<a href="/first-visit/"' in client.get(article.path).content.decode()


def test_staff_are_never_served_a_cached_page(client, admin_client, article):
    client.get(article.path)
    # A change that skips the signals: the anonymous cache keeps the old title...
    Page.objects.filter(pk=article.pk).update(title="Changed behind the cache")
    assert "Changed behind the cache" not in client.get(article.path).content.decode()

    response = admin_client.get(article.path)

    # ...while staff always see the database.
    assert "Changed behind the cache" in response.content.decode()
    assert "private" in response["Cache-Control"]


def test_staff_never_populate_the_cache(admin_client, client, article):
    admin_client.get(article.path)

    assert find_fresh(article.path) is None
    _, query_count = queries_for(client, article.path)
    assert query_count > 0


def test_a_flushed_cache_still_serves_the_current_page(client, article):
    etag = client.get(article.path)["ETag"]

    cache.clear()  # Redis restarted empty, say
    response = client.get(article.path)

    assert response.status_code == 200
    assert response["ETag"] == etag  # the content has not changed, so neither has its tag
    assert client.get(article.path, headers={"if-none-match": etag}).status_code == 304


def test_a_save_on_another_server_is_seen_within_a_second(client, article, travel):
    client.get(article.path)
    # What another server's save does here: the rows and the version change in the
    # database, and this process's copy of the version is not told.
    Page.objects.filter(pk=article.pk).update(title="Saved elsewhere")
    ContentVersion.objects.filter(pk=1).update(number=F("number") + 1)

    travel(1.1)

    assert "Saved elsewhere" in client.get(article.path).content.decode()


def test_a_scheduled_page_appears_when_its_time_comes(client, section, travel):
    make_page(
        title="Later",
        slug="later",
        parent=section,
        publish_at=timezone.now() + timedelta(seconds=90),
    )
    assert "Later" not in client.get("/").content.decode()

    travel(91)

    assert "Later" in client.get("/").content.decode()


def test_a_cached_page_is_rendered_afresh_on_a_new_day(client, article, travel):
    etag = client.get(article.path)["ETag"]

    travel(24 * 60 * 60)

    response = client.get(article.path, headers={"if-none-match": etag})
    assert response.status_code == 200
    assert response["ETag"] != etag


@pytest.mark.parametrize("host", ["evil.example.com", "127.0.0.1.evil.example.com"])
def test_a_cached_page_answers_only_the_sites_own_hosts(client, article, host):
    assert client.get(article.path).status_code == 200  # now in the cache

    response = client.get(article.path, headers={"host": host})

    assert response.status_code == 400
    assert b"Ketamine" not in response.content


def test_head_request_shares_the_get_entry(client, article):
    etag = client.get(article.path)["ETag"]

    with CaptureQueriesContext(connection) as queries:
        response = client.head(article.path)

    assert response.status_code == 200
    assert response["ETag"] == etag
    assert response.content == b""
    assert len(queries) == 0


def test_a_response_that_used_the_csrf_token_is_never_stored(db):
    @cache_public_page
    def view_with_a_form(request):
        return HttpResponse(f"token {get_token(request)}")

    request = RequestFactory().get("/form-page/")
    response = PublicPageCacheMiddleware(view_with_a_form)(request)

    assert response.status_code == 200
    assert find_fresh("/form-page/") is None


def test_a_new_release_never_serves_the_old_release_entries(client, article, settings):
    etag = client.get(article.path)["ETag"]

    settings.CLINIC_NAME = "Harbor Light Clinic"  # as a deploy with new settings would
    response = client.get(article.path, headers={"if-none-match": etag})

    assert response.status_code == 200
    assert "Harbor Light Clinic" in response.content.decode()


def test_a_cached_hit_carries_the_same_security_headers_as_the_miss(client, article):
    miss = client.get(article.path)
    hit = client.get(article.path)

    for header in ("Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options"):
        assert hit[header] == miss[header]
    assert hit.content == miss.content


def test_a_cached_hit_skips_sessions_csrf_and_the_view(client, article, monkeypatch):
    client.get(article.path)
    from pages import views

    def must_not_run(*args, **kwargs):
        raise AssertionError("the view ran on a cache hit")

    monkeypatch.setattr(views.Page.objects, "published", must_not_run)

    assert client.get(article.path).status_code == 200


def test_the_release_fingerprint_covers_the_picture_and_clinic_facts_code(settings):
    from pages.cache import release, rendering_files

    before = release()
    settings.MEDIA_URL = "/uploads/"  # moved images: stored picture links change
    assert release() != before

    sources = [str(path) for path in rendering_files()]
    assert any("/images/rendering.py" in path for path in sources)
    assert any("/clinicfacts/structured_data.py" in path for path in sources)
