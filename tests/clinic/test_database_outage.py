"""PostgreSQL down: cached pages are still served, everything else answers 503 with the
clinic's phone number and the crisis lines, and the log says so once."""

import logging
import time
from contextlib import contextmanager

import pytest
from django.db import OperationalError, connection
from django.test import Client

from tests.inquiries.crm_factories import make_intake_user, queue_url
from tests.pages.factories import make_page


@contextmanager
def database_down():
    """Every query fails as it does while PostgreSQL restarts."""

    def refuse(execute, sql, params, many, context):
        raise OperationalError("connection to server at 127.0.0.1:5432 failed: refused")

    with connection.execute_wrapper(refuse):
        yield


@pytest.fixture
def visitor():
    # A 500 must show as the response a patient would get, not as a raised exception.
    return Client(raise_request_exception=False)


@pytest.fixture
def article(db):
    return make_page(title="Ketamine for PTSD", slug="ketamine-for-ptsd")


def test_a_cached_page_is_still_served(visitor, article):
    before = visitor.get(article.path)

    with database_down():
        during = visitor.get(article.path)

    assert during.status_code == 200
    assert during.content == before.content


@pytest.mark.parametrize(
    "path", ["/treatments/", "/no-such-page/", "/search/?q=ptsd", "/our-team/", "/"]
)
def test_pages_without_a_copy_answer_503_with_the_phone_number(visitor, article, path, settings):
    with database_down():
        response = visitor.get(path)

    html = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert settings.CLINIC_PHONE in html
    assert 'href="tel:988"' in html
    assert '<link rel="stylesheet"' in html  # the site's own design, not a bare error
    assert not response.cookies


def test_a_staff_screen_answers_503(client, db):
    client.force_login(make_intake_user())
    client.raise_request_exception = False

    with database_down():
        response = client.get(queue_url())

    assert response.status_code == 503


def test_an_outage_is_logged_once_and_its_end_once(visitor, article, caplog):
    caplog.set_level(logging.INFO)

    with database_down():
        answers = {visitor.get(article.path).status_code for _ in range(20)}
    time.sleep(1.1)  # the next probe of the database, a second on
    after = visitor.get(article.path)

    assert answers == {503}
    assert after.status_code == 200

    warnings = [
        record.getMessage() for record in caplog.records if record.levelno >= logging.WARNING
    ]
    assert len(warnings) == 2, warnings
    assert warnings[0].startswith("PostgreSQL unreachable (OperationalError")
    assert warnings[1].startswith("PostgreSQL is back after")
    assert not any(record.exc_info for record in caplog.records)
