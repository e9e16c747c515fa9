"""Page revisions: a snapshot of a page with its FAQs and references on every save, a
readable diff of any two, and what restoring one means (pages.services applies it).

A revision's content is plain JSON: the page's editor-facing fields (Page.CONTENT_FIELDS,
foreign keys as ids, dates as ISO strings) plus "faqs" and "references" as lists of dicts.
"""

from datetime import UTC, date, datetime

from django.core.exceptions import ValidationError
from django.utils import formats, timezone

from pages.models import FAQ, Page, PageRevision, Reference
from pages.revision_diff import paragraph_diff

FAQ_FIELDS = ("question", "answer", "order")
REFERENCE_FIELDS = ("citation", "url", "order")
ROWS = {"faqs": (FAQ, FAQ_FIELDS), "references": (Reference, REFERENCE_FIELDS)}
DELETED_PAGE = "This page has been deleted; its revisions went with it."


def _jsonable(value):
    if isinstance(value, datetime):
        # The admin's widgets keep seconds: a resave must not look like a change.
        return value.astimezone(UTC).replace(microsecond=0).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)  # a Decimal or UUID a later content field may bring


def row_content(rows, fields):
    rows = sorted(rows, key=lambda row: (row.order, row.pk is None, row.pk or 0))
    return [{name: getattr(row, name) for name in fields} for row in rows]


def snapshot(page, *, faqs=None, references=None):
    """The page as an editor sees it. faqs/references default to the stored rows; the
    admin passes the submitted (unsaved) rows when it saves a draft."""
    content = {name: _jsonable(getattr(page, name)) for name in Page.CONTENT_FIELDS}
    content["faqs"] = row_content(page.faqs.all() if faqs is None else faqs, FAQ_FIELDS)
    content["references"] = row_content(
        page.references.all() if references is None else references, REFERENCE_FIELDS
    )
    return content


def latest_applied(page):
    """The newest revision that is (or was) the live content: anything but a draft."""
    return page.revisions.exclude(kind=PageRevision.Kind.DRAFT).first()


def record_revision(page, user, kind=PageRevision.Kind.SAVED, *, content=None, restored_from=None):
    """Keep a revision of page. An ordinary save that changed nothing since the last
    applied revision records nothing and returns that revision instead."""
    content = snapshot(page) if content is None else content
    if kind == PageRevision.Kind.SAVED:
        last = latest_applied(page)
        if last is not None and last.content == content:
            return last
    return PageRevision.objects.create(
        page=page, kind=kind, content=content, created_by=user, restored_from=restored_from
    )


def keep_baseline(stored):
    """A page last saved before revisions were kept gets its stored content (stored: the
    page as the database holds it) as a first revision, dated when it last changed, by
    nobody known, so its first edit can be undone."""
    if PageRevision.objects.filter(page_id=stored.pk).exists():
        return
    PageRevision.objects.create(page=stored, content=snapshot(stored), created_at=stored.updated_at)


def pending_draft(page):
    """The newest draft saved after the last applied revision, or None.

    Compared by id, not time: ids only grow, so "newer" can't be fooled by clock moves.
    """
    drafts = page.revisions.filter(kind=PageRevision.Kind.DRAFT).select_related("created_by")
    last = latest_applied(page)
    if last is not None:
        drafts = drafts.filter(pk__gt=last.pk)
    return drafts.order_by("-pk").first()


def discard_pending_drafts(page):
    """Delete every draft newer than the live content; returns how many went."""
    last = latest_applied(page)
    drafts = page.revisions.filter(kind=PageRevision.Kind.DRAFT)
    if last is not None:
        drafts = drafts.filter(pk__gt=last.pk)
    return drafts.delete()[0]


# Restoring ------------------------------------------------------------------------------

# A restore brings back what the page said, not whether or when it is live or when it was
# last medically reviewed: those keep their current values. Publishing a draft applies all.
KEPT_ON_RESTORE = ("status", "publish_at", "reviewer", "last_reviewed", "next_review")


def content_to_apply(page, revision, kind):
    """The content the page will have once revision is applied as kind."""
    if kind != PageRevision.Kind.RESTORED:
        return revision.content
    kept = {}
    for name in KEPT_ON_RESTORE:
        attname = Page._meta.get_field(name).attname
        kept[attname] = _jsonable(getattr(page, attname))
    return {**revision.content, **kept}


def set_page_fields(page, content):
    """Put a revision's field values on page (unsaved). A field the revision predates
    keeps its current value; a social image deleted since is left out, as deleting an
    image does to the live page."""
    from images.models import Image

    errors = {}
    for name in Page.CONTENT_FIELDS:
        if name not in content:
            continue
        field = Page._meta.get_field(name)
        try:
            setattr(page, field.attname, field.to_python(content[name]))
        except ValidationError as error:
            errors[field.name] = error.messages
    if errors:
        raise ValidationError(errors)
    if page.social_image_id and not Image.objects.filter(pk=page.social_image_id).exists():
        page.social_image_id = None


def missing_targets(content):
    """Clear messages for a parent or reviewer the revision names that is gone since."""
    from clinicfacts.models import Clinician

    checks = [
        ("parent_id", Page, "section (parent page)"),
        ("reviewer_id", Clinician, "reviewer"),
    ]
    problems = []
    for name, model, label in checks:
        target = content.get(name)
        if target is not None and not model.objects.filter(pk=target).exists():
            problems.append(
                f"The {label} this revision names has been deleted since. Edit the page "
                f"instead, or restore a revision with a {label} that still exists."
            )
    return problems


def messages_of(error):
    """A ValidationError as sentences, field names first ("Slug: ...")."""
    if not hasattr(error, "error_dict"):
        return list(error.messages)
    sentences = []
    for name, errors in error.message_dict.items():
        label = "" if name == "__all__" else f"{name.replace('_', ' ').capitalize()}: "
        sentences.extend(label + message for message in errors)
    return sentences


# Diffs ----------------------------------------------------------------------------------


def _rows_text(rows, fields):
    shown = [name for name in fields if name != "order"]
    return "\n\n".join("\n".join(str(row.get(name, "")) for name in shown) for row in rows)


def _label(name):
    if name in ROWS:
        return "FAQs" if name == "faqs" else "References"
    return Page._meta.get_field(name).verbose_name.capitalize()


def display_value(name, value):
    """A stored value as an editor reads it: names for ids, Yes/No, readable dates."""
    if value is None or value == "":
        return "(empty)"
    if name in ROWS:
        return _rows_text(value, ROWS[name][1]) or "(none)"
    field = Page._meta.get_field(name)
    if field.is_relation:
        target = field.related_model.objects.filter(pk=value).first()
        return str(target) if target else f"(deleted, id {value})"
    if field.choices:
        return dict(field.flatchoices).get(value, str(value))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if name == "publish_at":
        when = timezone.localtime(datetime.fromisoformat(value))
        return formats.date_format(when, "DATETIME_FORMAT")
    return str(value)


def changed_fields(older, newer):
    names = [*Page.CONTENT_FIELDS, *ROWS]
    return [name for name in names if older.get(name) != newer.get(name)]


def summarize(older, newer):
    """What changed, as "Title, Body, FAQs"; "First revision" when there is no older."""
    if older is None:
        return "First revision"
    names = changed_fields(older, newer)
    return ", ".join(_label(name) for name in names) if names else "No changes"


def diff(older, newer):
    """The fields that differ, each {label, chunks}, for a side-by-side view: only the
    paragraphs that changed (removed words in <del>, added ones in <ins>), a paragraph of
    context around each, and gaps for the rest (pages/revision_diff.py)."""
    return [
        {
            "label": _label(name),
            "chunks": paragraph_diff(
                display_value(name, older.get(name)), display_value(name, newer.get(name))
            ),
        }
        for name in changed_fields(older, newer)
    ]
