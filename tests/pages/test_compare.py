"""Comparing two revisions: only the paragraphs that changed, with one of context."""

from django.urls import reverse

from tests.pages.factories import make_page
from tests.pages.test_revisions import edit_in_admin

PARAGRAPHS = [f"Paragraph {number} says something about {number} things." for number in range(30)]


def compare(admin_client, page, older, newer):
    url = reverse("admin:pages_page_revision_compare", args=[page.pk])
    return admin_client.get(url, {"a": older.pk, "b": newer.pk}).content.decode()


def test_compare_shows_only_the_changed_paragraph_with_a_paragraph_of_context(admin_client, db):
    page = make_page(body="\n\n".join(PARAGRAPHS))
    edited = [*PARAGRAPHS]
    edited[15] = "Paragraph 15 says something about fifteen things."
    edit_in_admin(admin_client, page, body="\n\n".join(edited))
    newer, older = page.revisions.all()[:2]

    html = compare(admin_client, page, older, newer)

    assert "<ins>fifteen</ins>" in html and "<del>15</del>" in html
    # One paragraph either side, for context; the 27 others are left out.
    assert html.count("Paragraph 14 says") == 2 and html.count("Paragraph 16 says") == 2
    assert "Paragraph 3 says" not in html and "Paragraph 28 says" not in html
    assert "14 unchanged paragraphs" in html and "13 unchanged paragraphs" in html


def test_compare_explains_its_marks_before_the_changes(admin_client, db):
    page = make_page(title="First")
    edit_in_admin(admin_client, page, title="Second")
    newer, older = page.revisions.all()[:2]

    html = compare(admin_client, page, older, newer)

    assert html.index("struck through") < html.index("<del>First</del>")


def test_compare_offers_no_restore_of_the_current_revision(admin_client, db):
    page = make_page(title="First")
    edit_in_admin(admin_client, page, title="Second")
    current, older = page.revisions.all()[:2]

    html = compare(admin_client, page, older, current)

    restore = "admin:pages_page_revision_restore"
    assert reverse(restore, args=[page.pk, older.pk]) in html
    assert reverse(restore, args=[page.pk, current.pk]) not in html
    assert "is the current content" in html
