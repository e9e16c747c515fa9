"""Find broken links in published pages: bodies, FAQ answers and references.

Internal links are resolved against the URL conf and the pages table (no HTTP request);
external ones get a HEAD request (GET when a server refuses HEAD), each address once.
An external address, and every address it redirects to, is requested only when its host
resolves to public addresses alone: an editor's link must not make the server probe its
own network (cloud metadata, the database, the admin on localhost).
"""

import ipaddress
import socket
import ssl
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from html.parser import HTMLParser
from http.client import HTTPException
from urllib.parse import unquote, urljoin, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from django.urls import Resolver404, resolve

from pages.models import Page, PageRedirect
from pages.rendering import RESERVED_ID_PREFIX, RESERVED_IDS, site_host

SKIPPED_SCHEMES = {"mailto", "tel"}
# Servers that refuse HEAD (or robots) often answer these; a GET tells the truth.
RETRY_WITH_GET = {403, 405, 501}
EXTERNAL_WORKERS = 4
PRIVATE_ADDRESS = "not checked: points to a private or local network address"
PRIVATE_REDIRECT = "not checked: redirects to a private or local network address"


@dataclass(frozen=True)
class Link:
    page: Page
    where: str  # "body", "FAQ: <question>", "reference 2"
    url: str


@dataclass(frozen=True)
class BrokenLink:
    link: Link
    reason: str


class _Anchors(HTMLParser):
    """The hrefs of <a> elements and every id, of one HTML fragment."""

    def __init__(self):
        super().__init__()
        self.hrefs, self.ids = [], set()

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"])
        if tag == "a" and values.get("href"):
            self.hrefs.append(values["href"].strip())


def _anchors(html):
    parser = _Anchors()
    parser.feed(html or "")
    parser.close()
    return parser


def page_links(page):
    links = [Link(page, "body", href) for href in _anchors(page.body_html).hrefs]
    for faq in page.faqs.all():
        links += [Link(page, f"FAQ: {faq.question}", h) for h in _anchors(faq.answer_html).hrefs]
    for number, reference in enumerate(page.references.all(), start=1):
        if reference.url:
            links.append(Link(page, f"reference {number}", reference.url.strip()))
    return links


def published_links():
    pages = Page.objects.published().prefetch_related("faqs", "references")
    return [link for page in pages for link in page_links(page)]


def _split(url):
    try:
        return urlsplit(url)
    except ValueError:  # e.g. "http://[oops": reported as broken, never a crash
        return None


def is_internal(url):
    parts = _split(url)
    return parts is not None and (not parts.netloc or parts.netloc.lower() == site_host())


def is_checkable(url):
    parts = _split(url)
    return parts is None or parts.scheme not in SKIPPED_SCHEMES


def _has_id(html, fragment):
    fragment = unquote(fragment)
    if fragment in RESERVED_IDS or fragment.startswith(RESERVED_ID_PREFIX):
        return True  # the page template's own ids (#main, #page-faqs-heading)
    return fragment in _anchors(html).ids


def check_internal(link):
    """Why an internal link is broken, or None when it works."""
    parts = urlsplit(urljoin(link.page.path, link.url))
    path, fragment = unquote(parts.path) or "/", parts.fragment
    if path == link.page.path and not urlsplit(link.url).path:  # "#costs" or "?tab=1"
        if not fragment or _has_id(link.page.body_html, fragment):
            return None
        return f"no #{fragment} on this page"
    if path.startswith((settings.STATIC_URL, settings.MEDIA_URL)):
        return None if _file_exists(path) else "no such file"
    resolved = _resolve(path)
    if resolved is None:
        return "no page at this address"
    match, path = resolved
    if match.view_name == "pages:detail":
        return _check_page(path, fragment)
    return None


def _file_exists(path):
    try:
        if path.startswith(settings.STATIC_URL):
            return bool(finders.find(path.removeprefix(settings.STATIC_URL)))
        return default_storage.exists(path.removeprefix(settings.MEDIA_URL))
    except SuspiciousFileOperation:
        return False


def _resolve(path):
    """(match, path) for path, or for path + "/" (CommonMiddleware adds it); None if neither."""
    candidates = (path,) if path.endswith("/") else (path, path + "/")
    for candidate in candidates:
        try:
            return resolve(candidate), candidate
        except Resolver404:
            continue
    return None


def _check_page(path, fragment):
    # The page pattern matches any slug path, so the page itself must exist and be live.
    page = Page.objects.published().filter(path=path).first()
    if page is None:
        redirect = PageRedirect.objects.filter(old_path=path).select_related("page").first()
        if redirect is None:
            return "no page at this address"
        if not redirect.page.is_live:
            return f"moved to {redirect.page.path}, which is not published"
        page = redirect.page
    if fragment and not _has_id(page.body_html, fragment):
        return f"no #{fragment} on {page.path}"
    return None


def moved_to(link):
    """The new address of an internal link to a page's old one, or None."""
    path = urlsplit(urljoin(link.page.path, link.url)).path
    redirect = PageRedirect.objects.filter(old_path=path).select_related("page").first()
    return redirect.page.path if redirect else None


def _user_agent():
    return f"{settings.CLINIC_NAME} link checker (+{settings.SITE_URL}/)"


def is_public_host(host):
    """Whether every address host resolves to is on the public internet.

    False for loopback, private, link-local (cloud metadata), shared, multicast and
    reserved ranges. Raises socket.gaierror when host has no address. The setting
    PAGES_LINK_CHECK_ALLOW_PRIVATE_HOSTS = True lifts this: for tests on 127.0.0.1 only.
    """
    if getattr(settings, "PAGES_LINK_CHECK_ALLOW_PRIVATE_HOSTS", False):
        return True
    ips = {ipaddress.ip_address(info[4][0]) for info in socket.getaddrinfo(host, None)}
    return all(ip.is_global and not ip.is_multicast for ip in ips)  # is_global keeps 224/4


class Refused(Exception):
    """An address the checker will not request; the message says why."""


class _PublicRedirects(urllib.request.HTTPRedirectHandler):
    """Follow a redirect only to an http(s) address on a public host."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        parts = _split(newurl)
        if parts is None or parts.scheme not in {"http", "https"} or not parts.hostname:
            reason = f"not checked: redirects to {newurl}, not a web address"
        elif not is_public_host(parts.hostname):
            reason = PRIVATE_REDIRECT
        else:
            return super().redirect_request(req, fp, code, msg, headers, newurl)
        fp.close()
        raise Refused(reason)


_opener = urllib.request.build_opener(_PublicRedirects)


def _request(url, method, timeout):
    request = urllib.request.Request(  # noqa: S310 (only http(s), checked by the caller)
        url, method=method, headers={"User-Agent": _user_agent()}
    )
    with _opener.open(request, timeout=timeout):
        return None  # the status line is enough: the body is never read


def check_external(url, timeout):
    """Why an external address is broken, or None when it answers."""
    parts = _split(url)
    if parts is None or not parts.hostname:
        return "not a valid address"
    if parts.scheme not in {"http", "https"}:
        return "not a web address (http or https)"
    try:
        # urllib resolves the host again to connect: a name whose DNS answer changes in
        # between (rebinding) is not caught, a link typed as an address always is.
        if not is_public_host(parts.hostname):
            return PRIVATE_ADDRESS
        try:
            return _request(url, "HEAD", timeout)
        except urllib.error.HTTPError as error:
            if error.code not in RETRY_WITH_GET:
                raise
            return _request(url, "GET", timeout)
    except Refused as error:
        return str(error)
    except urllib.error.HTTPError as error:
        return f"HTTP {error.code}"
    except TimeoutError:
        return f"timed out after {timeout:g} s"
    except urllib.error.URLError as error:
        if isinstance(error.reason, TimeoutError):
            return f"timed out after {timeout:g} s"
        if isinstance(error.reason, ssl.SSLError):
            return f"secure connection failed ({error.reason.reason or error.reason})"
        return f"could not connect ({error.reason})"
    except (HTTPException, OSError, ValueError) as error:
        return f"could not connect ({error.__class__.__name__}: {error})"


def find_broken_links(links, *, external=True, timeout=5.0):
    """(broken links, number of distinct external addresses checked)."""
    checkable = [link for link in links if is_checkable(link.url)]
    broken = []
    for link in checkable:
        if is_internal(link.url):
            reason = check_internal(link)
            if reason:
                broken.append(BrokenLink(link, reason))
    external_urls = sorted({link.url for link in checkable if not is_internal(link.url)})
    if not external:
        return broken, 0
    with ThreadPoolExecutor(max_workers=EXTERNAL_WORKERS) as pool:
        answers = pool.map(lambda url: check_external(url, timeout), external_urls)
        reasons = dict(zip(external_urls, answers, strict=True))
    for link in checkable:
        if not is_internal(link.url) and reasons.get(link.url):
            broken.append(BrokenLink(link, reasons[link.url]))
    return broken, len(external_urls)
