"""The shared cache on a real Redis (127.0.0.1:6379, as on these machines and in CI),
through the site's backend (Django's own, made resilient in clinic/cache.py): the rate
limit's counter, the page cache, and a Redis that is down."""

import logging
import os
import time
import uuid

import pytest
from django.conf import settings as django_settings
from django.core.cache import caches

from inquiries.models import Inquiry
from inquiries.spam import count_submission
from pages.services import save_page
from tests.inquiries.crm_factories import dashboard_url, make_intake_user, queue_url
from tests.inquiries.factories import form_data, post_form
from tests.pages.factories import make_page

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
NOTHING_LISTENS = "redis://127.0.0.1:1/0"
REDIS_BACKEND = "clinic.cache.ResilientRedisCache"


def redis_settings(location, prefix):
    return {
        **django_settings.CACHES,  # the local-memory copies in front stay as they are
        "default": {
            "BACKEND": REDIS_BACKEND,
            "LOCATION": location,
            "KEY_PREFIX": prefix,
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
        },
    }


@pytest.fixture
def redis_cache(settings):
    prefix = f"test-{uuid.uuid4().hex}"  # nothing shared with other runs
    settings.CACHES = redis_settings(REDIS_URL, prefix)
    cache = caches["default"]
    yield cache
    client = cache._cache.get_client(write=True)
    for key in client.scan_iter(match=f"{prefix}:*"):  # this run's keys only, not FLUSHDB
        client.delete(key)


def test_the_rate_limit_counts_each_submission_once(redis_cache):
    counts = [count_submission("client-a") for _ in range(3)]

    assert counts == [1, 2, 3]
    assert count_submission("client-b") == 1


def test_the_rate_limit_window_ends_and_starts_again(redis_cache, settings):
    settings.INQUIRY_RATE_WINDOW_SECONDS = 1
    count_submission("client-a")
    count_submission("client-a")

    time.sleep(1.1)

    assert count_submission("client-a") == 1


def test_every_count_has_an_end_in_redis(redis_cache):
    count_submission("client-a")
    key = redis_cache.make_and_validate_key("inquiries:rate:client-a")

    ttl = redis_cache._cache.get_client(key).ttl(key)

    assert 0 < ttl <= 600


def test_form_rate_limit_holds_on_redis(client, db, settings, redis_cache):
    settings.INQUIRY_RATE_LIMIT = 2

    statuses = [
        post_form(client, form_data(email=f"p{n}@example.com")).status_code for n in range(3)
    ]

    assert statuses == [303, 303, 429]


def test_a_page_is_served_from_redis_and_fresh_after_a_save(client, db, redis_cache):
    page = make_page(title="Before")
    first = client.get(page.path)

    again = client.get(page.path, headers={"if-none-match": first["ETag"]})
    page.title = "After"
    save_page(page)
    fresh = client.get(page.path)

    assert again.status_code == 304
    assert "After" in fresh.content.decode()


def test_inquiry_is_stored_and_pages_served_while_redis_is_down(client, db, settings):
    settings.CACHES = redis_settings(NOTHING_LISTENS, "down")
    page = make_page()
    data = form_data(email="grace@example.com")

    article = client.get(page.path)
    form = client.get("/get-in-touch/")
    sent = post_form(client, data)
    thanks = client.get(sent["Location"])

    assert article.status_code == form.status_code == thanks.status_code == 200
    assert sent.status_code == 303
    assert Inquiry.objects.filter(email="grace@example.com").exists()


@pytest.mark.parametrize(
    "url",
    [dashboard_url, queue_url, lambda: queue_url() + "?work=mine", lambda: "/admin/"],
    ids=["dashboard", "queue", "my work", "admin index"],
)
def test_staff_screens_answer_while_redis_is_down(client, db, settings, url):
    client.force_login(make_intake_user())
    settings.CACHES = redis_settings(NOTHING_LISTENS, "down")

    response = client.get(url())

    assert response.status_code == 200


def test_an_edit_saved_while_redis_was_down_is_seen_once_it_is_back(
    client, db, settings, redis_cache
):
    page = make_page(title="Dosage before the correction")
    client.get(page.path)  # a copy in Redis
    up = settings.CACHES

    settings.CACHES = redis_settings(NOTHING_LISTENS, "down")
    page.title = "Dosage after the correction"
    save_page(page)
    settings.CACHES = up  # Redis answers again, still holding the old copy
    html = client.get(page.path).content.decode()

    assert "Dosage after the correction" in html
    assert "Dosage before the correction" not in html


def test_redis_down_is_logged_once_and_back_once(client, db, settings, redis_cache, caplog):
    pages = [make_page(title=f"Page {n}", slug=f"page-{n}") for n in range(6)]
    up = settings.CACHES
    caplog.set_level(logging.INFO)

    settings.CACHES = redis_settings(NOTHING_LISTENS, "down")
    for page in pages[:5]:
        assert client.get(page.path).status_code == 200
    time.sleep(1.1)  # past the one-a-second probe
    settings.CACHES = up
    assert client.get(pages[5].path).status_code == 200  # not in this process's copies

    warnings = [
        record.getMessage() for record in caplog.records if record.levelno >= logging.WARNING
    ]
    assert len(warnings) == 2
    assert warnings[0].startswith("Redis (the shared cache) unreachable (ConnectionError")
    assert warnings[1].startswith("Redis (the shared cache) is back after 1.")
    assert "failed calls meanwhile" in warnings[1]
    assert not any(record.exc_info for record in caplog.records)
