"""The week of free times a patient (or staff member) picks from: which offers, which
days, grouped by day, with the zone named."""

import uuid
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from consultations.models import ConsultationOffer
from consultations.slots import by_day, free_slots, parse_key


def active_offers():
    return list(
        ConsultationOffer.objects.filter(is_active=True)
        .select_related("location", "clinician")
        .prefetch_related("hours")
    )


def zone_name():
    """ "New York time (America/New_York)": the zone every time on the page is in."""
    name = settings.TIME_ZONE
    city = name.rsplit("/", 1)[-1].replace("_", " ")
    return f"{city} time ({name})" if "/" in name else name


def weeks_offered(offers):
    return max((offer.weeks_ahead for offer in offers), default=0)


def week_of_times(offers, week, *, now=None):
    """The free times in week `week` (0 = the 7 days from today), by day."""
    now = now or timezone.now()
    first = timezone.localdate(now, timezone.get_default_timezone()) + timedelta(weeks=week)
    return by_day(free_slots(offers, first, first + timedelta(days=6), now=now))


def first_week_with_times(offers, *, now=None):
    """The first week that has a free time (0 if none does), and its days."""
    for week in range(weeks_offered(offers) + 1):
        days = week_of_times(offers, week, now=now)
        if days:
            return week, days
    return 0, []


def requested_week(value, offers):
    """The ?week= asked for, or None when absent or not a week we offer."""
    if value is None or not str(value).isdigit():
        return None
    week = int(value)
    return week if week <= weeks_offered(offers) else None


def picker_context(request, offers, *, now=None):
    """What the times page shows: the week (asked for, else the first with times), its
    days, the links to the weeks around it, and whether more than one kind is offered."""
    week = requested_week(request.GET.get("week"), offers)
    if week is None:
        week, days = first_week_with_times(offers, now=now)
    else:
        days = week_of_times(offers, week, now=now)
    last = weeks_offered(offers)
    return {
        "days": days,
        "week": week,
        "previous_week": week - 1 if week > 0 else None,
        "next_week": week + 1 if week < last else None,
        "zone_name": zone_name(),
        "several_offers": len(offers) > 1,
    }


def chosen_slot(key, offers):
    """(offer, instant) the pick form named, or None for a key naming nothing offered."""
    parsed = parse_key(key)
    if parsed is None:
        return None
    offer_id, starts_at = parsed
    offer = next((offer for offer in offers if offer.pk == offer_id), None)
    return (offer, starts_at) if offer is not None else None


def request_token(request):
    """The pick form's token (a double tap sends the same one), or None if it is missing
    or not a UUID."""
    try:
        return uuid.UUID(request.POST.get("request_token", ""))
    except ValueError:
        return None
