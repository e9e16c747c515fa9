import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import CommandError, call_command

from pages.models import Page, PageRedirect
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
    moved.save()
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
    """200 for /ok, 405 to HEAD but 200 to GET for /no-head, 404 otherwise."""

    def do_HEAD(self):  # noqa: N802 (http.server's API)
        self._answer(head=True)

    def do_GET(self):  # noqa: N802
        self._answer(head=False)

    def _answer(self, head):
        if self.path == "/ok" or (self.path == "/no-head" and not head):
            status = 200
        elif self.path == "/no-head":
            status = 405
        else:
            status = 404
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def local_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_external_links_on_a_local_server(db, local_server, settings):
    settings.PAGES_CHECK_EXTERNAL_LINKS = True
    page = make_page(
        title="Linker",
        slug="linker",
        body=f"[ok]({local_server}/ok) [head]({local_server}/no-head) [bad]({local_server}/gone)",
    )
    make_reference(page, url=f"{local_server}/gone")

    status, out = check_links("--timeout", "2")

    assert status == 1
    assert f"{local_server}/gone  HTTP 404" in out
    assert out.count("HTTP 404") == 2  # the body and the reference, requested once
    assert "/ok " not in out and "/no-head" not in out
    assert "3 external addresses" in out


def test_internal_only_skips_external_links(db, local_server, settings):
    settings.PAGES_CHECK_EXTERNAL_LINKS = True
    make_page(title="Linker", slug="linker", body=f"[bad]({local_server}/gone)")

    assert check_links("--internal-only")[0] == 0


def test_unreachable_and_malformed_external_addresses_get_a_reason(db, settings):
    from pages.linkcheck import check_external

    assert check_external("http://[oops", 1) == "not a valid address"
    assert check_external("ftp://example.com/file", 1) == "not a web address (http or https)"
    assert check_external("http://127.0.0.1:9/", 1).startswith("could not connect")


def test_timeout_must_be_a_sensible_number(db):
    with pytest.raises(CommandError, match="takes a number of seconds"):
        call_command("check_links", "--timeout", "soon")
