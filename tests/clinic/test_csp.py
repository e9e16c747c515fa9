"""clinic.csp.CSPMiddleware gives every response the headers django-csp would give it."""

import pytest
from csp.constants import NONE, SELF
from csp.middleware import CSPMiddleware as DjangoCSPMiddleware
from django.http import HttpResponse
from django.test import RequestFactory

from clinic.csp import CSPMiddleware

HEADERS = ("Content-Security-Policy", "Content-Security-Policy-Report-Only")


def plain(request):
    return HttpResponse("page")


def already_has_a_header(request):
    response = HttpResponse("page")
    response["Content-Security-Policy"] = "default-src 'none'"
    return response


def updated_for_this_view(request):
    response = HttpResponse("page")
    response._csp_update = {"img-src": ["https://images.example"]}
    return response


def exempt(request):
    response = HttpResponse("page")
    response._csp_exempt = True
    return response


def uses_a_nonce(request):
    return HttpResponse(f"<script nonce='{request.csp_nonce}'></script>")


def not_found(request):
    return HttpResponse("missing", status=404)


def headers_from(middleware_class, view, path="/page/"):
    request = RequestFactory().get(path)
    response = middleware_class(view)(request)
    nonce = getattr(request, "_csp_nonce", None)
    # A nonce is random per request: compare where it goes, not its value.
    return {
        name: response[name].replace(nonce, "NONCE") if nonce else response[name]
        for name in HEADERS
        if name in response
    }


@pytest.mark.parametrize(
    "view",
    [plain, already_has_a_header, updated_for_this_view, exempt, uses_a_nonce, not_found],
)
def test_headers_are_django_csps(view):
    ours = headers_from(CSPMiddleware, view)

    assert ours == headers_from(DjangoCSPMiddleware, view)
    if view is plain:
        assert "frame-ancestors 'none'" in ours["Content-Security-Policy"]


def test_debug_pages_and_report_only_policies_are_django_csps(settings):
    settings.DEBUG = True
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": {"script-src": [NONE]}}

    for view in (plain, not_found):
        ours = headers_from(CSPMiddleware, view)
        assert ours == headers_from(DjangoCSPMiddleware, view)
    assert (
        "script-src 'none'"
        in headers_from(CSPMiddleware, plain)["Content-Security-Policy-Report-Only"]
    )


def test_excluded_paths_get_no_header(settings):
    settings.CONTENT_SECURITY_POLICY = {
        "EXCLUDE_URL_PREFIXES": ["/legacy/"],
        "DIRECTIVES": {"default-src": [SELF]},
    }

    assert headers_from(CSPMiddleware, plain, "/legacy/page/") == {}
    assert headers_from(CSPMiddleware, plain) == {"Content-Security-Policy": "default-src 'self'"}


def test_a_changed_policy_is_sent_from_the_next_response(settings):
    before = headers_from(CSPMiddleware, plain)["Content-Security-Policy"]
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": [NONE]}}

    after = headers_from(CSPMiddleware, plain)["Content-Security-Policy"]

    assert "default-src 'self'" in before
    assert after == "default-src 'none'"


def test_a_nonce_asked_for_after_the_header_is_written_is_refused():
    request = RequestFactory().get("/page/")
    CSPMiddleware(plain)(request)

    with pytest.raises(Exception, match="after the CSP header has been written"):
        str(request.csp_nonce)
