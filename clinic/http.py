"""Response headers the busiest public views send, written once rather than per response."""

from functools import wraps

from django.utils.cache import add_never_cache_headers

# What Django's never_cache sends, with Expires in the past instead of "now": equally
# expired for every cache, and a fixed string. Django patches both headers field by
# field and formats the date on every response, 2% of a form POST's instructions.
NEVER_CACHE_HEADERS = {
    "Expires": "Thu, 01 Jan 1970 00:00:00 GMT",
    "Cache-Control": "max-age=0, no-cache, no-store, must-revalidate, private",
}


def never_cache(view):
    """django.views.decorators.cache.never_cache for a view that sets neither header;
    one that does gets Django's merge of the two."""

    @wraps(view)
    def never_cached_view(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if "Cache-Control" in response or "Expires" in response:
            add_never_cache_headers(response)
        else:
            for header, value in NEVER_CACHE_HEADERS.items():
                response.headers[header] = value
        return response

    return never_cached_view
