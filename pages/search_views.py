"""/search/: GET only, cookie-free, and cached per query like the other public pages."""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from pages.cache import cache_public_page
from pages.search import MAX_QUERY_LENGTH, MAX_RESULTS, has_words, normalise_query, search_pages


@require_safe
@cache_public_page
def search(request):
    # Never logged: a query about one's health is health information.
    query = normalise_query(request.GET.get("q", ""))
    context = {"query": query, "max_length": MAX_QUERY_LENGTH}
    if len(query) > MAX_QUERY_LENGTH:
        # Refused before any database work; a 400 is never stored in the page cache.
        response = render(request, "pages/search.html", {**context, "too_long": True}, status=400)
        return _without_referrer(response)
    words = has_words(query)  # only punctuation can't match: no need to ask the database
    results = search_pages(query) if words else []
    context.update(
        results=results[:MAX_RESULTS],
        more=len(results) > MAX_RESULTS,
        max_results=MAX_RESULTS,
        words=words,
    )
    return _without_referrer(render(request, "pages/search.html", context))


def _without_referrer(response):
    # A link followed from here must not carry the query along: the inquiry form stores
    # its Referer with the visitor's name and contact details.
    response["Referrer-Policy"] = "no-referrer"
    return response
