from django.contrib import admin, messages
from django.db import models
from django.utils import formats, timezone
from django.utils.html import format_html

from pages import admin_review, crisis_lines, services
from pages.admin_review import ReadingLevelFilter, ReviewFilter
from pages.forms import FAQInlineForm, PageAdminForm, ReferenceInlineForm
from pages.models import FAQ, Page, PageRedirect, Reference
from pages.revision_admin import PageRevisionsMixin


class FAQInline(admin.StackedInline):
    model = FAQ
    form = FAQInlineForm
    extra = 0
    fields = ("question", "answer", "order")


class ReferenceInline(admin.StackedInline):
    """Stacked, not tabular: each citation, URL, order and delete box has its own label,
    and a long citation gets the whole width."""

    model = Reference
    form = ReferenceInlineForm
    extra = 0
    fields = ("citation", ("url", "order"))
    # A typed "doi.org/..." becomes https://doi.org/... (Django 6's default, chosen now).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Page)
class PageAdmin(PageRevisionsMixin, admin.ModelAdmin):
    form = PageAdminForm
    list_display = (
        "title",
        "status_label",
        "updated_label",
        "review_label",
        "reading_label",
        "address",
    )
    list_filter = ("status", ReviewFilter, ReadingLevelFilter, "show_in_navigation")
    search_fields = ("title",)
    prepopulated_fields = {"slug": ("title",)}
    readonly_fields = ("path", "updated_at", "open_link", "reading_level", "crisis_lines")
    autocomplete_fields = ("parent", "social_image")
    list_select_related = ("reviewer",)
    inlines = [FAQInline, ReferenceInline]
    actions = ["publish_now", "unpublish"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    "slug",
                    "parent",
                    "path",
                    "summary",
                    "body",
                    "crisis_lines",
                    "reading_level",
                ]
            },
        ),
        ("Publishing", {"fields": ["status", "publish_at", "open_link", "updated_at"]}),
        ("Medical review", {"fields": ["reviewer", "last_reviewed", "next_review"]}),
        ("Sharing", {"fields": ["social_image"]}),
        (
            "Navigation",
            {"fields": ["show_in_navigation", "navigation_title", "navigation_order"]},
        ),
    ]

    @admin.display(description="status", ordering="status")
    def changelist_view(self, request, extra_context=None):
        # The admin's stock "Select page to change" says nothing an editor needs.
        return super().changelist_view(request, {"title": "Pages", **(extra_context or {})})

    def status_label(self, page):
        if page.is_scheduled:
            when = timezone.localtime(page.publish_at)
            return f"Scheduled for {formats.date_format(when, 'DATETIME_FORMAT')}"
        return page.get_status_display()

    @admin.display(description="updated", ordering="updated_at")
    def updated_label(self, page):
        return formats.date_format(timezone.localtime(page.updated_at), "DATE_FORMAT")

    @admin.display(description="address", ordering="path")
    def address(self, page):
        """The page's address once, as a link (a preview while it isn't live)."""
        note = "" if page.is_live else " (preview)"
        return format_html('<a href="{}">{}</a>{}', page.path, page.path, note)

    @admin.display(description="next review", ordering="next_review")
    def review_label(self, page):
        return admin_review.next_review_label(page)

    @admin.display(description="reading grade", ordering="reading_grade")
    def reading_label(self, page):
        return admin_review.reading_grade_label(page)

    @admin.display(description="reading level")
    def reading_level(self, page):
        return admin_review.reading_summary(page)

    @admin.display(description="crisis lines")
    def crisis_lines(self, page):
        return crisis_lines.editor_note(page)

    def response_add(self, request, obj, post_url_continue=None):
        response = super().response_add(request, obj, post_url_continue)
        self._explain_crisis_lines(request, obj)
        return response

    def response_change(self, request, obj):
        response = super().response_change(request, obj)
        # A draft leaves the live page as it is; its preview shows the lines it brings.
        if not self._saves_draft(request, obj):
            self._explain_crisis_lines(request, obj)
        return response

    def _explain_crisis_lines(self, request, page):
        # After the FAQs are saved: their words count too.
        if page.mentions_crisis:
            self.message_user(request, crisis_lines.EXPLANATION, messages.INFO)

    @admin.display(description="on the site")
    def open_link(self, page):
        if not page.pk:
            return "—"
        label = "View" if page.is_live else "Preview"
        return format_html('<a href="{}">{} {}</a>', page.path, label, page.path)

    @admin.action(description="Publish the selected pages now")
    def publish_now(self, request, queryset):
        for page in queryset:
            services.publish_page(page, user=request.user)
        self.message_user(request, f"{len(queryset)} page(s) published.")

    @admin.action(description="Unpublish the selected pages (back to draft)")
    def unpublish(self, request, queryset):
        for page in queryset:
            services.unpublish_page(page, user=request.user)
        self.message_user(request, f"{len(queryset)} page(s) moved back to draft.")


@admin.register(PageRedirect)
class PageRedirectAdmin(admin.ModelAdmin):
    list_display = ("old_path", "page", "created_at")
    list_select_related = ("page",)
    search_fields = ("old_path", "page__title")
    autocomplete_fields = ("page",)
