from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import RequestFactory

from pages.cache import PublicPageCacheApp


class CountingDjango:
    """Django's WSGI handler, counting the requests that reach it."""

    def __init__(self):
        self.handler = WSGIHandler()
        self.calls = 0

    def __call__(self, environ, start_response):
        self.calls += 1
        # As Django's test client does: keep the test's database connection open.
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            response = self.handler(environ, start_response)
            body = b"".join(response)
            response.close()
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)
        return [body]


def call(app, method="get", path="/", **headers):
    environ = getattr(RequestFactory(), method)(path, headers=headers).environ
    seen = {}

    def start_response(status, response_headers):
        seen["status"] = status
        seen["headers"] = dict(response_headers)

    body = b"".join(app(environ, start_response))
    return seen["status"], seen["headers"], body


def test_a_cached_page_is_answered_without_reaching_django(article):
    django = CountingDjango()
    app = PublicPageCacheApp(django)

    first = call(app, path=article.path)
    second = call(app, path=article.path)

    assert django.calls == 1
    assert first[0] == second[0] == "200 OK"
    assert second[2] == first[2]
    for header in ("ETag", "Content-Security-Policy", "X-Frame-Options", "Cache-Control"):
        assert second[1][header] == first[1][header]
    assert "Set-Cookie" not in second[1]


def test_revalidation_and_head_are_answered_from_the_cache(article):
    django = CountingDjango()
    app = PublicPageCacheApp(django)
    etag = call(app, path=article.path)[1]["ETag"]

    not_modified = call(app, path=article.path, if_none_match=etag)
    head = call(app, method="head", path=article.path)

    assert django.calls == 1
    assert not_modified[0] == "304 Not Modified" and not_modified[2] == b""
    assert head[0] == "200 OK" and head[2] == b"" and int(head[1]["Content-Length"]) > 0


def test_staff_posts_and_the_admin_always_reach_django(article):
    django = CountingDjango()
    app = PublicPageCacheApp(django)
    call(app, path=article.path)

    call(app, path=article.path, cookie="csrftoken=x; sessionid=abc")
    call(app, method="post", path=article.path)
    call(app, path="/admin/login/")

    assert django.calls == 4


def test_a_saved_page_is_fresh_at_the_very_next_request(article):
    app = PublicPageCacheApp(CountingDjango())
    call(app, path=article.path)

    article.title = "Ketamine and PTSD, revised"
    article.save()

    assert b"Ketamine and PTSD, revised" in call(app, path=article.path)[2]


def test_plain_http_under_an_https_redirect_reaches_django_to_be_redirected(article, settings):
    settings.SECURE_SSL_REDIRECT = True
    django = CountingDjango()
    app = PublicPageCacheApp(django)
    secure = {"wsgi.url_scheme": "https"}

    environ = RequestFactory().get(article.path, secure=True).environ
    for _ in range(2):  # fill the cache over HTTPS, then hit it
        app({**environ, **secure}, lambda status, headers: None)
    status, headers, _ = call(app, path=article.path)

    assert django.calls == 2
    assert status.startswith("301")
    assert headers["Location"].startswith("https://")
