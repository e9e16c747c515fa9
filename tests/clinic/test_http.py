"""clinic.http.never_cache sends what Django's never_cache sends, as fixed strings."""

import time

from django.http import HttpResponse
from django.test import RequestFactory
from django.utils.http import parse_http_date
from django.views.decorators.cache import never_cache as djangos_never_cache

from clinic.http import never_cache


def plain_view(request):
    return HttpResponse("hello")


def public_view(request):
    response = HttpResponse("hello")
    response["Cache-Control"] = "public, max-age=600"
    return response


def responses(view):
    request = RequestFactory().get("/")
    return never_cache(view)(request), djangos_never_cache(view)(request)


def test_a_plain_response_is_marked_never_to_be_stored_as_django_marks_it():
    ours, djangos = responses(plain_view)

    assert ours["Cache-Control"] == djangos["Cache-Control"]
    assert "no-store" in ours["Cache-Control"]
    assert parse_http_date(ours["Expires"]) <= time.time()


def test_a_response_with_its_own_cache_headers_gets_djangos_merge():
    ours, djangos = responses(public_view)

    assert ours["Cache-Control"] == djangos["Cache-Control"]
    assert "public" not in ours["Cache-Control"]
    assert "no-store" in ours["Cache-Control"]
