"""The inquiry lists, the queue ("Inquiries") and My work: their configuration and
columns. The CRM's other screens are plain views routed in urls.py; bulk actions are in
bulk.py. Each list view is in the staff audit trail, as every view of inquiry data is."""

from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext

from inquiries.admin import bulk
from inquiries.admin.filters import (
    AssigneeFilter,
    ConsultationFilter,
    ContactFilter,
    FirstContactFilter,
    MyWorkFilter,
    OverdueFilter,
    SourcePageFilter,
    StatusFilter,
)
from inquiries.admin.next_action import next_action_for
from inquiries.admin.pagination import CappedCountPaginator
from inquiries.dates import day_html, moment_html, waited_text
from inquiries.models import Inquiry, Notification, waiting_too_long_q
from inquiries.models.inquiry import staff_name
from inquiries.roles import EXPORT_PERMISSION
from inquiries.search import search_inquiries
from staff.audit import record_access
from staff.models import AuditEntry

Status = Inquiry.Status
# Long enough for two lines of the preview column; CSS clamps it to two lines.
PREVIEW_CHARACTERS = 120


def work_url(inquiry):
    return reverse("admin:inquiries_inquiry_work", args=[inquiry.pk])


class InquiryAdmin(admin.ModelAdmin):
    # At 1280 px every column fits beside the filters: the topic carries the source page
    # beneath it, and only names, references and badges refuse to wrap (see crm.css).
    list_display = [
        "reference",
        "name",
        "topic_and_source",
        "age",
        "status_and_priority",
        "assignee_or_claim",
        "follow_up",
        "attempts",
        "message_preview",
    ]
    # My work: the next action in place of the message.
    my_work_list_display = [*list_display[:-1], "next_action"]
    # The reference and name link to the work screen themselves (not the change form).
    list_display_links = None
    list_filter = [
        MyWorkFilter,
        StatusFilter,
        AssigneeFilter,
        "priority",
        "topic",
        ("source_page", SourcePageFilter),
        OverdueFilter,
        ContactFilter,
        FirstContactFilter,
        ConsultationFilter,
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
    actions = [
        bulk.claim_selected,
        bulk.mark_contacted,
        bulk.mark_spam,
        bulk.mark_not_spam,
        bulk.export_selected,
    ]

    class Media:
        css = {"all": ["admin_crm/crm.css"]}

    def has_add_permission(self, request):
        # Inquiries come from the public form; staff never invent one.
        return False

    def has_export_permission(self, request):
        return request.user.has_perm(EXPORT_PERMISSION)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # retention is purge_inquiries' job
        return actions

    @admin.display(description="Reference", ordering="pk")
    def reference(self, obj):
        return format_html('<a href="{}">{}</a>', work_url(obj), obj.reference)

    @admin.display(description="Name", ordering="last_name")
    def name(self, obj):
        flag = (
            format_html(' <span class="crm-flag crm-flag--dnc">{}</span>', "⊘ Do not contact")
            if obj.do_not_contact
            else ""
        )
        return format_html(
            '<a class="crm-name" href="{}">{}</a>{}', work_url(obj), obj.full_name, flag
        )

    @admin.display(description="Topic / source", ordering="topic__name")
    def topic_and_source(self, obj):
        if obj.source_page_id:
            source = obj.source_page.title
        else:
            source = obj.source_path or "no source page"
        return format_html('{}<span class="crm-source">{}</span>', obj.topic, source)

    @admin.display(description="Age", ordering="created_at")
    def age(self, obj):
        waited = waited_text(timezone.now() - obj.created_at)
        if getattr(obj, "waiting_too_long", False):
            # An icon and a word as well as the colour, for colour-blind readers.
            return format_html(
                '<span class="crm-late"><span aria-hidden="true">⚠ </span>{} late'
                '<span class="crm-visually-hidden">: waiting more than one business day'
                "</span></span>",
                waited,
            )
        return waited

    @admin.display(description="Follow-up", ordering="follow_up_on")
    def follow_up(self, obj):
        on = obj.follow_up_on
        if on is None:
            return "—"
        if obj.is_open and on < timezone.localdate():
            return format_html(
                '<span class="crm-late"><span aria-hidden="true">⚠ </span>{} missed</span>',
                day_html(on),
            )
        return day_html(on)

    @admin.display(description="Status / priority", ordering="priority")
    def status_and_priority(self, obj):
        # One column for both, so the queue fits 1280 px; Normal priority goes unsaid.
        status = format_html(
            '<span class="crm-badge crm-status-{}">{}</span>', obj.status, obj.get_status_display()
        )
        if obj.priority == Inquiry.Priority.NORMAL:
            return status
        # Urgent carries an icon as well as its colour, for colour-blind readers.
        icon = format_html('<span aria-hidden="true">{}</span>', "⚠ ") if obj.is_urgent else ""
        return format_html(
            '{} <span class="crm-badge crm-priority-{}">{}{}</span>',
            status,
            obj.priority,
            icon,
            obj.get_priority_display(),
        )

    @admin.display(description="Attempts", ordering="last_attempt_at")
    def attempts(self, obj):
        failed = (
            format_html('<span class="crm-flag crm-flag--failed">{}</span>', "✉ Reply failed")
            if getattr(obj, "reply_failing", False)
            else ""
        )
        if not obj.contact_attempts:
            return format_html("—{}", failed)
        return format_html(
            '{} <span class="crm-quiet">· {}</span>{}',
            obj.contact_attempts,
            moment_html(obj.last_attempt_at),
            failed,
        )

    @admin.display(description="Next action")
    def next_action(self, obj):
        return next_action_for(obj, today=timezone.localdate())

    @admin.display(description="Message")
    def message_preview(self, obj):
        # Escaped by format_html, so markup in a message is shown, never run.
        text = Truncator(" ".join(obj.message.split())).chars(PREVIEW_CHARACTERS)
        return format_html('<span class="crm-preview-2">{}</span>', text or "—")

    @admin.display(description="Assigned to", ordering="assignee__username")
    def assignee_or_claim(self, obj):
        # Replaced per request by assignee_column, which can offer a Claim button.
        return staff_name(obj.assignee) if obj.assignee_id else "—"

    def assignee_column(self, request):
        """Who has it, or a Claim button that comes back to this very list."""
        can_claim = self.has_change_permission(request)
        back = request.get_full_path()

        @admin.display(description="Assigned to", ordering="assignee__username")
        def assignee_or_claim(obj):
            if obj.assignee_id:
                return staff_name(obj.assignee)
            if not can_claim or not obj.is_open:
                return "—"
            # A submit button of the list's own form (which carries the CSRF token),
            # sent to the claim view instead: no form inside a form, no JavaScript.
            return format_html(
                '<button type="submit" class="crm-button crm-claim" formaction="{}" '
                'name="next" value="{}" aria-label="Claim {}">Claim</button>',
                reverse("admin:inquiries_inquiry_claim", args=[obj.pk]),
                back,
                obj.reference,
            )

        return assignee_or_claim

    def action_checkbox(self, obj):
        # ModelAdmin.action_checkbox's markup, written directly: rendering a widget
        # template for each of the 25 rows was an eighth of the queue's time.
        label = format_html(gettext("Select this object for an action - {}"), str(obj))
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            ACTION_CHECKBOX_NAME,
            str(obj.pk),
            label,
        )

    # Queries ---------------------------------------------------------------------------

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("topic", "assignee", "source_page")
        # Worked out in the page's one query rather than row by row in Python.
        late = Q(status__in=Inquiry.OPEN_STATUSES) & waiting_too_long_q(timezone.now())
        failing = Notification.objects.failing_replies().filter(inquiry=OuterRef("pk"))
        return queryset.annotate(
            waiting_too_long=ExpressionWrapper(late, output_field=BooleanField()),
            reply_failing=Exists(failing),
        )

    def get_list_display(self, request):
        columns = self.my_work_list_display if _is_my_work(request) else self.list_display
        claim_column = self.assignee_column(request)
        return [claim_column if c == "assignee_or_claim" else c for c in columns]

    def get_search_results(self, request, queryset, search_term):
        return search_inquiries(queryset, search_term), False

    # Views -----------------------------------------------------------------------------

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_export": self.has_export_permission(request),
            "title": "My work" if _is_my_work(request) else "Inquiries",
        }
        response = super().changelist_view(request, extra_context)
        if request.method == "GET" and response.status_code == 200:
            # The queue shows names and messages: record which slice of it was looked at.
            record_access(
                request,
                AuditEntry.Action.VIEW,
                object_type="inquiry list",
                detail=request.META.get("QUERY_STRING") or "(the open queue)",
            )
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # No change form: old links (the intake email's) open the work screen instead.
        if not object_id.isdigit():
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        return HttpResponseRedirect(work_url(Inquiry(pk=int(object_id))))

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        if response.status_code == 200:
            record_access(
                request,
                AuditEntry.Action.VIEW,
                object_type="inquiry",
                object_id=object_id,
                detail="history",
            )
        return response


def _is_my_work(request):
    return request.GET.get(MyWorkFilter.parameter_name) == MyWorkFilter.MINE
