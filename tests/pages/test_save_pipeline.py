"""One save of a page, whoever starts it: one revision, one search update, one cache clear,
and the body rendered once (counted from the outside: the admin, a command)."""

import io
from functools import wraps

import markdown
import pytest
from django.core.management import call_command
from django.urls import reverse

from pages import content_version, search
from pages.demo_content import DEMO_PAGES
from pages.models import Page, PageRevision
from tests.pages.factories import make_faq, make_page, make_reference
from tests.pages.test_revisions import form_data_for

BODY_SENTINEL = "Zanzibar marmalade"


def counting(monkeypatch, module, name, *, only_if=None):
    """Wrap module.name so each call is counted (when only_if(*args) holds)."""
    calls = []
    original = getattr(module, name)

    @wraps(original)
    def wrapper(*args, **kwargs):
        if only_if is None or only_if(*args):
            calls.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, wrapper)
    return calls


@pytest.fixture
def cache_clears(monkeypatch):
    return counting(monkeypatch, content_version, "bump")


@pytest.fixture
def search_updates(monkeypatch):
    return counting(monkeypatch, search, "update_search_vectors")


@pytest.fixture
def body_renders(monkeypatch):
    """Markdown conversions of a page body (FAQ answers are converted on their own)."""
    return counting(
        monkeypatch,
        markdown.Markdown,
        "convert",
        only_if=lambda _md, source: BODY_SENTINEL in source,
    )


def with_references(data, page, **changes):
    references = list(page.references.all())
    data["references-TOTAL_FORMS"] = data["references-INITIAL_FORMS"] = str(len(references))
    for index, reference in enumerate(references):
        data.update(
            {
                f"references-{index}-id": str(reference.pk),
                f"references-{index}-page": str(page.pk),
                f"references-{index}-citation": reference.citation,
                f"references-{index}-url": reference.url,
                f"references-{index}-order": str(reference.order),
            }
        )
    data.update(changes)
    return data


@pytest.mark.parametrize("rows", [1, 3])
def test_an_admin_save_with_changed_faqs_and_references_is_one_revision_and_one_cache_clear(
    admin_client, db, rows, cache_clears, search_updates
):
    page = make_page(body=f"Intro about {BODY_SENTINEL}.")
    for number in range(rows):
        make_faq(page, question=f"Question {number}?", order=number)
        make_reference(page, citation=f"Citation {number}.", order=number)
    revisions_before = page.revisions.count()
    cache_clears.clear()
    search_updates.clear()
    changes = {f"faqs-{n}-answer": f"A new answer {n}." for n in range(rows)}
    changes |= {f"references-{n}-citation": f"A new citation {n}." for n in range(rows)}
    data = with_references(form_data_for(page, title="A new title"), page, **changes)

    response = admin_client.post(reverse("admin:pages_page_change", args=[page.pk]), data)

    assert response.status_code == 302
    assert page.revisions.count() == revisions_before + 1
    assert len(cache_clears) == 1
    assert len(search_updates) == 1
    latest = page.revisions.first()
    assert [faq["answer"] for faq in latest.content["faqs"]] == [
        f"A new answer {n}." for n in range(rows)
    ]
    assert latest.content["references"][0]["citation"] == "A new citation 0."


def test_an_admin_save_renders_the_body_once(admin_client, db, body_renders):
    page = make_page(body=f"Intro about {BODY_SENTINEL}.\n\n## More\n\nText.")
    make_faq(page, question="Is it safe?")
    body_renders.clear()
    data = form_data_for(
        page,
        body=f"A new intro about {BODY_SENTINEL}.\n\n## More\n\nText.",
        **{"faqs-0-question": "Is it safe for me?"},
    )

    admin_client.post(reverse("admin:pages_page_change", args=[page.pk]), data)

    assert len(body_renders) == 1
    page.refresh_from_db()
    assert "A new intro" in page.body_html and page.reading_grade is None


def test_a_new_page_with_an_faq_added_in_the_admin_renders_its_body_once(
    admin_client, db, body_renders, cache_clears
):
    from tests.pages.test_admin import page_form_data

    data = page_form_data(
        body=f"About {BODY_SENTINEL}.",
        **{
            "faqs-TOTAL_FORMS": "1",
            "faqs-0-question": "What if I think about suicide?",
            "faqs-0-answer": "Call or text 988.",
            "faqs-0-order": "0",
        },
    )

    response = admin_client.post(reverse("admin:pages_page_add"), data)

    assert response.status_code == 302
    page = Page.objects.get(slug="ketamine-for-anxiety")
    # The FAQ's words count at once: the crisis lines show from the first save.
    assert page.mentions_crisis
    assert len(body_renders) == 1 and len(cache_clears) == 1
    assert page.revisions.count() == 1


def test_demo_content_changed_by_the_command_is_one_revision_per_page(
    db, monkeypatch, cache_clears
):
    call_command("load_demo_content", stdout=io.StringIO())
    spec = next(spec for spec in DEMO_PAGES if spec["faqs"])
    page = Page.objects.get(slug=spec["slug"])
    revisions_before = PageRevision.objects.count()
    monkeypatch.setitem(spec, "title", "A new title for the demo page")
    (question, _answer), *others = spec["faqs"]
    monkeypatch.setitem(spec, "faqs", [(question, "A new answer."), *others])
    cache_clears.clear()

    call_command("load_demo_content", stdout=io.StringIO())

    assert PageRevision.objects.count() == revisions_before + 1
    revision = page.revisions.first()
    assert (revision.created_by, revision.content["title"]) == (None, spec["title"])
    assert revision.content["faqs"][0]["answer"] == "A new answer."
    assert len(cache_clears) == 1


def test_publishing_a_draft_is_one_save(admin_client, db, cache_clears, search_updates):
    page = make_page(title="Live title")
    make_faq(page, question="Old question?")
    make_reference(page, citation="Old citation.")
    cache_clears.clear()
    search_updates.clear()
    admin_client.post(
        reverse("admin:pages_page_change", args=[page.pk]),
        with_references(
            form_data_for(
                page,
                title="Draft title",
                _save_draft="1",
                **{"faqs-0-question": "Draft question about wombats?"},
            ),
            page,
            **{"references-0-citation": "Draft citation."},
        ),
    )
    assert cache_clears == [] and search_updates == []  # a draft leaves the live page be

    admin_client.post(reverse("admin:pages_page_draft_publish", args=[page.pk]))

    page.refresh_from_db()
    assert page.title == "Draft title"
    assert [faq.question for faq in page.faqs.all()] == ["Draft question about wombats?"]
    assert len(cache_clears) == 1 and len(search_updates) == 1
    assert page.revisions.first().kind == PageRevision.Kind.PUBLISHED
    assert [found.page.title for found in search.search_pages("wombats")] == ["Draft title"]


def test_restoring_a_revision_is_one_save(admin_client, db, cache_clears, search_updates):
    page = make_page(title="First title")
    make_faq(page, question="First question?")
    first = page.revisions.first()
    admin_client.post(
        reverse("admin:pages_page_change", args=[page.pk]),
        form_data_for(page, title="Second title", **{"faqs-0-question": "Second question?"}),
    )
    cache_clears.clear()
    search_updates.clear()
    revisions_before = page.revisions.count()

    admin_client.post(reverse("admin:pages_page_revision_restore", args=[page.pk, first.pk]))

    page.refresh_from_db()
    assert page.title == "First title"
    assert [faq.question for faq in page.faqs.all()] == ["First question?"]
    assert page.revisions.count() == revisions_before + 1
    assert len(cache_clears) == 1 and len(search_updates) == 1
