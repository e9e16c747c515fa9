"""The intake CRM: the inquiry queue, its detail page and their small action views.

Every view, change and export of inquiry data here is also written to the append-only
staff audit trail (`staff.audit.record_access`), beside the inquiry's own timeline.
"""

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.db.models.functions import Lower
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.defaultfilters import linebreaksbr
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext

from inquiries import dashboard
from inquiries.admin import forms as crm_forms
from inquiries.admin.filters import (
    AssigneeFilter,
    OverdueFilter,
    SourcePageFilter,
    StatusFilter,
)
from inquiries.admin.pagination import CappedCountPaginator
from inquiries.business_days import is_past_business_days
from inquiries.export import export_response
from inquiries.models import Inquiry, InquiryEvent, waiting_too_long_q
from inquiries.roles import EXPORT_PERMISSION
from inquiries.search import search_inquiries
from staff.audit import record_access
from staff.models import AuditEntry

Status = Inquiry.Status
Audit = AuditEntry.Action

# name -> (form class, form prefix, permission the staff member needs)
DETAIL_ACTIONS = {
    "status": (crm_forms.StatusForm, "crm-status", "change"),
    "assign": (crm_forms.AssignForm, "crm-assign", "change"),
    "priority": (crm_forms.PriorityForm, "crm-priority", "change"),
    "follow-up": (crm_forms.FollowUpForm, "crm-follow-up", "change"),
    "note": (crm_forms.NoteForm, "crm-note", "add_event"),
    "call": (crm_forms.CallForm, "crm-call", "add_event"),
}
RELATED_LIMIT = 20
TIMELINE_LIMIT = 200


class InquiryAdmin(admin.ModelAdmin):
    list_display = [
        "reference",
        "name",
        "topic",
        "source",
        "age",
        "status_badge",
        "priority_badge",
        "assignee",
        "follow_up",
        "message_preview",
    ]
    list_display_links = ["reference", "name"]
    list_filter = [
        StatusFilter,
        AssigneeFilter,
        "priority",
        "topic",
        ("source_page", SourcePageFilter),
        OverdueFilter,
        ("created_at", admin.DateFieldListFilter),
    ]
    # get_search_results does the work; the list is what it searches (and shows the box).
    search_fields = ["email", "phone", "first_name", "last_name"]
    search_help_text = "An email address, a phone number, a reference (INQ-000123) or a name."
    list_select_related = ["topic", "assignee", "source_page"]
    ordering = ["priority", "created_at", "pk"]
    # 25 rows: a calm screen, and the page renders well inside 100 ms at a million rows.
    list_per_page = 25
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    paginator = CappedCountPaginator
    actions = ["assign_to_me", "mark_contacted", "mark_spam", "mark_not_spam", "export_selected"]

    form = crm_forms.InquiryDetailsForm
    change_form_template = "admin/inquiries/inquiry/change_form.html"
    fieldsets = [
        (
            "Contact details",
            {
                "fields": [
                    ("first_name", "last_name"),
                    ("email", "phone"),
                    ("contact_method", "best_time"),
                    "topic",
                ]
            },
        ),
        ("Message", {"fields": ["message_text"]}),
        (
            "Where it came from",
            {
                "fields": [
                    "source_page_link",
                    "source_path",
                    "referrer",
                    "campaign",
                ]
            },
        ),
        (
            "Pipeline",
            {
                "fields": [
                    ("status", "priority"),
                    ("assignee", "follow_up_on"),
                    ("created_at", "first_contacted_at", "closed_at"),
                ],
                "classes": ["collapse"],
                "description": "Change these with the forms beside this page, "
                "so each change is on the timeline.",
            },
        ),
        (
            "Consent",
            {
                "classes": ["collapse"],
                "fields": ["consent_version", "consent_given_at", "consent_text"],
            },
        ),
    ]
    readonly_fields = [
        "message_text",
        "source_page_link",
        "source_path",
        "referrer",
        "campaign",
        "status",
        "priority",
        "assignee",
        "follow_up_on",
        "created_at",
        "first_contacted_at",
        "closed_at",
        "consent_version",
        "consent_given_at",
        "consent_text",
    ]

    class Media:
        css = {"all": ["admin_crm/crm.css"]}

    # Permissions -----------------------------------------------------------------------

    def has_add_permission(self, request):
        # Inquiries come from the public form; staff never invent one.
        return False

    def has_export_permission(self, request):
        return request.user.has_perm(EXPORT_PERMISSION)

    def _may(self, request, inquiry, permission):
        if permission == "change":
            return self.has_change_permission(request, inquiry)
        return request.user.has_perm("inquiries.add_inquiryevent")

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # retention is purge_inquiries' job
        return actions

    # Queue columns ---------------------------------------------------------------------

    @admin.display(description="Reference", ordering="pk")
    def reference(self, obj):
        return obj.reference

    @admin.display(description="Name", ordering="last_name")
    def name(self, obj):
        return obj.full_name

    @admin.display(description="Source page", ordering="source_page__title")
    def source(self, obj):
        if obj.source_page_id:
            return obj.source_page.title
        return obj.source_path or "—"

    @admin.display(description="Age", ordering="created_at")
    def age(self, obj):
        waited = _short_age(timezone.now() - obj.created_at)
        if getattr(obj, "waiting_too_long", False):
            return format_html(
                '<span class="crm-late">{}<span class="crm-visually-hidden">'
                ", waiting more than one business day</span></span>",
                waited,
            )
        return waited

    @admin.display(description="Next follow-up", ordering="follow_up_on")
    def follow_up(self, obj):
        on = obj.follow_up_on
        if on is None:
            return "—"
        text = f"{on:%b} {on.day}" if on.year == timezone.localdate().year else f"{on:%b %d, %Y}"
        if obj.is_open and on < timezone.localdate():
            return format_html('<span class="crm-late">{} (missed)</span>', text)
        return text

    @admin.display(description="Status", ordering="status")
    def status_badge(self, obj):
        return format_html(
            '<span class="crm-badge crm-status-{}">{}</span>', obj.status, obj.get_status_display()
        )

    @admin.display(description="Priority", ordering="priority")
    def priority_badge(self, obj):
        return format_html(
            '<span class="crm-badge crm-priority-{}">{}</span>',
            obj.priority,
            obj.get_priority_display(),
        )

    def action_checkbox(self, obj):
        # The markup of ModelAdmin.action_checkbox, written directly: rendering a
        # checkbox widget template for each of the 25 rows was an eighth of the queue's
        # time.
        label = format_html(gettext("Select this object for an action - {}"), str(obj))
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            ACTION_CHECKBOX_NAME,
            str(obj.pk),
            label,
        )

    @admin.display(description="Message")
    def message_preview(self, obj):
        # Plain text: the admin escapes it, so markup in a message is shown, never run.
        return Truncator(obj.message).chars(40)

    # Detail fields ---------------------------------------------------------------------

    @admin.display(description="Message")
    def message_text(self, obj):
        return linebreaksbr(obj.message, autoescape=True) if obj.message else "—"

    @admin.display(description="Source page")
    def source_page_link(self, obj):
        page = obj.source_page
        if page is None:
            return "—"
        return format_html('<a href="{}">{}</a>', page.path, page.title)

    @admin.display(description="Campaign")
    def campaign(self, obj):
        parts = [
            f"{label}: {value}"
            for label, value in [
                ("source", obj.utm_source),
                ("medium", obj.utm_medium),
                ("campaign", obj.utm_campaign),
                ("term", obj.utm_term),
                ("content", obj.utm_content),
            ]
            if value
        ]
        return " · ".join(parts) or "—"

    # Queries ---------------------------------------------------------------------------

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("topic", "assignee", "source_page")
        # Worked out in the page's one query rather than row by row in Python.
        late = Q(status__in=Inquiry.OPEN_STATUSES) & waiting_too_long_q(timezone.now())
        return queryset.annotate(
            waiting_too_long=ExpressionWrapper(late, output_field=BooleanField())
        )

    def get_search_results(self, request, queryset, search_term):
        return search_inquiries(queryset, search_term), False

    # Saving: contact details only, through the model's verb method --------------------

    def save_model(self, request, obj, form, change):
        if not change:
            raise PermissionDenied
        if obj.update_details(form.changed_data, actor=request.user):
            # changeform_view runs in a transaction: the audit entry commits with the change.
            _audit_change(request, obj, "Details form: changed " + ", ".join(form.changed_data))

    # Bulk actions ----------------------------------------------------------------------

    @admin.action(description="Assign to me", permissions=["change"])
    def assign_to_me(self, request, queryset):
        changed = 0
        for inquiry in queryset.order_by("pk"):
            with transaction.atomic():
                if inquiry.assign(request.user, actor=request.user):
                    _audit_change(request, inquiry, "Bulk action: assigned to me")
                    changed += 1
        self.message_user(request, _counted(changed, "assigned to you"), messages.SUCCESS)

    @admin.action(description="Mark contacted", permissions=["change"])
    def mark_contacted(self, request, queryset):
        self._transition(request, queryset, Status.CONTACTED, "marked contacted")

    @admin.action(description="Mark as spam", permissions=["change"])
    def mark_spam(self, request, queryset):
        self._transition(request, queryset, Status.SPAM, "marked as spam")

    @admin.action(description="Not spam (back to New)", permissions=["change"])
    def mark_not_spam(self, request, queryset):
        self._transition(request, queryset, Status.NEW, "moved back to New")

    @admin.action(description="Export selected as CSV", permissions=["export"])
    def export_selected(self, request, queryset):
        if request.POST.get("select_across") == "1":
            scope = "all matching " + (request.META.get("QUERY_STRING") or "the open queue")
        else:
            scope = "selected ids " + _id_list(queryset)
        return export_response(queryset, request=request, scope=scope)

    def _transition(self, request, queryset, status, done_text):
        done, refused = 0, []
        for inquiry in queryset.select_related(None).order_by("pk"):
            old = inquiry.get_status_display()
            try:
                with transaction.atomic():
                    inquiry.transition_to(status, actor=request.user)
                    _audit_change(request, inquiry, f"Bulk action: status {old} → {status.label}")
            except ValidationError as error:
                refused.append(" ".join(error.messages).rstrip("."))
            else:
                done += 1
        message = _counted(done, done_text)
        if refused:
            message += f"; {len(refused)} skipped: " + "; ".join(refused)
        level = messages.WARNING if refused else messages.SUCCESS
        self.message_user(request, message, level)

    # Detail page -----------------------------------------------------------------------

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            if request.method == "GET":
                obj.record_event(InquiryEvent.Kind.VIEWED, actor=request.user)
                record_access(request, Audit.VIEW, object_type="inquiry", object_id=obj.pk)
            context.update(self._detail_context(request, obj))
            context["title"] = obj.reference
            context["subtitle"] = obj.full_name
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _detail_context(self, request, inquiry):
        same_person = Q(email_lower=inquiry.email.lower())
        if inquiry.phone:
            same_person |= Q(phone=inquiry.phone)
        related = (
            Inquiry.objects.alias(email_lower=Lower("email"))
            .filter(same_person)
            .exclude(pk=inquiry.pk)
            .select_related("topic")
            .order_by("-created_at")[:RELATED_LIMIT]
        )
        events = inquiry.events.select_related("actor").order_by("-created_at", "-pk")
        can_change = self.has_change_permission(request, inquiry)
        can_note = request.user.has_perm("inquiries.add_inquiryevent")
        action_forms = {}
        for name, (form_class, prefix, permission) in DETAIL_ACTIONS.items():
            if (permission == "change" and can_change) or (permission != "change" and can_note):
                action_forms[name.replace("-", "_")] = {
                    "form": form_class(inquiry=inquiry, prefix=prefix),
                    "url": reverse(
                        f"{self.admin_site.name}:inquiries_inquiry_{name.replace('-', '_')}",
                        args=[inquiry.pk],
                    ),
                }
        return {
            "inquiry": inquiry,
            "related_inquiries": related,
            "timeline": events[:TIMELINE_LIMIT],
            "timeline_truncated": TIMELINE_LIMIT,
            "action_forms": action_forms,
            "is_final": not Inquiry.ALLOWED_TRANSITIONS[Status(inquiry.status)],
            "waiting_too_long": inquiry.is_open
            and inquiry.first_contacted_at is None
            and is_past_business_days(inquiry.created_at),
        }

    def detail_action_view(self, request, object_id, action):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        form_class, prefix, permission = DETAIL_ACTIONS[action]
        inquiry = self.get_object(request, unquote(object_id))
        if inquiry is None:
            raise Http404("No such inquiry.")
        if not self._may(request, inquiry, permission):
            raise PermissionDenied
        form = form_class(request.POST, inquiry=inquiry, prefix=prefix)
        if form.is_valid():
            try:
                with transaction.atomic():
                    done = form.apply(request.user)
                    _audit_change(request, inquiry, f"{action.capitalize()} form: {done}")
                self.message_user(request, done, messages.SUCCESS)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
        else:
            problems = [f"{form.fields[f].label}: {' '.join(e)}" for f, e in form.errors.items()]
            self.message_user(request, "Nothing changed. " + " ".join(problems), messages.ERROR)
        change_url = reverse(f"{self.admin_site.name}:inquiries_inquiry_change", args=[inquiry.pk])
        return HttpResponseRedirect(change_url)

    # Queue-wide views: export of the filtered list, and the dashboard ------------------

    def get_urls(self):
        wrap = self.admin_site.admin_view
        urls = [
            path("dashboard/", wrap(self.dashboard_view), name="inquiries_inquiry_dashboard"),
            path("export/", wrap(self.export_view), name="inquiries_inquiry_export"),
        ]
        for action in DETAIL_ACTIONS:
            urls.append(
                path(
                    f"<path:object_id>/{action}/",
                    wrap(self.detail_action_view),
                    {"action": action},
                    name=f"inquiries_inquiry_{action.replace('-', '_')}",
                )
            )
        return urls + super().get_urls()

    def export_view(self, request):
        """The changelist as it is filtered and searched, as CSV (all pages)."""
        if not (self.has_view_permission(request) and self.has_export_permission(request)):
            raise PermissionDenied
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters as error:
            raise Http404("Those filters don't apply to inquiries.") from error
        scope = "filter " + (request.META.get("QUERY_STRING") or "none (the open queue)")
        return export_response(changelist.get_queryset(request), request=request, scope=scope)

    def dashboard_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": "Inquiry dashboard",
            "opts": self.opts,
            "figures": dashboard.figures(
                changelist_url=reverse(f"{self.admin_site.name}:inquiries_inquiry_changelist")
            ),
            "now": timezone.localtime(),
        }
        request.current_app = self.admin_site.name
        record_access(request, Audit.VIEW, object_type="inquiry dashboard")
        return TemplateResponse(request, "admin/inquiries/inquiry/dashboard.html", context)

    def changelist_view(self, request, extra_context=None):
        extra_context = extra_context or {}
        extra_context["can_export"] = self.has_export_permission(request)
        response = super().changelist_view(request, extra_context)
        if request.method == "GET" and response.status_code == 200:
            # The queue shows names and messages: record which slice of it was looked at.
            record_access(
                request,
                Audit.VIEW,
                object_type="inquiry list",
                detail=request.META.get("QUERY_STRING") or "(the open queue)",
            )
        return response

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        if response.status_code == 200:
            record_access(
                request, Audit.VIEW, object_type="inquiry", object_id=object_id, detail="history"
            )
        return response


def _audit_change(request, inquiry, detail):
    record_access(request, Audit.CHANGE, object_type="inquiry", object_id=inquiry.pk, detail=detail)


def _id_list(queryset, limit=40):
    """The exported ids for the audit entry, cut to fit: "1, 2, 3" or "1, 2, … (120 in all)"."""
    pks = list(queryset.order_by("pk").values_list("pk", flat=True)[: limit + 1])
    if len(pks) <= limit:
        return ", ".join(map(str, pks))
    return ", ".join(map(str, pks[:limit])) + f", … ({queryset.count()} in all)"


def _short_age(delta):
    minutes = int(delta.total_seconds() // 60)
    if minutes < 60:
        return f"{max(minutes, 0)} min"
    if minutes < 48 * 60:
        return f"{minutes // 60} h"
    return f"{minutes // 1440} days"


def _counted(count, text):
    return f"{count} {'inquiry' if count == 1 else 'inquiries'} {text}"
