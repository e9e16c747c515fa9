"""PostgreSQL down: cached pages are still served, everything else answers 503 with the
clinic's phone number and the crisis lines, and the log says so once."""

import logging
import time
from contextlib import contextmanager

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

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


def database_error(kind, pgcode):
    """A Django database error as it wraps the driver's, with the server's SQLSTATE (a
    lost connection has none)."""

    class DriverError(Exception):
        pass

    DriverError.pgcode = pgcode
    error = kind("server says no")
    error.__cause__ = DriverError("server says no")
    return error


@pytest.mark.parametrize(
    ("pgcode", "down"),
    [
        (None, True),  # refused, reset, timed out: no answer from the server at all
        ("08006", True),  # connection failure
        ("57P01", True),  # the administrator shut the server down
        ("57P03", True),  # the server is starting up
        ("40P01", False),  # a deadlock: one request's bad luck
        ("57014", False),  # a statement timeout
        ("53300", False),  # too many connections: the server answers, busy
    ],
)
def test_only_errors_of_an_unreachable_database_count_as_an_outage(pgcode, down):
    from clinic.outages import is_database_down

    assert is_database_down(database_error(OperationalError, pgcode)) is down


def test_while_the_database_is_down_pages_answer_at_once_but_the_form_still_tries(visitor, article):
    with database_down():
        visitor.get("/treatments/")  # the outage is seen
        with CaptureQueriesContext(connection) as queries:
            page = visitor.get("/our-team/")
        form = visitor.get("/get-in-touch/")

    assert page.status_code == 503
    assert len(queries) == 0  # not even a connection attempt until the next probe
    assert form.status_code == 503
    assert 'name="csrfmiddlewaretoken"' in form.content.decode()  # the form itself, to fill in
