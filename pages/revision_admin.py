"""The page admin's saving and revisions: the change form's save (through
pages.services.save_page, or save_draft), history, compare, restore, and drafts of a
published page (saved as a revision; the live page stays as it is until published).

PageRevisionsMixin goes before admin.ModelAdmin in PageAdmin's bases.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.cache import add_never_cache_headers

from pages import revisions, services
from pages.models import FAQ, Page, PageRevision, Reference
from pages.rendering import render_markdown
from pages.views import page_context

DRAFT_BUTTON = "_save_draft"
CONFIRM_INTRO = {
    PageRevision.Kind.RESTORED: (
        "What changes on the page if you go ahead (the live page on the left). Whether "
        "and when the page is published, and its review dates, stay as they are now:"
    ),
    PageRevision.Kind.PUBLISHED: (
        "What changes on the page if you go ahead (the live page on the left):"
    ),
}
HISTORY_LIMIT = 100
# A command, an import, or the content from before revisions were kept.
NO_USER = "no user recorded"


def _when(revision):
    return formats.date_format(timezone.localtime(revision.created_at), "DATETIME_FORMAT")


def _who(revision):
    user = revision.created_by
    return (user.get_full_name() or user.get_username()) if user else NO_USER


def describe(revision):
    """'the saved revision of Dec 04, 2026 18:30 by dana' for messages and headings."""
    kind = revision.get_kind_display().lower()
    who = f"by {_who(revision)}" if revision.created_by else f"({NO_USER})"
    return f"the {kind} revision of {_when(revision)} {who}"


def row_changes(formset):
    """What an inline formset changes, unsaved: the new and edited rows, the deleted ones.
    (save(commit=False) also keeps Django's account of them for the change message.)"""
    return services.RowChanges(save=formset.save(commit=False), delete=formset.deleted_objects)


def _for_page(permission):
    """Resolve object_id to the page (or say it has gone) and check permission."""

    def decorator(view):
        @wraps(view)
        def wrapped(self, request, object_id, **kwargs):
            if permission == "change":
                allowed = self.has_change_permission
            else:
                allowed = self.has_view_permission
            if not allowed(request):
                raise PermissionDenied
            page = self.get_object(request, unquote(object_id))
            if page is None:
                self.message_user(request, revisions.DELETED_PAGE, messages.WARNING)
                return HttpResponseRedirect(self._page_url("changelist"))
            if not allowed(request, page):
                raise PermissionDenied
            return view(self, request, page, **kwargs)

        return wrapped

    return decorator


class PageRevisionsMixin:
    # Saving ---------------------------------------------------------------------------
    # The whole save is pages.services.save_page (or save_draft), called from save_related:
    # the first of the admin's hooks that sees the page with its FAQs and references.

    def _is_published(self, page):
        return Page.objects.filter(pk=page.pk, status=Page.Status.PUBLISHED).exists()

    def _saves_draft(self, request, page):
        """The editor chose "Save as draft" on a page that is live (the stored row
        decides: the submitted status may say otherwise)."""
        return DRAFT_BUTTON in request.POST and page.pk and self._is_published(page)

    def save_model(self, request, obj, form, change):
        """Nothing yet: save_related saves the page with its inlines, in one go."""

    def save_related(self, request, form, formsets, change):
        page = form.instance
        rows = {formset.model: row_changes(formset) for formset in formsets}
        faqs = rows.get(FAQ, services.NO_CHANGES)
        references = rows.get(Reference, services.NO_CHANGES)
        if not self._saves_draft(request, page):
            services.save_page(page, user=request.user, faqs=faqs, references=references)
        elif services.save_draft(page, user=request.user, faqs=faqs, references=references):
            self.message_user(
                request,
                "Draft saved. The live page stays as it is until you publish the draft.",
                messages.SUCCESS,
            )
        else:
            self.message_user(
                request,
                "Nothing to save as a draft: the form matches the live page.",
                messages.INFO,
            )

    def construct_change_message(self, request, form, formsets, add=False):
        if not add and self._saves_draft(request, form.instance):
            return "Saved a draft; the live page is unchanged."
        return super().construct_change_message(request, form, formsets, add)

    def response_change(self, request, obj):
        if self._saves_draft(request, obj):
            return HttpResponseRedirect(self._page_url("change", obj))
        return super().response_change(request, obj)

    def delete_model(self, request, obj):
        services.delete_pages([obj])

    def delete_queryset(self, request, queryset):
        services.delete_pages(queryset)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            context["pending_draft"] = revisions.pending_draft(obj)
            context["can_save_draft"] = self.has_change_permission(
                request, obj
            ) and self._is_published(obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    # URLs -------------------------------------------------------------------------------

    def _page_url(self, name, page=None, *args):
        args = (page.pk, *args) if page is not None else args
        return reverse(f"{self.admin_site.name}:pages_page_{name}", args=args)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        views = [
            ("revisions/", self.revisions_view, "revisions"),
            ("revisions/compare/", self.compare_view, "revision_compare"),
            ("revisions/<int:revision_id>/restore/", self.restore_view, "revision_restore"),
            ("draft/preview/", self.draft_preview_view, "draft_preview"),
            ("draft/publish/", self.draft_publish_view, "draft_publish"),
            ("draft/discard/", self.draft_discard_view, "draft_discard"),
        ]
        urls = [
            path(f"<path:object_id>/{route}", wrap(view), name=f"pages_page_{name}")
            for route, view, name in views
        ]
        return urls + super().get_urls()

    def _render(self, request, page, template, title, **context):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": page,
            "title": title,
            "change_url": self._page_url("change", page),
            "revisions_url": self._page_url("revisions", page),
            **context,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, f"admin/pages/page/{template}", context)

    # History and compare ----------------------------------------------------------------

    @_for_page("view")
    def revisions_view(self, request, page):
        found = list(page.revisions.select_related("created_by")[: HISTORY_LIMIT + 1])
        shown = found[:HISTORY_LIMIT]
        live = next((r for r in found if r.kind != PageRevision.Kind.DRAFT), None)
        draft = revisions.pending_draft(page)
        rows = []
        for index, revision in enumerate(shown):
            older = found[index + 1] if index + 1 < len(found) else None
            rows.append(
                {
                    "revision": revision,
                    "who": _who(revision),
                    "summary": revisions.summarize(older and older.content, revision.content),
                    "is_live": live is not None and revision.pk == live.pk,
                    "is_pending_draft": draft is not None and revision.pk == draft.pk,
                    "restore_url": self._page_url("revision_restore", page, revision.pk),
                }
            )
        return self._render(
            request,
            page,
            "revisions.html",
            f"Revisions of “{page}”",
            rows=rows,
            total=page.revisions.count() if len(found) > HISTORY_LIMIT else len(found),
            compare_url=self._page_url("revision_compare", page),
            can_restore=self.has_change_permission(request, page),
        )

    @_for_page("view")
    def compare_view(self, request, page):
        ids = [request.GET.get("a", ""), request.GET.get("b", "")]
        chosen = []
        # isdecimal() alone lets "²" through, which int() refuses; 18 digits fit a bigint.
        if all(value.isascii() and value.isdecimal() and len(value) < 19 for value in ids) and (
            ids[0] != ids[1]
        ):
            chosen = list(page.revisions.filter(pk__in=ids).select_related("created_by"))
        if len(chosen) != 2:
            self.message_user(
                request,
                "Choose two different revisions of this page to compare (one in each column).",
                messages.ERROR,
            )
            return HttpResponseRedirect(self._page_url("revisions", page))
        older, newer = sorted(chosen, key=lambda r: (r.created_at, r.pk))
        current = revisions.latest_applied(page)
        sides = [
            {
                "revision": revision,
                "label": describe(revision),
                "restore_url": self._page_url("revision_restore", page, revision.pk),
                # Restoring what the page already says would only add a revision.
                "is_current": current is not None and revision.pk == current.pk,
            }
            for revision in (older, newer)
        ]
        return self._render(
            request,
            page,
            "revision_compare.html",
            f"Compare revisions of “{page}”",
            sides=sides,
            changes=revisions.diff(older.content, newer.content),
            can_restore=self.has_change_permission(request, page),
        )

    # Restore and drafts -----------------------------------------------------------------

    @_for_page("change")
    def restore_view(self, request, page, revision_id):
        revision = page.revisions.select_related("created_by").filter(pk=revision_id).first()
        if revision is None:
            self.message_user(
                request,
                "That revision isn't one of this page's revisions (it may have been discarded).",
                messages.ERROR,
            )
            return HttpResponseRedirect(self._page_url("revisions", page))
        return self._confirm_apply(
            request,
            page,
            revision,
            kind=PageRevision.Kind.RESTORED,
            title=f"Restore {describe(revision)}?",
            button="Restore this revision",
            done=f"Restored {describe(revision)}. It is the page's content now, kept as a new "
            "revision.",
        )

    def _pending_or_redirect(self, request, page):
        draft = revisions.pending_draft(page)
        if draft is None:
            self.message_user(
                request, "This page has no unpublished draft any more.", messages.WARNING
            )
        return draft

    @_for_page("change")
    def draft_publish_view(self, request, page):
        draft = self._pending_or_redirect(request, page)
        if draft is None:
            return HttpResponseRedirect(self._page_url("change", page))
        return self._confirm_apply(
            request,
            page,
            draft,
            kind=PageRevision.Kind.PUBLISHED,
            title=f"Publish the draft saved {_when(draft)} by {_who(draft)}?",
            button="Publish draft",
            done="Draft published: the live page shows it now.",
        )

    def _confirm_apply(self, request, page, revision, *, kind, title, button, done):
        """GET: what will change; POST: apply it (all or nothing)."""
        if request.method == "POST":
            apply = (
                services.publish_draft
                if kind == PageRevision.Kind.PUBLISHED
                else services.restore_revision
            )
            try:
                apply(revision, user=request.user)
            except ValidationError as error:
                problems = " ".join(revisions.messages_of(error))
                self.message_user(request, f"Nothing changed. {problems}", messages.ERROR)
                return HttpResponseRedirect(self._page_url("revisions", page))
            self.message_user(request, done, messages.SUCCESS)
            return HttpResponseRedirect(self._page_url("change", page))
        return self._render(
            request,
            page,
            "revision_confirm.html",
            title,
            revision=revision,
            changes=revisions.diff(
                revisions.snapshot(page), revisions.content_to_apply(page, revision, kind)
            ),
            button=button,
            intro=CONFIRM_INTRO[kind],
        )

    @_for_page("change")
    def draft_discard_view(self, request, page):
        draft = self._pending_or_redirect(request, page)
        if draft is None:
            return HttpResponseRedirect(self._page_url("change", page))
        if request.method == "POST":
            revisions.discard_pending_drafts(page)
            self.message_user(
                request, "Draft discarded. The live page is as it was.", messages.SUCCESS
            )
            return HttpResponseRedirect(self._page_url("change", page))
        return self._render(
            request,
            page,
            "revision_confirm.html",
            f"Discard the draft saved {_when(draft)} by {_who(draft)}?",
            revision=draft,
            changes=revisions.diff(revisions.snapshot(page), draft.content),
            button="Discard draft",
            intro="The draft's changes, which will be thrown away (the live page stays as it is):",
        )

    @_for_page("view")
    def draft_preview_view(self, request, page):
        draft = self._pending_or_redirect(request, page)
        if draft is None:
            return HttpResponseRedirect(self._page_url("change", page))
        problems = revisions.missing_targets(draft.content)
        if problems:
            self.message_user(
                request, "The draft can't be previewed. " + " ".join(problems), messages.ERROR
            )
            return HttpResponseRedirect(self._page_url("change", page))
        response = TemplateResponse(
            request, "pages/page_detail.html", _preview_context(page, draft.content)
        )
        add_never_cache_headers(response)
        return response


def _preview_context(page, content):
    """The public page's context for a draft: the page as it will be once published."""
    revisions.set_page_fields(page, content)
    page.path = page.build_path()
    faqs = [FAQ(page=page, **row) for row in content.get("faqs", [])]
    for faq in faqs:
        faq.answer_html = render_markdown(faq.answer)
    # The draft's FAQs count for the crisis lines, as they will once it is published.
    page.render(faqs=faqs)
    context = page_context(
        page,
        faqs=faqs,
        references=[Reference(page=page, **row) for row in content.get("references", [])],
        children=list(
            Page.objects.published().filter(parent=page).order_by("navigation_order", "title")
        ),
        preview=True,
    )
    return {**context, "draft_preview": True}
