"""The admin for consultations: what the clinic offers (hours, closures), which only the
"manage consultation times" permission changes, and the Consultations list by day."""

import itertools
from datetime import timedelta

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from consultations.models import (
    MANAGE_TIMES_PERMISSION,
    Booking,
    Closure,
    ConsultationOffer,
    WeeklyHours,
)
from consultations.staff_views import screen_urls
from inquiries.dates import when_text
from inquiries.models.inquiry import staff_name
from staff.audit import record_access
from staff.models import AuditEntry
from staff.sites import ReadOnlyAdmin

admin.site.add_screens(screen_urls(admin.site))


class ManagedByPermission:
    """Readable by staff who may view it; changed only with "manage consultation times"."""

    def _may_manage(self, request):
        return request.user.has_perm(MANAGE_TIMES_PERMISSION)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) or self._may_manage(request)

    def has_add_permission(self, request, *args):
        return self._may_manage(request)

    def has_change_permission(self, request, obj=None):
        return self._may_manage(request)

    def has_delete_permission(self, request, obj=None):
        return self._may_manage(request)


class WeeklyHoursFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        rows = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or not data.get("starts") or not data.get("ends"):
                continue
            rows.append((data["weekday"], data["starts"], data["ends"]))
        rows.sort()
        for (day, starts, ends), (next_day, next_starts, next_ends) in itertools.pairwise(rows):
            if day == next_day and next_starts < ends:
                weekday = WeeklyHours.Weekday(day).label
                raise ValidationError(
                    f"{weekday}'s hours overlap: {starts:%H:%M}–{ends:%H:%M} and "
                    f"{next_starts:%H:%M}–{next_ends:%H:%M}. Join them into one row or "
                    "make one end before the other starts."
                )


class WeeklyHoursInline(ManagedByPermission, admin.TabularInline):
    model = WeeklyHours
    formset = WeeklyHoursFormSet
    extra = 1
    fields = ("weekday", "starts", "ends")


@admin.register(ConsultationOffer)
class ConsultationOfferAdmin(ManagedByPermission, admin.ModelAdmin):
    list_display = ("__str__", "length_minutes", "min_notice_hours", "weeks_ahead", "is_active")
    list_filter = ("is_active", "kind", "location")
    list_select_related = ("location", "clinician")
    inlines = [WeeklyHoursInline]
    fields = (
        "location",
        "clinician",
        "kind",
        "length_minutes",
        "min_notice_hours",
        "weeks_ahead",
        "is_active",
    )


@admin.register(Closure)
class ClosureAdmin(ManagedByPermission, admin.ModelAdmin):
    list_display = ("starts_on", "ends_on", "where", "reason")
    list_select_related = ("location",)
    date_hierarchy = "starts_on"
    fields = ("starts_on", "ends_on", "location", "reason")

    @admin.display(description="where")
    def where(self, closure):
        return closure.location.name if closure.location_id else "Whole clinic"


class DayFilter(admin.SimpleListFilter):
    """Today by default (what the front desk needs first), then tomorrow, this week."""

    title = "when"
    parameter_name = "day"
    CHOICES = (("today", "Today"), ("tomorrow", "Tomorrow"), ("week", "This week"), ("all", "All"))

    def lookups(self, request, model_admin):
        return [choice for choice in self.CHOICES if choice[0] != "today"]

    def choices(self, changelist):
        value = self.value() or "today"
        for key, label in self.CHOICES:
            yield {
                "selected": value == key,
                "query_string": changelist.get_query_string({self.parameter_name: key}),
                "display": label,
            }

    def queryset(self, request, queryset):
        value = self.value() or "today"
        if value == "all":
            return queryset
        zone = timezone.get_default_timezone()
        today = timezone.localdate(timezone.now(), zone)
        first = today + timedelta(days=1) if value == "tomorrow" else today
        last = first + timedelta(days=7 if value == "week" else 1)
        start = timezone.make_aware(
            timezone.datetime.combine(first, timezone.datetime.min.time()), zone
        )
        end = timezone.make_aware(
            timezone.datetime.combine(last, timezone.datetime.min.time()), zone
        )
        return queryset.filter(starts_at__gte=start, starts_at__lt=end)


class StatusFilter(admin.SimpleListFilter):
    """Booked, attended and not attended by default: moved and cancelled ones hold no time."""

    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("any", "Any, with cancelled and moved"), *Booking.Status.choices]

    def choices(self, changelist):
        # The admin's "All" is not all here: moved and cancelled bookings are left out.
        first, *rest = super().choices(changelist)
        yield {**first, "display": "Holding a time"}
        yield from rest

    def queryset(self, request, queryset):
        value = self.value()
        if value == "any":
            return queryset
        if value in Booking.Status.values:
            return queryset.filter(status=value)
        return queryset.live()


@admin.register(Booking)
class BookingAdmin(ReadOnlyAdmin):
    """The Consultations list: who is booked when. Booking, moving and cancelling happen on
    the inquiry's work screen, so the list and the record are read-only here."""

    list_display = ("time", "patient", "kind_and_place", "status", "booked_by_name")
    list_filter = (DayFilter, StatusFilter, "offer__location")
    list_select_related = ("inquiry", "offer__location", "booked_by")
    ordering = ("starts_at",)
    list_per_page = 100

    class Media:
        css = {"all": ["admin_consultations/consultations.css"]}

    @admin.display(description="time", ordering="starts_at")
    def time(self, booking):
        return when_text(booking.starts_at)

    @admin.display(description="patient")
    def patient(self, booking):
        url = reverse("admin:inquiries_inquiry_work", args=[booking.inquiry_id])
        return format_html(
            '<a href="{}">{}</a> {}', url, booking.inquiry.full_name, booking.inquiry.reference
        )

    @admin.display(description="kind")
    def kind_and_place(self, booking):
        return f"{booking.offer.get_kind_display()}, {booking.offer.location.name}"

    @admin.display(description="booked by")
    def booked_by_name(self, booking):
        if booking.booked_by_id is None:
            return "The patient"
        return staff_name(booking.booked_by)

    def changelist_view(self, request, extra_context=None):
        # Not the admin's stock "Select consultation to view".
        return super().changelist_view(request, {"title": "Consultations", **(extra_context or {})})

    def get_changelist_instance(self, request):
        # The list names patients: looking at it is an access, as the inquiry queue's is.
        record_access(request, AuditEntry.Action.VIEW, object_type="consultations", detail="list")
        return super().get_changelist_instance(request)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # A booking's page is its inquiry's work screen.
        booking = self.get_object(request, object_id)
        if booking is None or not self.has_view_permission(request, booking):
            return super().change_view(request, object_id, form_url, extra_context)
        return HttpResponseRedirect(
            reverse("admin:inquiries_inquiry_work", args=[booking.inquiry_id])
        )
