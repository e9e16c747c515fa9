"""Whole-response caching of the public pages in the shared cache (Redis in production).

Every cached response is stored under the content version it was rendered at
(pages/content_version.py: a number in the database, bumped in the same transaction as
any change to what public pages show). A response is served only while its version is
current, so navigation and home listings change with any edit, and an edit made while
Redis was unreachable is seen as soon as Redis answers again. The ETag is derived from
the version and the path, so a browser or CDN revalidates with If-None-Match and gets a
304 without any template rendering.

Each process keeps its own short-lived copy of the entries it serves (the "pages-local"
cache) in front of Redis, so a hit costs no network round trip; reading the version
costs one small query per process per second. A save is therefore fresh on every server
within about a second, and at once on the server that saved it.

Only anonymous GET and HEAD requests for an allowed host use the cache. A request
carrying a session cookie (a signed-in staff member) is never served a cached page and
never stores one; the views never touch the session or the CSRF token, so public
responses carry no Set-Cookie and no Vary: Cookie.

PublicPageCacheMiddleware, the outermost middleware, stores what the views mark
shareable (`cache_public_page`) and answers later requests for it. A Redis outage only
costs speed (clinic/cache.py), and a database outage still serves every page this
process or Redis has a copy of.
"""

import hashlib
from functools import cache as memoize
from functools import wraps
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.cache import cache, caches
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_cache_control
from django.utils.http import parse_etags

from pages import content_version

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


def make_etag(version, path):
    return f'"{_digest(f"{release()}:{version}:{path}")}"'


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
    """Addresses that are never public pages: static files, the admin and the health
    check (which must depend on nothing but the database)."""
    return (settings.STATIC_URL, "/" + settings.ADMIN_PATH, "/healthz")


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
    cache_identity), or None. No database query but the version's, once a second, and a
    database outage doesn't stop it."""
    return _lookup(content_version.current(), entry_key(identity or path))


def _lookup(version, key):
    # This process's copy first, then the shared cache's: either counts only if it was
    # stored at the current content version.
    if version is None:
        return None
    local = caches["pages-local"]
    entry = local.get(key)
    if entry is None or entry[0] != version:
        entry = cache.get(key)
        if entry is None or entry[0] != version:
            return None
        local.set(key, entry)
    _version, etag, headers, body = entry
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
        if request.method in ("GET", "HEAD"):
            # A cached page answers only the site's own hosts: checked before the cache,
            # not only on a miss. Raises DisallowedHost, which Django answers with a 400.
            request.get_host()
        if (
            request.method not in ("GET", "HEAD")
            or is_signed_in(request)
            or request.path.startswith(self.skip_prefixes)
            # SecurityMiddleware below answers plain HTTP with a redirect to HTTPS.
            or (self.ssl_redirect and not request.is_secure())
        ):
            return self.get_response(request)

        # Read before rendering: a page is stored under the version it may be older than,
        # never under a newer one.
        version = content_version.current()
        # Logs name the path only, never the identity: a search query is health information.
        identity = cache_identity(request)
        hit = _lookup(version, entry_key(identity))
        if hit is not None:
            return self._replay(request, *hit)

        response = self.get_response(request)
        if (
            version is not None  # the database is down: the response stands, uncached
            and getattr(response, "public_page", False)
            and not response.cookies
            and not _touched_private_state(request)
        ):
            return self._store(request, response, version, identity)
        return response

    def _store(self, request, response, version, identity):
        etag = make_etag(version, identity)
        response["ETag"] = etag
        response["Cache-Control"] = PUBLIC_CACHE_CONTROL
        headers = [
            (name, value) for name, value in response.items() if name.lower() not in _NOT_STORED
        ]
        entry = (version, etag, headers, response.content)
        timeout = QUERY_KEYED_TIMEOUT if request.path in QUERY_KEYED_PAGES else MAX_TIMEOUT
        key = entry_key(identity)
        cache.set(key, entry, timeout)  # a failed write only costs speed
        caches["pages-local"].set(key, entry)
        if _etag_matches(request, etag):
            return self._not_modified(etag, headers)
        return response

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
