"""Hostile page addresses: traversal, encoded slashes, foreign hosts, odd characters.
Each answers 404, 405 or a 301 to this site; never a 500, never a redirect elsewhere."""

from urllib.parse import unquote_to_bytes, urlsplit

import pytest

from pages.models import PageRedirect


def get_raw(client, raw_path, method="get", **extra):
    """Request a path as a web server hands it to Django: percent-decoded, byte for byte
    (the test client would read a leading // as a host name)."""
    path_info = unquote_to_bytes(raw_path).decode("iso-8859-1")
    return getattr(client, method)("/", PATH_INFO=path_info, **extra)


def assert_stays_on_this_site(response):
    assert response.status_code in (301, 404), response.status_code
    if response.status_code == 301:
        location = urlsplit(response["Location"])
        assert location.netloc in ("", "testserver")
        assert location.path.startswith("/")
        assert not location.path.startswith(("//", "/\\"))


@pytest.mark.parametrize(
    "raw_path",
    [
        "/..%2f..%2fetc/passwd/",
        "/%2e%2e/",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/treatments/../../etc/passwd/",
        "/treatments/%2F/",
        "/treatments%2F..%2F..%2F/",
        "/treatments/%5c..%5c/",
        "//evil.example/",
        "//evil.example",
        "///evil.example/",
        "/%2F%2Fevil.example/",
        "/%5Cevil.example/",
        "/%09/evil.example/",
        "/treatments/%00/",
        "/%00",
        "/treatments/%0d%0aLocation:%20https://evil.example/",
        "/" + "a" * 5000 + "/",
        "/treatments/" * 400,
        "/a" * 3000,
        "/tr%D0%B5atments/",  # Cyrillic е, a homoglyph of e
        "/%EF%BD%94reatments/",  # fullwidth ｔ
        "/treatments%E2%80%8B/",  # zero-width space
        "/%E2%80%AEstnemtaert/",  # right-to-left override
        "/TREATMENTS/",
        "/%FF%FE/",  # not UTF-8 at all
        "/<script>alert(1)</script>/",
        "/treatments/;jsessionid=1/",
    ],
)
def test_hostile_page_path_is_404_or_a_redirect_to_this_site(client, stored, raw_path):
    response = get_raw(client, raw_path)

    assert_stays_on_this_site(response)
    assert b"<script>alert(1)" not in response.content
    assert stored.unchanged()


def test_path_without_its_slash_redirects_to_the_page_here(client, stored):
    response = get_raw(client, "/treatments")

    assert response.status_code == 301
    assert response["Location"] == "/treatments/"


@pytest.mark.parametrize(
    "query",
    ["next=//evil.example/", "next=https://evil.example/", "a=%0d%0aSet-Cookie:x", "%00=%00"],
)
def test_old_address_redirects_to_the_page_here_whatever_the_query(client, stored, query):
    PageRedirect.objects.create(old_path="/old-treatments/", page=stored.page)

    response = client.get(f"/old-treatments/?{query}")

    assert_stays_on_this_site(response)
    assert response["Location"].startswith("/treatments/?")
    assert "Set-Cookie" not in response.headers
    assert stored.unchanged()


@pytest.mark.parametrize(
    "query", ["q=%00", "%00", "x=%1b%5b2J", "utm_source=%ff%fe", "q=" + "x" * 8000]
)
@pytest.mark.parametrize("path", ["/", "/treatments/"])
def test_control_characters_in_a_page_query_string_are_harmless(client, stored, path, query):
    response = client.get(f"{path}?{query}")

    assert response.status_code == 200
    assert stored.unchanged()


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize("path", ["/", "/treatments/", "/robots.txt", "/sitemap.xml"])
def test_pages_refuse_methods_that_change_things_with_405(client, stored, path, method):
    # Urlencoded: a multipart POST is refused (415) before it is read, not answered 405.
    form = "application/x-www-form-urlencoded"

    response = getattr(client, method)(path, "title=Defaced", content_type=form)

    assert response.status_code == 405
    assert stored.unchanged()


@pytest.mark.parametrize("host", ["evil.example", "testserver\r\nX-Injected: 1", "[::1"])
@pytest.mark.parametrize("path", ["/", "/treatments/"])
def test_page_with_a_foreign_host_is_refused_with_400(client, stored, path, host):
    response = client.get(path, HTTP_HOST=host)

    assert response.status_code == 400
    assert b"evil.example" not in response.content
    assert stored.unchanged()


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/sitemap.xml?p=%00", 404),
        ("/sitemap.xml?p=-1", 404),
        ("/get-in-touch/thanks/?ref=%00", 200),
        ("/get-in-touch/thanks/?ref=INQ-000001%00:forged", 200),
        ("/robots.txt?%00", 200),
    ],
)
def test_fixed_addresses_shrug_off_hostile_query_strings(client, stored, url, expected):
    response = client.get(url)

    assert response.status_code == expected
    assert b"INQ-000001" not in response.content
    assert stored.unchanged()
