"""The intake CRM: the inquiry queue, its detail page and their small action views.

Every view, change and export of inquiry data here is also written to the append-only
staff audit trail (`staff.audit.record_access`), beside the inquiry's own timeline.
"""

from datetime import timedelta

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q
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
    ContactFilter,
    FirstContactFilter,
    MyWorkFilter,
    OverdueFilter,
    SourcePageFilter,
    StatusFilter,
)
from inquiries.admin.pagination import CappedCountPaginator
from inquiries.business_days import is_past_business_days
from inquiries.export import export_response
from inquiries.models import (
    Inquiry,
    InquiryEvent,
    Notification,
    ReplyTemplate,
    waiting_too_long_q,
)
from inquiries.replies import ReplyRefused, fill_template, queue_reply, reply_token
from inquiries.roles import EXPORT_PERMISSION
from inquiries.search import search_inquiries
from staff.audit import record_access
from staff.models import AuditEntry

Status = Inquiry.Status
Audit = AuditEntry.Action

# name -> (form class, form prefix, permission the staff member needs)
DETAIL_ACTIONS = {
    "status": (crm_forms.StatusForm, "crm-status", "change"),
    "reopen": (crm_forms.ReopenForm, "crm-reopen", "change"),
    "assign": (crm_forms.AssignForm, "crm-assign", "change"),
    "priority": (crm_forms.PriorityForm, "crm-priority", "change"),
    "follow-up": (crm_forms.FollowUpForm, "crm-follow-up", "change"),
    "note": (crm_forms.NoteForm, "crm-note", "add_event"),
    "attempt": (crm_forms.ContactAttemptForm, "crm-attempt", "change"),
}
RELATED_LIMIT = 20
TIMELINE_LIMIT = 200
ATTEMPTS_SHOWN = 10
# Someone who opened the inquiry this recently is taken to be looking at it still.
LOOKING_WINDOW = timedelta(minutes=5)
NO_RESPONSE_TEMPLATE = "Could not reach you"


class InquiryAdmin(admin.ModelAdmin):
    # At 1280 px every column fits beside the filters: the topic carries the source page
    # beneath it, and only names, references and badges refuse to wrap (see crm.css).
    list_display = [
        "reference",
        "name",
        "topic_and_source",
        "age",
        "status_and_priority",
        "assignee",
        "follow_up",
        "attempts",
        "message_preview",
    ]
    # My work: the next action in place of the message.
    my_work_list_display = [*list_display[:-1], "next_action"]
    list_display_links = ["reference", "name"]
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
                    ("contact_attempts", "last_attempt_at", "do_not_contact"),
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
        "contact_attempts",
        "last_attempt_at",
        "do_not_contact",
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
        flag = (
            format_html(' <span class="crm-flag crm-flag--dnc">{}</span>', "⊘ Do not contact")
            if obj.do_not_contact
            else ""
        )
        return format_html('<span class="crm-name">{}</span>{}', obj.full_name, flag)

    @admin.display(description="Topic / source", ordering="topic__name")
    def topic_and_source(self, obj):
        if obj.source_page_id:
            source = obj.source_page.title
        else:
            source = obj.source_path or "no source page"
        return format_html('{}<span class="crm-source">{}</span>', obj.topic, source)

    @admin.display(description="Age", ordering="created_at")
    def age(self, obj):
        waited = _short_age(timezone.now() - obj.created_at)
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
        text = f"{on:%b} {on.day}" if on.year == timezone.localdate().year else f"{on:%b %d, %Y}"
        if obj.is_open and on < timezone.localdate():
            return format_html(
                '<span class="crm-late"><span aria-hidden="true">⚠ </span>{} missed</span>', text
            )
        return text

    @admin.display(description="Status", ordering="status")
    def status_badge(self, obj):
        return format_html(
            '<span class="crm-badge crm-status-{}">{}</span>', obj.status, obj.get_status_display()
        )

    @admin.display(description="Priority", ordering="priority")
    def priority_badge(self, obj):
        # Urgent carries an icon as well as its colour, for colour-blind readers.
        icon = format_html('<span aria-hidden="true">{}</span>', "⚠ ") if obj.is_urgent else ""
        return format_html(
            '<span class="crm-badge crm-priority-{}">{}{}</span>',
            obj.priority,
            icon,
            obj.get_priority_display(),
        )

    @admin.display(description="Status / priority", ordering="priority")
    def status_and_priority(self, obj):
        # One column for both, so the queue fits 1280 px; Normal priority goes unsaid.
        if obj.priority == Inquiry.Priority.NORMAL:
            return self.status_badge(obj)
        return format_html("{} {}", self.status_badge(obj), self.priority_badge(obj))

    @admin.display(description="Attempts", ordering="last_attempt_at")
    def attempts(self, obj):
        failed = (
            format_html('<span class="crm-flag crm-flag--failed">{}</span>', "✉ Reply failed")
            if getattr(obj, "reply_failing", False)
            else ""
        )
        if not obj.contact_attempts:
            return format_html("—{}", failed)
        last = timezone.localtime(obj.last_attempt_at)
        return format_html(
            '{} <span class="crm-quiet">· <time datetime="{}">{}</time></span>{}',
            obj.contact_attempts,
            last.isoformat(),
            _short_moment(last),
            failed,
        )

    @admin.display(description="Next action")
    def next_action(self, obj):
        return next_action_for(obj, today=timezone.localdate())

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
        failing = Notification.objects.failing_replies().filter(inquiry=OuterRef("pk"))
        return queryset.annotate(
            waiting_too_long=ExpressionWrapper(late, output_field=BooleanField()),
            reply_failing=Exists(failing),
        )

    def get_list_display(self, request):
        if request.GET.get(MyWorkFilter.parameter_name) == MyWorkFilter.MINE:
            return self.my_work_list_display
        return self.list_display

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
            **self._contact_context(request, inquiry, can_change),
            "related_inquiries": related,
            "timeline": events[:TIMELINE_LIMIT],
            "timeline_truncated": TIMELINE_LIMIT,
            "action_forms": action_forms,
            "is_final": not Inquiry.ALLOWED_TRANSITIONS[Status(inquiry.status)],
            "waiting_too_long": inquiry.is_open
            and inquiry.first_contacted_at is None
            and is_past_business_days(inquiry.created_at),
        }

    def _contact_context(self, request, inquiry, can_change):
        """Attempts, replies, the reply and close offers, and who else is looking."""
        context = {
            "attempts": inquiry.attempts.select_related("actor")[:ATTEMPTS_SHOWN],
            "replies": inquiry.notifications.filter(kind=Notification.Kind.REPLY)
            .select_related("template", "sent_by")
            .order_by("-created_at"),
            "looking": _others_looking(inquiry, request.user),
            "reply_refusal": inquiry.reply_refusal,
        }
        if can_change and not inquiry.reply_refusal:
            context["reply_choice"] = {
                "form": crm_forms.ReplyTemplateChoiceForm(auto_id="crm-reply-%s"),
                "url": self._url("reply", inquiry),
            }
        if can_change and inquiry.may_close_as_no_response:
            template = ReplyTemplate.objects.filter(name=NO_RESPONSE_TEMPLATE).first()
            offer = {"url": self._url("close_no_response", inquiry), "template": template}
            if template is not None and not inquiry.reply_refusal:
                offer["subject"], offer["body"] = fill_template(template, inquiry, request.user)
                offer["token"] = reply_token(inquiry, template)
            context["close_offer"] = offer
        return context

    def _url(self, name, inquiry):
        return reverse(f"{self.admin_site.name}:inquiries_inquiry_{name}", args=[inquiry.pk])

    def _inquiry_for_change(self, request, object_id):
        inquiry = self.get_object(request, unquote(object_id))
        if inquiry is None:
            raise Http404("No such inquiry.")
        if not self.has_change_permission(request, inquiry):
            raise PermissionDenied
        return inquiry

    def reply_view(self, request, object_id):
        """Email the patient: the chosen template filled in, to edit and send."""
        inquiry = self._inquiry_for_change(request, object_id)
        change_url = self._url("change", inquiry)
        if inquiry.reply_refusal:
            self.message_user(request, "Nothing sent. " + inquiry.reply_refusal, messages.ERROR)
            return HttpResponseRedirect(change_url)
        if request.method == "POST":
            form = crm_forms.ReplyForm(request.POST)
            if form.is_valid():
                return self._send_reply(request, inquiry, form, change_url)
        else:
            choice = crm_forms.ReplyTemplateChoiceForm(request.GET)
            if not choice.is_valid():
                self.message_user(request, "Choose a reply template first.", messages.ERROR)
                return HttpResponseRedirect(change_url)
            template = choice.cleaned_data["template"]
            subject, body = fill_template(template, inquiry, request.user)
            form = crm_forms.ReplyForm(
                initial={
                    "template": template.pk,
                    "form_token": reply_token(inquiry, template),
                    "subject": subject,
                    "body": body,
                }
            )
        return self._reply_page(request, inquiry, form, change_url)

    def _reply_page(self, request, inquiry, form, change_url):
        # The page shows the patient's name and address: an access like any other.
        record_access(
            request, Audit.VIEW, object_type="inquiry", object_id=inquiry.pk, detail="reply form"
        )
        context = {
            **self.admin_site.each_context(request),
            "title": f"Email {inquiry.first_name} ({inquiry.reference})",
            "opts": self.opts,
            "inquiry": inquiry,
            "form": form,
            "change_url": change_url,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/inquiries/inquiry/reply.html", context)

    def _send_reply(self, request, inquiry, form, change_url):
        data = form.cleaned_data
        try:
            notification, created = _queue_form_reply(inquiry, data, request.user)
        except ReplyRefused as refusal:
            # Back to the form with the text kept, and the reasons.
            form.add_error(None, refusal.problems)
            return self._reply_page(request, inquiry, form, change_url)
        if not created:
            who = notification.sent_by.get_username() if notification.sent_by else "someone"
            self.message_user(
                request,
                f"That reply was already sent by {who}: it goes to the patient once.",
                messages.WARNING,
            )
            return HttpResponseRedirect(change_url)
        _audit_change(request, inquiry, f"Reply queued: {data['template']}")
        self.message_user(
            request, f"Reply to {inquiry.first_name} queued to send.", messages.SUCCESS
        )
        return HttpResponseRedirect(change_url)

    def close_no_response_view(self, request, object_id):
        """Close after three unanswered attempts, with the could-not-reach-you reply."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        inquiry = self._inquiry_for_change(request, object_id)
        change_url = self._url("change", inquiry)
        if not inquiry.may_close_as_no_response:
            self.message_user(
                request,
                f"Nothing changed: {inquiry.reference} has not had three unanswered attempts "
                "in a row, or can't be closed as no response.",
                messages.ERROR,
            )
            return HttpResponseRedirect(change_url)
        form = crm_forms.ReplyForm(request.POST)
        send = request.POST.get("send_reply") == "1" and not inquiry.reply_refusal
        try:
            with transaction.atomic():
                inquiry.transition_to(Status.NO_RESPONSE, actor=request.user)
                _audit_change(request, inquiry, "Closed as no response")
                if send:
                    if not form.is_valid():
                        raise ReplyRefused(["The reply was incomplete; reload the page."])
                    _queue_form_reply(inquiry, form.cleaned_data, request.user)
        except (ReplyRefused, ValidationError) as error:
            problems = getattr(error, "problems", None) or error.messages
            self.message_user(request, "Nothing changed. " + " ".join(problems), messages.ERROR)
            return HttpResponseRedirect(change_url)
        done = f"{inquiry.reference} closed as no response"
        done += ", and the could-not-reach-you reply queued." if send else "."
        self.message_user(request, done, messages.SUCCESS)
        return HttpResponseRedirect(change_url)

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
            path(
                "<path:object_id>/reply/",
                wrap(self.reply_view),
                name="inquiries_inquiry_reply",
            ),
            path(
                "<path:object_id>/close-no-response/",
                wrap(self.close_no_response_view),
                name="inquiries_inquiry_close_no_response",
            ),
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
            "figures": dashboard.cached_figures(
                changelist_url=reverse(f"{self.admin_site.name}:inquiries_inquiry_changelist")
            ),
            "cache_seconds": dashboard.CACHE_SECONDS,
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


def _others_looking(inquiry, user):
    """First names of other staff who opened this inquiry in the last few minutes."""
    since = timezone.now() - LOOKING_WINDOW
    views = (
        inquiry.events.filter(kind=InquiryEvent.Kind.VIEWED, created_at__gte=since)
        .exclude(actor=None)
        .exclude(actor=user)
        .select_related("actor")
        .order_by("-created_at")
    )
    names = []
    for event in views[:20]:
        name = event.actor.first_name or event.actor.get_username()
        if name not in names:
            names.append(name)
    return names


def _queue_form_reply(inquiry, data, sender):
    """queue_reply with a ReplyForm's cleaned data; (notification, created)."""
    return queue_reply(
        inquiry=inquiry,
        subject=data["subject"],
        body=data["body"],
        template=data["template"],
        sender=sender,
        form_token=data["form_token"],
    )


def _audit_change(request, inquiry, detail):
    record_access(request, Audit.CHANGE, object_type="inquiry", object_id=inquiry.pk, detail=detail)


def _id_list(queryset, limit=40):
    """The exported ids for the audit entry, cut to fit: "1, 2, 3" or "1, 2, … (120 in all)"."""
    pks = list(queryset.order_by("pk").values_list("pk", flat=True)[: limit + 1])
    if len(pks) <= limit:
        return ", ".join(map(str, pks))
    return ", ".join(map(str, pks[:limit])) + f", … ({queryset.count()} in all)"


def _short_moment(moment):
    """ "14:05" today, "Dec 3" this year, "Dec 3, 2025" before."""
    today = timezone.localdate()
    if moment.date() == today:
        return f"{moment:%H:%M}"
    if moment.year == today.year:
        return f"{moment:%b} {moment.day}"
    return f"{moment:%b} {moment.day}, {moment.year}"


def next_action_for(inquiry, *, today):
    """What the person working this inquiry should do next, in a few words."""
    if getattr(inquiry, "reply_failing", False):
        return "Check the failed reply"
    if inquiry.do_not_contact:
        return "Do not contact: close it"
    if inquiry.may_close_as_no_response:
        return "Close as no response"
    if inquiry.follow_up_on and inquiry.follow_up_on < today:
        return "Follow up (missed)"
    if inquiry.follow_up_on == today:
        return "Follow up today"
    if inquiry.status == Status.NEW:
        if inquiry.assignee_id is None:
            return "Claim it and make first contact"
        if inquiry.contact_attempts:
            return "Try again to reach them"
        return "Make first contact"
    if inquiry.status == Status.CONTACTED:
        return "Book a consultation"
    if inquiry.status == Status.CONSULTATION_SCHEDULED:
        return "Confirm the consultation"
    return "Nothing: closed"


def _short_age(delta):
    minutes = int(delta.total_seconds() // 60)
    if minutes < 60:
        return f"{max(minutes, 0)} min"
    if minutes < 48 * 60:
        return f"{minutes // 60} h"
    return f"{minutes // 1440} days"


def _counted(count, text):
    return f"{count} {'inquiry' if count == 1 else 'inquiries'} {text}"
