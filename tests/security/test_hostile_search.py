"""Hostile searches get a clear page, never a 500, and change nothing stored."""

from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

HOSTILE_QUERIES = [
    "ketamine\x00",
    "\x00",
    "\x1b[2J ketamine \u202e",
    "!!! ??? ...",
    "!&|():*",
    "ketamine:* & !(ptsd | <->)",
    "' OR 1=1 --",
    '"unbalanced',
    "%_%\\",
    "<script>alert(1)</script>",
    "\ufffd\U0001f600 ketamine",
]


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_hostile_query_gets_a_clear_page(client, stored, query):
    response = client.get("/search/", {"q": query})
    html = response.content.decode()

    assert response.status_code == 200
    assert "<h1>" in html
    assert "<script>alert" not in html
    assert stored.unchanged()


@pytest.mark.parametrize("raw", ["%00", "%ff%fe", "%ed%a0%80", "%0d%0aSet-Cookie:x=1"])
def test_undecodable_or_control_bytes_get_a_clear_page(client, stored, raw):
    response = client.get(f"/search/?q={raw}")

    assert response.status_code == 200
    assert not response.cookies
    assert stored.unchanged()


def test_ten_thousand_characters_are_refused_without_searching(client, stored):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/search/?q=" + quote("ketamine " * 1111))

    assert response.status_code == 400
    assert "Please shorten your search to 200 characters or fewer" in response.content.decode()
    assert not [query for query in queries if "ketamine" in query["sql"]]
    assert stored.unchanged()


def test_the_query_is_escaped_where_it_is_shown(client, stored):
    html = client.get("/search/", {"q": '"><img src=x onerror=alert(1)>'}).content.decode()

    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
