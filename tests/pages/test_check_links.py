import socket
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace
from unittest.mock import Mock
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import CommandError, call_command

from pages import linkcheck
from pages.models import Page, PageRedirect
from pages.services import save_page
from tests.pages.factories import make_faq, make_page, make_reference


def check_links(*args):
    """(exit status, stdout) of check_links."""
    from io import StringIO

    out = StringIO()
    try:
        call_command("check_links", *args, stdout=out)
    except CommandError as error:
        return error.returncode, out.getvalue() + str(error)
    return 0, out.getvalue()


@pytest.fixture
def target(db):
    return make_page(title="Target", slug="target", body="Intro.\n\n## Costs\n\nText.")


def test_a_broken_internal_link_is_reported_and_fails_the_run(db, target):
    make_page(title="Linker", slug="linker", body="See [nowhere](/no-such-page/) now.")

    status, out = check_links()

    assert status == 1
    assert "/linker/  body   /no-such-page/  no page at this address" in out
    assert "1 broken" in out


def test_working_links_and_redirects_are_not_broken(db, target, settings):
    moved = make_page(title="Moved", slug="old-name", body="Text.")
    moved.slug = "new-name"
    save_page(moved)
    body = (
        "[ok](/target/) [costs](/target/#costs) [here](#what-is-it) [form](/get-in-touch/) "
        "[query](?print=1) "
        "[slashless](/target) [home](/) [old](/old-name/) [mail](mailto:a@example.com) "
        f"[call](tel:+15550100) [absolute]({settings.SITE_URL}/target/)\n\n## What is it\n"
    )
    make_page(title="Linker", slug="linker", body=body)

    status, out = check_links()

    assert status == 0, out
    assert "Moved: /linker/ links to /old-name/, now /new-name/" in out
    assert "0 broken" in out


@pytest.mark.parametrize(
    ("href", "reason"),
    [
        ("/target/#prices", "no #prices on /target/"),
        ("#missing", "no #missing on this page"),
        ("/static/css/nope.css", "no such file"),
        ("../no-such-sibling/", "no page at this address"),
    ],
)
def test_broken_internal_link_reasons(db, target, href, reason):
    make_page(title="Linker", slug="linker", body=f"A [link]({href}) here.")

    status, out = check_links()

    assert status == 1 and reason in out


def test_links_to_drafts_and_from_drafts(db, target):
    make_page(title="Draft", slug="draft", status=Page.Status.DRAFT, body="[x](/nowhere/)")
    make_page(title="Linker", slug="linker", body="[draft](/draft/)")

    status, out = check_links()

    # A draft's own links are not checked; a live page linking to a draft is broken.
    assert status == 1
    assert "/draft/  no page at this address" in out and "/nowhere/" not in out


def test_redirect_to_an_unpublished_page_is_broken(db, target):
    PageRedirect.objects.create(old_path="/gone/", page=make_page(slug="hidden", status="draft"))
    make_page(title="Linker", slug="linker", body="[gone](/gone/)")

    assert "moved to /hidden/, which is not published" in check_links()[1]


def test_faq_answers_and_references_are_checked(db, target):
    page = make_page(title="Linker", slug="linker", body="Text.")
    make_faq(page, question="Where?", answer="[Here](/no-faq-page/).")
    make_reference(page, url="https://example.com/paper")

    status, out = check_links()

    assert "FAQ: Where?" in out and "/no-faq-page/" in out
    # External links are off in tests (PAGES_CHECK_EXTERNAL_LINKS=False).
    assert "example.com" not in out and "external links not checked" in out


class _Handler(BaseHTTPRequestHandler):
    """200 for /ok, 405 to HEAD but 200 to GET for /no-head, 302 to <url> for
    /redirect?to=<url>, 404 otherwise. The server records every path requested."""

    def do_HEAD(self):  # noqa: N802 (http.server's API)
        self._answer(head=True)

    def do_GET(self):  # noqa: N802
        self._answer(head=False)

    def _answer(self, head):
        self.server.paths.append(self.path)
        location = parse_qs(urlsplit(self.path).query).get("to")
        if location:
            status = 302
        elif self.path == "/ok" or (self.path == "/no-head" and not head):
            status = 200
        elif self.path == "/no-head":
            status = 405
        else:
            status = 404
        self.send_response(status)
        if location:
            self.send_header("Location", location[0])
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@contextmanager
def _serving():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.paths = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield SimpleNamespace(url=f"http://127.0.0.1:{server.server_port}", paths=server.paths)
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def local_server():
    with _serving() as server:
        yield server


@pytest.fixture
def other_server():
    with _serving() as server:
        yield server


@pytest.fixture
def external(settings):
    """External links on, against servers on 127.0.0.1 (refused as private otherwise)."""
    settings.PAGES_CHECK_EXTERNAL_LINKS = True
    settings.PAGES_LINK_CHECK_ALLOW_PRIVATE_HOSTS = True
    return settings


def test_external_links_on_a_local_server(db, local_server, external):
    url = local_server.url
    body = f"[ok]({url}/ok) [head]({url}/no-head) [bad]({url}/gone)"
    page = make_page(title="Linker", slug="linker", body=body)
    make_reference(page, url=f"{url}/gone")

    status, out = check_links("--timeout", "2")

    assert status == 1
    assert f"{url}/gone  HTTP 404" in out
    assert out.count("HTTP 404") == 2  # the body and the reference, requested once
    assert "/ok " not in out and "/no-head" not in out
    assert "3 external addresses" in out


def test_internal_only_skips_external_links(db, local_server, external):
    make_page(title="Linker", slug="linker", body=f"[bad]({local_server.url}/gone)")

    assert check_links("--internal-only")[0] == 0
    assert local_server.paths == []


def test_links_to_private_and_local_addresses_are_refused_unrequested(db, local_server, settings):
    settings.PAGES_CHECK_EXTERNAL_LINKS = True  # private hosts not allowed: the default
    port = urlsplit(local_server.url).port
    page = make_page(
        title="Linker",
        slug="linker",
        body=f"[db]({local_server.url}/ok) [name](http://localhost:{port}/ok)",
    )
    make_reference(page, url="http://169.254.169.254/latest/meta-data/")

    status, out = check_links("--timeout", "2")

    assert status == 1
    assert out.count(linkcheck.PRIVATE_ADDRESS) == 3
    assert "3 broken" in out
    assert local_server.paths == []  # refused before any request


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1",
        "localhost",
        "::1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",  # noqa: S104 (an address under test, not one to bind)
        "224.0.0.1",
        "240.0.0.1",
        "fc00::1",
        "fe80::1",
        "ff02::1",
        "::ffff:127.0.0.1",
    ],
)
def test_private_local_and_reserved_hosts_are_not_public(host):
    assert not linkcheck.is_public_host(host)


def _resolving_to(*addresses):
    def getaddrinfo(host, port, *args, **kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, 0)) for a in addresses]

    return getaddrinfo


def test_a_host_is_public_only_if_every_address_is(monkeypatch):
    monkeypatch.setattr(socket, "getaddrinfo", _resolving_to("93.184.216.34"))
    assert linkcheck.is_public_host("partner.example")
    monkeypatch.setattr(socket, "getaddrinfo", _resolving_to("93.184.216.34", "10.0.0.5"))
    assert not linkcheck.is_public_host("partner.example")


def test_a_redirect_to_a_private_address_is_refused(db, local_server, other_server, monkeypatch):
    # local_server stands in for a public site: only its first hop is allowed.
    monkeypatch.setattr(linkcheck, "is_public_host", lambda host: host == "127.0.0.1")
    target = f"http://localhost:{urlsplit(other_server.url).port}/ok"

    reason = linkcheck.check_external(f"{local_server.url}/redirect?to={target}", 2)

    assert reason == linkcheck.PRIVATE_REDIRECT
    assert len(local_server.paths) == 1 and other_server.paths == []


def test_redirects_are_followed_to_web_addresses_only(local_server, other_server, external):
    url = f"{local_server.url}/redirect?to="

    assert linkcheck.check_external(f"{url}{other_server.url}/ok", 2) is None
    assert other_server.paths == ["/ok"]
    reason = linkcheck.check_external(f"{url}ftp://127.0.0.1/file", 2)
    assert reason == "not checked: redirects to ftp://127.0.0.1/file, not a web address"


def test_unreachable_and_malformed_external_addresses_get_a_reason(external, monkeypatch):
    check_external = linkcheck.check_external

    assert check_external("http://[oops", 1) == "not a valid address"
    assert check_external("ftp://example.com/file", 1) == "not a web address (http or https)"
    assert check_external("http://127.0.0.1:9/", 1).startswith("could not connect")
    external.PAGES_LINK_CHECK_ALLOW_PRIVATE_HOSTS = False
    monkeypatch.setattr(socket, "getaddrinfo", Mock(side_effect=socket.gaierror("no name")))
    assert check_external("http://nowhere.example/", 1) == "could not connect (gaierror: no name)"


def test_timeout_must_be_a_sensible_number(db):
    with pytest.raises(CommandError, match="takes a number of seconds"):
        call_command("check_links", "--timeout", "soon")
