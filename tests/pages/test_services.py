"""The save pipeline called directly, as a command or the shell would."""

from pages.models import FAQ, PageRevision
from pages.services import RowChanges, save_draft, save_page
from tests.pages.factories import make_faq, make_page


def test_a_save_from_the_shell_records_a_revision_by_no_user(db):
    page = make_page(title="Before")
    revisions_before = page.revisions.count()

    page.title = "Changed in the shell"
    save_page(page)

    assert page.revisions.count() == revisions_before + 1
    revision = page.revisions.first()
    assert (revision.created_by, revision.content["title"]) == (None, "Changed in the shell")


def test_a_save_that_changes_nothing_records_no_revision_and_keeps_updated_at(db):
    page = make_page()
    revisions_before, updated_at = page.revisions.count(), page.updated_at

    save_page(page)

    page.refresh_from_db()
    assert page.revisions.count() == revisions_before
    assert page.updated_at == updated_at


def test_a_draft_keeps_the_live_page_and_its_faqs_as_they_are(db):
    page = make_page(title="Live")
    faq = make_faq(page, question="Live question?")
    faq.question = "Draft question?"
    page.title = "Draft"

    draft = save_draft(page, faqs=RowChanges(save=[faq]))

    assert draft.kind == PageRevision.Kind.DRAFT
    assert draft.content["faqs"][0]["question"] == "Draft question?"
    assert FAQ.objects.get(pk=faq.pk).question == "Live question?"
    assert page.revisions.exclude(kind=PageRevision.Kind.DRAFT).first().content["title"] == "Live"
