from django.contrib import admin
from django.db import models
from django.db.models import Count

from clinicfacts.models import Clinician, Location, OpeningHours


@admin.register(Clinician)
class ClinicianAdmin(admin.ModelAdmin):
    list_display = ("name", "credentials", "role", "show_on_team_page", "pages_reviewed", "order")
    list_editable = ("order",)
    list_filter = ("show_on_team_page",)
    search_fields = ("name", "credentials", "role")
    autocomplete_fields = ("photo",)
    fields = ("name", "credentials", "role", "bio", "photo", "email", "show_on_team_page", "order")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(pages_reviewed=Count("reviewed_pages"))

    @admin.display(description="pages reviewed", ordering="pages_reviewed")
    def pages_reviewed(self, clinician):
        return clinician.pages_reviewed


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0
    fields = ("weekday", "opens", "closes")


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ("name", "street_address", "locality", "phone", "order")
    list_editable = ("order",)
    search_fields = ("name", "street_address", "locality")
    inlines = [OpeningHoursInline]
    # A typed "openstreetmap.org/..." becomes https://... (Django 6's default, chosen now).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        (None, {"fields": ["name", "phone", "order"]}),
        (
            "Address",
            {"fields": ["street_address", "locality", "region", "postal_code", "country"]},
        ),
        ("Finding us", {"fields": ["map_url", "directions"]}),
    ]
