"""Whole-response caching of the public pages in the shared cache (Redis in production).

Every cached response is stored under a content *generation* number. Any save or delete
of a Page, FAQ or Reference bumps the generation, so the next request renders afresh:
navigation and home listings change with it. The ETag is derived from generation + path,
so a browser or CDN revalidates with If-None-Match and gets a 304 without any database
query or template rendering.

A page scheduled for the future must go live on time with no cron: the cache also holds
the next scheduled publish time; the first request after it bumps the generation, and no
entry is kept longer than the time left until then.

Only anonymous GET and HEAD requests use the cache. A request carrying a session cookie
(a signed-in staff member) is never served a cached page and never stores one; the views
never touch the session or the CSRF token, so public responses carry no Set-Cookie and no
Vary: Cookie.

PublicPageCacheMiddleware, the outermost middleware, stores what the views mark
shareable (`cache_public_page`) and answers later requests for it. A cache outage only
costs speed: every cache error counts as a miss, and the page is rendered.
"""

import contextlib
import hashlib
import logging
import secrets
import time
from functools import cache as memoize
from functools import wraps
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse, HttpResponseNotModified
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import parse_etags

logger = logging.getLogger(__name__)

GENERATION_KEY = "pages:generation"
NEXT_PUBLISH_KEY = "pages:next-publish"
NOTHING_SCHEDULED = 0
MAX_TIMEOUT = 24 * 60 * 60
# Browsers and CDNs may keep a copy but must revalidate it every time: revalidation is a
# cheap 304 from the cache, and a saved page is fresh on the very next request.
PUBLIC_CACHE_CONTROL = "public, max-age=0, must-revalidate"
# Old addresses move rarely; a day of browser caching keeps a later move-back workable.
REDIRECT_CACHE_CONTROL = "public, max-age=86400"
# Public pages whose content depends on a query parameter (every other page ignores its
# query string): their entries are kept per value of that parameter.
QUERY_KEYED_PAGES = {"/search/": "q"}
# Searches are many and varied: their entries live briefly, so they can't crowd the cache.
QUERY_KEYED_TIMEOUT = 10 * 60


def _next_publish_timestamp():
    from pages.models import Page

    when = (
        Page.objects.filter(status=Page.Status.PUBLISHED, publish_at__gt=timezone.now())
        .order_by("publish_at")
        .values_list("publish_at", flat=True)
        .first()
    )
    return when.timestamp() if when else NOTHING_SCHEDULED


def bump_generation():
    """Invalidate every cached page: later requests use a new generation number."""
    # A random start keeps ETags from before a cache flush from ever matching again.
    if not cache.add(GENERATION_KEY, secrets.randbelow(2**40), timeout=None):
        try:
            cache.incr(GENERATION_KEY)
        except ValueError:  # evicted between add and incr
            cache.set(GENERATION_KEY, secrets.randbelow(2**40), timeout=None)
    cache.set(NEXT_PUBLISH_KEY, _next_publish_timestamp(), timeout=None)


def content_changed(**kwargs):
    """Signal receiver for saves and deletes of pages, FAQs and references."""
    _bump_or_log()
    # Once more after commit: a request that rendered the old rows between the first bump
    # and the commit may have stored them under the new generation.
    transaction.on_commit(_bump_or_log)


def _bump_or_log():
    # An editor's save must never fail over the cache. Entries expire within a day.
    try:
        bump_generation()
    except Exception:
        logger.error("Page cache unavailable: cached pages may show old content", exc_info=True)


def current_generation():
    """(generation, next scheduled publish timestamp or 0), in one cache round trip."""
    values = cache.get_many([GENERATION_KEY, NEXT_PUBLISH_KEY])
    generation = values.get(GENERATION_KEY)
    next_publish = values.get(NEXT_PUBLISH_KEY)
    if generation is None or next_publish is None or 0 < next_publish <= time.time():
        bump_generation()
        values = cache.get_many([GENERATION_KEY, NEXT_PUBLISH_KEY])
        generation = values.get(GENERATION_KEY, 0)
        next_publish = values.get(NEXT_PUBLISH_KEY, NOTHING_SCHEDULED)
    return generation, next_publish


def _digest(text):
    return hashlib.blake2b(text.encode(), digest_size=12).hexdigest()


RENDERING_SETTINGS = (
    "CLINIC_NAME",
    "CLINIC_PHONE",
    "CLINIC_EMAIL",
    "CLINIC_ADDRESS",
    "SITE_URL",
    "MEDIA_URL",
)
# Apps whose code shapes public pages besides this one: pictures and the clinic's facts.
RENDERING_APPS = ("images", "clinicfacts")


def release():
    # runserver doesn't restart for a template edit, so development recomputes each time.
    if settings.DEBUG:
        _release_fingerprint.cache_clear()
    # Keyed on the settings' values, so a test (or anything) that changes them is seen.
    return _release_fingerprint(tuple(getattr(settings, name, "") for name in RENDERING_SETTINGS))


def rendering_files():
    """The files that shape the HTML besides the content: the templates, the code of this
    app and RENDERING_APPS, and the static manifest."""
    sources = [Path(directory) for template in settings.TEMPLATES for directory in template["DIRS"]]
    sources.append(Path(__file__).resolve().parent)
    sources += [Path(apps.get_app_config(label).path) for label in RENDERING_APPS]
    files = sorted(
        path
        for source in sources
        for pattern in ("*.html", "*.py")
        for path in source.rglob(pattern)
        if "migrations" not in path.parts
    )
    files.append(Path(settings.STATIC_ROOT or ".") / "staticfiles.json")
    return files


@memoize
def _release_fingerprint(rendering_settings):
    """A fingerprint of rendering_files() and the clinic's settings. A deploy that changes
    any of them starts afresh, and servers on different releases never share entries."""
    fingerprint = hashlib.blake2b(digest_size=8)
    fingerprint.update(repr(rendering_settings).encode())
    for path in rendering_files():
        if path.is_file():
            fingerprint.update(str(path).encode())
            fingerprint.update(path.read_bytes())
    return fingerprint.hexdigest()


def cache_identity(request):
    """What a response is cached under: its path, or, for a page in QUERY_KEYED_PAGES,
    its path and the parameter's normalised value. The latter never starts with "/", so
    it can't equal another request's path."""
    from pages.search import normalise_query

    parameter = QUERY_KEYED_PAGES.get(request.path)
    if parameter is None:
        return request.path
    # As the view reads it, so "ptsd", "ptsd%20" and "ptsd%00" share one entry.
    value = normalise_query(request.GET.get(parameter, ""))
    return f"{parameter}={value!r}@{request.path}"


def entry_key(path):
    return f"pages:response:{release()}:{_digest(path)}"


def make_etag(generation, path):
    return f'"{_digest(f"{release()}:{generation}:{path}")}"'


def _timeout(next_publish):
    if next_publish == NOTHING_SCHEDULED:
        return MAX_TIMEOUT
    return max(1, min(MAX_TIMEOUT, int(next_publish - time.time())))


def _if_none_match(header):
    """The tags of an If-None-Match header, compared weakly (RFC 9110): a CDN that
    compresses may weaken the tag."""
    if not header:
        return ()
    return [tag.removeprefix("W/") for tag in parse_etags(header)]


def _etag_matches(request, etag):
    return etag in _if_none_match(request.META.get("HTTP_IF_NONE_MATCH"))


def _not_modified_headers(headers):
    return [
        (name, value)
        for name, value in headers
        if name.lower() not in ("content-type", "content-length")
    ]


def _touched_private_state(request):
    """A view that used the CSRF token or the session made a response for one visitor."""
    session = getattr(request, "session", None)
    return bool(request.META.get("CSRF_COOKIE_NEEDS_UPDATE")) or bool(
        session is not None and session.accessed
    )


def is_signed_in(request):
    """True when the request may belong to a signed-in user, judged without the session."""
    return settings.SESSION_COOKIE_NAME in request.COOKIES


def skip_prefixes():
    """Addresses that are never public pages: static files and the admin."""
    return (settings.STATIC_URL, "/" + settings.ADMIN_PATH)


def cache_public_page(view):
    """Mark a view's anonymous 200 responses as shareable by every visitor; the
    middleware below stores and serves them. Signed-in staff get private responses."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if is_signed_in(request):
            if not response.has_header("Cache-Control"):
                patch_cache_control(response, private=True, max_age=0, must_revalidate=True)
        elif response.status_code == 200:
            response.public_page = True
        elif response.status_code == 301:
            response["Cache-Control"] = REDIRECT_CACHE_CONTROL
        elif not response.has_header("Cache-Control"):
            response["Cache-Control"] = PUBLIC_CACHE_CONTROL
        return response

    return wrapped


# Headers that describe one transfer, not the page: never replayed from the cache.
_NOT_STORED = {"content-length", "set-cookie", "vary"}


def find_fresh(path, identity=None):
    """(etag, headers, body) of the current cached response for path (or identity, see
    cache_identity), or None.

    One cache round trip: the generation, the next publish time and the page's entry
    together. It never touches the database (healthz and a database outage must not
    depend on it).
    """
    key = entry_key(identity or path)
    try:
        values = cache.get_many([GENERATION_KEY, NEXT_PUBLISH_KEY, key])
    except Exception:
        logger.warning("Page cache unavailable; rendering %s", path, exc_info=True)
        return None
    next_publish = values.get(NEXT_PUBLISH_KEY)
    entry = values.get(key)
    if next_publish is None or 0 < next_publish <= time.time():
        return None  # a scheduled page is due: render, which bumps the generation
    if entry is None or entry[0] != values.get(GENERATION_KEY):
        return None
    _generation, etag, headers, body = entry
    return etag, headers, body


class PublicPageCacheMiddleware:
    """Serve anonymous GET and HEAD requests for public pages from the shared cache.

    It is the outermost middleware, so a hit skips everything else: security headers,
    sessions, CSRF, authentication and the view. The stored headers are those the whole
    stack produced on the miss (CSP, X-Frame-Options, nosniff, HSTS on HTTPS), so a hit
    is byte-for-byte the response a miss would give. A plain-HTTP request while HTTPS is
    enforced goes down the stack to be redirected.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.skip_prefixes = skip_prefixes()
        self.ssl_redirect = settings.SECURE_SSL_REDIRECT

    def __call__(self, request):
        if (
            request.method not in ("GET", "HEAD")
            or is_signed_in(request)
            or request.path.startswith(self.skip_prefixes)
            # SecurityMiddleware below answers plain HTTP with a redirect to HTTPS.
            or (self.ssl_redirect and not request.is_secure())
        ):
            return self.get_response(request)

        # Logs name the path only, never the identity: a search query is health information.
        hit = find_fresh(request.path, cache_identity(request))
        if hit is not None:
            return self._replay(request, *hit)

        response = self.get_response(request)
        if (
            getattr(response, "public_page", False)
            and not response.cookies
            and not _touched_private_state(request)
        ):
            return self._store(request, response)
        return response

    def _store(self, request, response):
        try:
            generation, next_publish = current_generation()
        except Exception:
            logger.warning("Page cache unavailable; not storing %s", request.path, exc_info=True)
            return response
        identity = cache_identity(request)
        etag = make_etag(generation, identity)
        response["ETag"] = etag
        response["Cache-Control"] = PUBLIC_CACHE_CONTROL
        headers = [
            (name, value) for name, value in response.items() if name.lower() not in _NOT_STORED
        ]
        entry = (generation, etag, headers, response.content)
        with contextlib.suppress(Exception):  # a full or unreachable cache only costs speed
            cache.set(entry_key(identity), entry, self._timeout(request, next_publish))
        if _etag_matches(request, etag):
            return self._not_modified(etag, headers)
        return response

    @staticmethod
    def _timeout(request, next_publish):
        if request.path in QUERY_KEYED_PAGES:
            return min(QUERY_KEYED_TIMEOUT, _timeout(next_publish))
        return _timeout(next_publish)

    def _replay(self, request, etag, headers, content):
        if _etag_matches(request, etag):
            return self._not_modified(etag, headers)
        response = HttpResponse(content)
        for name, value in headers:
            response[name] = value
        return response

    @staticmethod
    def _not_modified(etag, headers):
        response = HttpResponseNotModified()
        for name, value in _not_modified_headers(headers):
            response[name] = value
        return response
