"""The queue's list filters. "Open" is the default view, as in djangoproject's members admin."""

from django.contrib import admin
from django.contrib.admin.views.main import SEARCH_VAR

from inquiries.models import Inquiry


class StatusFilter(admin.SimpleListFilter):
    """Open inquiries unless asked otherwise; a search looks through all of them, because a
    patient calling back may have been closed as "No response"."""

    title = "status"
    parameter_name = "status"
    OPEN = "open"
    REAL = "real"  # every status but spam: what the dashboard's figures count
    ALL = "all"

    def __init__(self, request, params, model, model_admin):
        self.searching = bool(request.GET.get(SEARCH_VAR, "").strip())
        super().__init__(request, params, model, model_admin)

    def lookups(self, request, model_admin):
        return [
            (self.OPEN, "Open"),
            *Inquiry.Status.choices,
            (self.REAL, "All but spam"),
            (self.ALL, "All"),
        ]

    @property
    def effective_value(self):
        value = self.value()
        if value is None:
            return self.ALL if self.searching else self.OPEN
        return value

    def queryset(self, request, queryset):
        value = self.effective_value
        if value == self.OPEN:
            return queryset.open()
        if value == self.REAL:
            return queryset.real()
        if value in Inquiry.Status.values:
            return queryset.filter(status=value)
        return queryset

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.effective_value == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }


class AssigneeFilter(admin.SimpleListFilter):
    title = "assigned to"
    parameter_name = "assigned"

    def lookups(self, request, model_admin):
        return [("me", "Me"), ("none", "Nobody (unassigned)")]

    def queryset(self, request, queryset):
        if self.value() == "me":
            return queryset.filter(assignee=request.user)
        if self.value() == "none":
            return queryset.filter(assignee__isnull=True)
        return queryset


class OverdueFilter(admin.SimpleListFilter):
    title = "overdue"
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", "Overdue (follow-up missed or waiting > 1 business day)")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.overdue()
        return queryset


class SourcePageFilter(admin.RelatedFieldListFilter):
    """Every page (a short list), not RelatedOnly: that would scan all inquiries for it."""

    @property
    def include_empty_choice(self):
        return True

    def field_choices(self, field, request, model_admin):
        # Titles only: a page's stored HTML is no use to a filter.
        pages = field.remote_field.model.objects.order_by("title")
        return list(pages.values_list("pk", "title"))


class MyWorkFilter(admin.SimpleListFilter):
    """The "My work" preset: what is mine and due (see InquiryQuerySet.my_work)."""

    title = "my work"
    parameter_name = "work"
    MINE = "mine"

    def lookups(self, request, model_admin):
        return [(self.MINE, "Mine and due, new unassigned")]

    def queryset(self, request, queryset):
        if self.value() == self.MINE:
            return queryset.my_work(request.user)
        return queryset


class ContactFilter(admin.SimpleListFilter):
    """Contact attempts and the do-not-contact flag, for the dashboard's links."""

    title = "contact"
    parameter_name = "contact"

    def lookups(self, request, model_admin):
        return [
            ("reached", "Reached by a logged attempt"),
            ("none", "No attempt yet"),
            ("unanswered", "3 or more unanswered in a row"),
            ("do_not_contact", "Do not contact"),
            ("reply_failed", "Reply failed"),
        ]

    def queryset(self, request, queryset):
        from inquiries.models import NO_RESPONSE_AFTER, Notification

        value = self.value()
        if value == "reached":
            return queryset.filter(reached_at__isnull=False)
        if value == "none":
            return queryset.filter(contact_attempts=0)
        if value == "unanswered":
            return queryset.filter(unanswered_attempts__gte=NO_RESPONSE_AFTER)
        if value == "do_not_contact":
            return queryset.filter(do_not_contact=True)
        if value == "reply_failed":
            return queryset.filter(
                pk__in=Notification.objects.failing_replies().values("inquiry_id")
            )
        return queryset


class FirstContactFilter(admin.SimpleListFilter):
    """First contact against the one-business-day promise, for the dashboard's links."""

    title = "first contact"
    parameter_name = "first_contact"

    def lookups(self, request, model_admin):
        return [
            ("on_time", "Within one business day"),
            ("late", "Later than one business day"),
        ]

    def queryset(self, request, queryset):
        from inquiries.models import promise_kept_q

        if self.value() == "on_time":
            return queryset.filter(promise_kept_q())
        if self.value() == "late":
            return queryset.filter(first_contacted_at__isnull=False).exclude(promise_kept_q())
        return queryset


class ConsultationFilter(admin.SimpleListFilter):
    """Inquiries by how far they got with a consultation, for the dashboard's funnel."""

    title = "consultation"
    parameter_name = "consultation"

    def lookups(self, request, model_admin):
        return [("booked", "Booked (any time)"), ("attended", "Attended")]

    def queryset(self, request, queryset):
        from consultations.funnel import attended_q, booked_q  # builds on this app

        if self.value() == "booked":
            return queryset.filter(booked_q())
        if self.value() == "attended":
            return queryset.filter(attended_q())
        return queryset
