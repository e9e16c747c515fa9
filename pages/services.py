"""The page save pipeline: every edit of a page, from the admin, a command or the shell.

save_page(page, faqs=..., references=..., user=...) does the whole save in one
transaction, in this order:

1. lock the stored row and compare: what changed decides updated_at, the next review
   date and whether the address moved;
2. render the body once (HTML, contents, reading grades, crisis flag: the FAQs as they
   will be count for the flag);
3. save the page, then its changed FAQs and references, and delete the removed ones;
4. keep the old address working (a redirect) and move the sub-pages along;
5. update the search vector once;
6. record one revision (a save that changed nothing records none);
7. bump the page cache's content version once: every cached page is stale from the
   moment the transaction commits (pages/content_version.py).

Drafts of a published page, publishing a draft, restoring a revision, publishing or
unpublishing and the reviewer's "Mark as reviewed" are steps of their own below, each
built on save_page (a draft is a revision only: the live page is not saved).
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from pages import content_version, revisions
from pages.models import Page, PageRedirect, PageRevision
from pages.models.rules import REVIEW_INTERVAL
from pages.search import update_search_vector


@dataclass
class RowChanges:
    """FAQs or references to save (new or edited, not yet saved) and to delete."""

    save: list = field(default_factory=list)
    delete: list = field(default_factory=list)

    @classmethod
    def replacing(cls, current, new_rows):
        """Every current row goes, the new ones come."""
        return cls(save=list(new_rows), delete=list(current))

    def __bool__(self):
        return bool(self.save or self.delete)

    def applied_to(self, stored):
        """The rows the page has once these changes are saved (edited rows as edited)."""
        deleted = {row.pk for row in self.delete}
        edited = {row.pk: row for row in self.save if row.pk}
        kept = [edited.get(row.pk, row) for row in stored if row.pk not in deleted]
        return kept + [row for row in self.save if not row.pk]


NO_CHANGES = RowChanges()


def save_page(
    page,
    *,
    user=None,
    faqs=NO_CHANGES,
    references=NO_CHANGES,
    kind=PageRevision.Kind.SAVED,
    restored_from=None,
):
    """Save page with its FAQs and references; returns the page's current revision.

    user: who saves (None for a command or the shell; the revision says "no user").
    """
    with transaction.atomic():
        stored = Page.objects.select_for_update().filter(pk=page.pk).first() if page.pk else None
        if stored is not None:
            revisions.keep_baseline(stored)
        stored_faqs = list(stored.faqs.all()) if stored else []
        changed = _content_changed(stored, page) or bool(faqs) or bool(references)
        if changed:
            page.updated_at = timezone.now()
        _follow_review(page, stored)
        page.path = page.build_path()
        page.render(faqs=faqs.applied_to(stored_faqs))
        page.save()
        _save_rows(page, faqs)
        _save_rows(page, references)
        _keep_addresses(page, old_path=stored.path if stored else None)
        update_search_vector(page.pk)
        revision = revisions.record_revision(page, user, kind, restored_from=restored_from)
        content_version.bump()
    return revision


def _content_changed(stored, page):
    if stored is None:
        return True
    return any(getattr(stored, name) != getattr(page, name) for name in Page.CONTENT_FIELDS)


def _follow_review(page, stored):
    """The next review follows a new last-reviewed date, unless the editor chose the next
    review date in the same save (then their date is kept)."""
    if page.last_reviewed is None or stored is None:
        return
    review_moved = stored.last_reviewed != page.last_reviewed
    date_untouched = stored.next_review == page.next_review
    if review_moved and date_untouched:
        page.next_review = page.last_reviewed + REVIEW_INTERVAL


def _save_rows(page, changes):
    for row in changes.delete:
        if row.pk:
            row.delete()
    for row in changes.save:
        row.page = page
        row.save()


def _keep_addresses(page, *, old_path):
    # A page now lives here, so an older redirect from this address must go.
    PageRedirect.objects.filter(old_path=page.path).delete()
    if old_path and old_path != page.path:
        _moved(page, old_path)


def _moved(page, old_path):
    """Keep the old address working (301) and move the sub-pages along. A sub-page's
    content is unchanged (no revision), but its stored HTML links to its address."""
    PageRedirect.objects.update_or_create(old_path=old_path, defaults={"page": page})
    for child in page.children.all():
        child_old_path = child.path
        child.path = child.build_path()
        child.render()
        child.save()
        _keep_addresses(child, old_path=child_old_path)


# Steps built on the pipeline --------------------------------------------------------------


def publish_page(page, *, user=None, at=None):
    """Publish now (or at a later time); recorded as a publish."""
    page.status = Page.Status.PUBLISHED
    page.publish_at = at or timezone.now()
    return save_page(page, user=user, kind=PageRevision.Kind.PUBLISHED)


def unpublish_page(page, *, user=None):
    """Back to draft: the page leaves the site."""
    page.status = Page.Status.DRAFT
    return save_page(page, user=user)


def mark_reviewed(page, *, reviewer, user=None, on=None):
    """The medical reviewer checked the page: their name and the date, as a revision of
    its own, and the next review moves on by the clinic's review interval."""
    page.reviewer = reviewer
    page.last_reviewed = on or timezone.localdate()
    page.next_review = page.last_reviewed + REVIEW_INTERVAL
    return save_page(page, user=user, kind=PageRevision.Kind.REVIEWED)


def save_draft(page, *, user=None, faqs=NO_CHANGES, references=NO_CHANGES):
    """Keep the edited page (not saved) as a draft revision; the live page stays as it is.

    Returns the draft, or None when the edit matches the live page (nothing to keep).
    """
    with transaction.atomic():
        stored = Page.objects.select_for_update().get(pk=page.pk)
        revisions.keep_baseline(stored)
        content = revisions.snapshot(
            page,
            faqs=faqs.applied_to(list(stored.faqs.all())),
            references=references.applied_to(list(stored.references.all())),
        )
        if content == revisions.snapshot(stored):
            return None
        return revisions.record_revision(page, user, PageRevision.Kind.DRAFT, content=content)


def restore_revision(revision, *, user=None):
    """Make an earlier revision the page's content again (kept as a new revision)."""
    return _apply(revision, user=user, kind=PageRevision.Kind.RESTORED)


def publish_draft(draft, *, user=None):
    """Make a draft the live page, published."""
    return _apply(draft, user=user, kind=PageRevision.Kind.PUBLISHED, status=Page.Status.PUBLISHED)


def _apply(revision, *, user, kind, status=None):
    """All or nothing: a ValidationError leaves everything as it was."""
    with transaction.atomic():
        page = Page.objects.select_for_update().filter(pk=revision.page_id).first()
        if page is None:
            raise ValidationError(revisions.DELETED_PAGE)
        content = revisions.content_to_apply(page, revision, kind)
        problems = revisions.missing_targets(content)
        if problems:
            raise ValidationError(problems)
        revisions.set_page_fields(page, content)
        if status is not None:
            page.status = status
        page.full_clean()
        return save_page(
            page,
            user=user,
            faqs=_rows_to_apply(page, content, "faqs"),
            references=_rows_to_apply(page, content, "references"),
            kind=kind,
            restored_from=revision,
        )


def _rows_to_apply(page, content, key):
    model, fields = revisions.ROWS[key]
    current = list(getattr(page, key).all())
    if key not in content or revisions.row_content(current, fields) == content[key]:
        return NO_CHANGES
    # A field the revision predates takes its default.
    rows = [
        model(page=page, **{name: row[name] for name in fields if name in row})
        for row in content[key]
    ]
    for row in rows:
        row.full_clean(exclude=["page"])
    return RowChanges.replacing(current, rows)


def delete_pages(pages):
    """Delete pages (their FAQs, references and revisions go with them)."""
    with transaction.atomic():
        for page in pages:
            page.delete()
        content_version.bump()
