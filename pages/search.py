"""Site search over published pages.

PostgreSQL: full-text search over the stored `Page.search_vector` (GIN-indexed), weighted
title (A) > summary (B) > body (C) > FAQs (D), ranked with SearchRank and highlighted with
SearchHeadline. Other databases (SQLite for a first local run): a plain word match.

Highlights are built from sentinel strings, never from HTML: the text is escaped first and
only then are the sentinels turned into <mark>, so neither an editor's text nor a visitor's
query can put markup on the results page.
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import reduce
from operator import and_, or_

from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
)
from django.db import connection
from django.db.models import (
    Case,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Concat
from django.utils.html import escape
from django.utils.safestring import mark_safe

from pages.models import FAQ, Page
from pages.rendering import ANY_MARKER

CONFIG = "english"
MAX_QUERY_LENGTH = 200
MAX_RESULTS = 20
# Characters no editor types, so they can only come from ts_headline.
START, STOP = "\ue000", "\ue001"
# Markdown that reads as noise in a snippet: [[markers]] (an image's too), link targets,
# #, *, `, [ and ] (and the sentinels, should an editor ever type one). The same pattern
# works in Python's re and in PostgreSQL's regular expressions.
MARKDOWN_NOISE = ANY_MARKER + r"|\]\([^)]*\)|[][#*`\ue000\ue001]"


def normalise_query(raw):
    """The query as searched and shown: control and format characters (NUL among them)
    become spaces, and runs of whitespace one space."""
    text = "".join(" " if unicodedata.category(char)[0] == "C" else char for char in raw)
    return " ".join(text.split())


def has_words(query):
    return re.search(r"\w", query) is not None


@dataclass
class Result:
    page: object
    summary: str
    snippet: str


def search_pages(query):
    """Up to MAX_RESULTS + 1 results, best first (one more tells the view there are more)."""
    pages = Page.objects.published().select_related("parent")
    if connection.vendor == "postgresql":
        return _full_text(pages, query)
    return fallback_search(pages, query)


# PostgreSQL


def _plain(expression):
    return Func(
        expression,
        Value(MARKDOWN_NOISE),
        Value(" "),
        Value("g"),
        function="regexp_replace",
        output_field=TextField(),
    )


def search_document():
    """The weighted tsvector of a page row, FAQs included (for UPDATE … SET)."""
    faqs = (
        FAQ.objects.filter(page=OuterRef("pk"))
        .values("page")
        .annotate(
            text=StringAgg(
                Concat("question", Value(" "), "answer", output_field=TextField()), delimiter=" "
            )
        )
        .values("text")
    )
    return (
        SearchVector("title", weight="A", config=CONFIG)
        + SearchVector("summary", weight="B", config=CONFIG)
        + SearchVector(_plain(F("body")), weight="C", config=CONFIG)
        + SearchVector(_plain(Coalesce(Subquery(faqs), Value(""))), weight="D", config=CONFIG)
    )


def update_search_vectors(pages):
    """Refresh the stored vectors of a queryset of pages (one UPDATE); PostgreSQL only."""
    if connection.vendor == "postgresql":
        pages.update(search_vector=search_document())


def update_search_vector(page_pk):
    update_search_vectors(Page.objects.filter(pk=page_pk))


def _headline(expression, query, **options):
    return SearchHeadline(
        _plain(expression), query, config=CONFIG, start_sel=START, stop_sel=STOP, **options
    )


def _full_text(pages, text):
    query = SearchQuery(text, search_type="websearch", config=CONFIG)
    rows = (
        pages.filter(search_vector=query)
        .annotate(
            rank=SearchRank(F("search_vector"), query),
            summary_marked=_headline(F("summary"), query, highlight_all=True),
            snippet_marked=_headline(F("body"), query, max_words=35, min_words=15),
        )
        .order_by("-rank", "title", "pk")[: MAX_RESULTS + 1]
    )
    return [
        Result(page, highlight(page.summary_marked), _snippet(page.snippet_marked)) for page in rows
    ]


def highlight(marked):
    """Escaped text with the sentinel-marked words in <mark>."""
    html = escape(marked).replace(START, "<mark>").replace(STOP, "</mark>")
    return mark_safe(html)  # noqa: S308 (escaped above; only our own <mark> added)


def _snippet(marked):
    # A headline without a match (the words were in the title or FAQs) says nothing.
    return highlight(f"…{' '.join(marked.split())}…") if START in marked else ""


# Other databases


def _words(query):
    return re.findall(r"\w{2,}", query)[:10]


def fallback_search(pages, query):
    """Pages containing every word of the query (case-insensitive), title matches first."""
    words = _words(query)
    if not words:
        return []
    fields = ("title", "summary", "body", "faqs__question", "faqs__answer")

    def anywhere(word):
        return reduce(or_, (Q(**{f"{field}__icontains": word}) for field in fields))

    def in_field(field):
        return reduce(or_, (Q(**{f"{field}__icontains": word}) for word in words))

    place = Case(
        When(in_field("title"), then=0),
        When(in_field("summary"), then=1),
        When(in_field("body"), then=2),
        default=3,
        output_field=IntegerField(),
    )
    matching = pages.filter(pk__in=pages.filter(reduce(and_, map(anywhere, words))).values("pk"))
    rows = matching.annotate(place=place).order_by("place", "title", "pk")[: MAX_RESULTS + 1]
    return [
        Result(page, highlight(_mark(page.summary, words)), _plain_snippet(page.body, words))
        for page in rows
    ]


def _mark(text, words):
    pattern = "|".join(re.escape(word) for word in words)
    return re.sub(pattern, lambda match: f"{START}{match.group()}{STOP}", text, flags=re.I)


def _plain_snippet(body, words, radius=120):
    text = " ".join(re.sub(MARKDOWN_NOISE, " ", body).split())
    found = re.search("|".join(re.escape(word) for word in words), text, flags=re.I)
    if found is None:
        return ""
    start, end = max(0, found.start() - radius), found.end() + radius
    return _snippet(_mark(text[start:end], words))
