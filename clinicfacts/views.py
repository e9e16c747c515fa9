from django.conf import settings
from django.shortcuts import render
from django.views.decorators.http import require_safe

from clinicfacts.models import Clinician, Location, OpeningHours
from pages.cache import cache_public_page


@require_safe
@cache_public_page
def team(request):
    clinicians = (
        Clinician.objects.filter(show_on_team_page=True)
        .select_related("photo")
        .prefetch_related("photo__renditions")
    )
    context = {
        "clinicians": clinicians,
        "canonical_url": settings.SITE_URL + request.path,
        "description": "The clinicians who assess, treat and follow up with our patients, "
        "and who review every page on this site.",
    }
    return render(request, "clinicfacts/team.html", context)


@require_safe
@cache_public_page
def locations(request):
    week_by_location = [(place, weekly_hours(place)) for place in Location.objects.with_hours()]
    context = {
        "locations": week_by_location,
        "canonical_url": settings.SITE_URL + request.path,
        "description": "Where to find us, when we are open and how to get here.",
    }
    return render(request, "clinicfacts/locations.html", context)


def weekly_hours(location):
    """Monday to Sunday as (day name, [(opens, closes), ...]); an empty list means closed."""
    by_day = {day: [] for day in OpeningHours.Weekday}
    for hours in location.opening_hours.all():
        by_day[hours.weekday].append((hours.opens, hours.closes))
    return [(day.label, spans) for day, spans in by_day.items()]
