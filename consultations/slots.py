"""The times an offer can be booked, in the clinic's time zone.

Times are laid out in wall-clock time (9:00, 9:20, ... on each day's hours) and only
then made into instants, so a consultation at 9:00 is at 9:00 on both sides of a
daylight-saving change. A wall-clock time that does not exist that day (2:30 on the
spring-forward night) is skipped; one that happens twice (1:30 in the autumn) is offered
once, the first time.
"""

from bisect import bisect_left
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from consultations.models import Booking, Closure


@dataclass(frozen=True)
class Slot:
    offer: object
    starts_at: datetime

    @property
    def local(self):
        return timezone.localtime(self.starts_at, timezone.get_default_timezone())

    @property
    def key(self):
        """What a pick form sends: the offer and the instant, nothing about the patient."""
        return f"{self.offer.pk}-{int(self.starts_at.timestamp())}"


def parse_key(key):
    """(offer id, aware instant) from a Slot.key, or None for anything else."""
    offer_id, _, stamp = str(key).partition("-")
    if not (offer_id.isdigit() and stamp.isdigit()) or len(stamp) > 12:
        return None
    return int(offer_id), datetime.fromtimestamp(int(stamp), tz=UTC)


def _wall_clock_instant(day, at, zone):
    """The instant of this local date and time, or None if the clock skips it that day."""
    moment = datetime.combine(day, at, tzinfo=zone)
    round_trip = moment.astimezone(UTC).astimezone(zone)
    if round_trip.replace(tzinfo=None) != moment.replace(tzinfo=None):
        return None
    return moment


def bookable_window(offer, now):
    """The first instant (shortest notice) and the last local day (weeks ahead) offered."""
    today = timezone.localdate(now, timezone.get_default_timezone())
    return now + timedelta(hours=offer.min_notice_hours), today + timedelta(weeks=offer.weeks_ahead)


def closed_days_by_location(location_ids, first_day, last_day):
    """{location id: set of closed dates} for these locations, in one query (a
    whole-clinic closure closes every one of them)."""
    closed = {location_id: set() for location_id in location_ids}
    closures = Closure.objects.filter(
        Q(location__isnull=True) | Q(location_id__in=list(location_ids))
    ).overlapping(first_day, last_day)
    for closure in closures:
        for location_id, days in closed.items():
            if closure.location_id in (None, location_id):
                days.update(closure.days(first_day, last_day))
    return closed


def closed_days(location_id, first_day, last_day):
    return closed_days_by_location([location_id], first_day, last_day)[location_id]


def offered_times(offer, first_day, last_day, *, now=None, closed=None):
    """Every start time of this offer's hours on these local days, before bookings are
    taken out: after the shortest notice, within the weeks ahead, not on a closed day."""
    now = now or timezone.now()
    earliest, horizon = bookable_window(offer, now)
    last_day = min(last_day, horizon)
    if closed is None:
        closed = closed_days(offer.location_id, first_day, last_day)
    zone = timezone.get_default_timezone()
    by_weekday = {}
    for hours in offer.hours.all():
        by_weekday.setdefault(hours.weekday, []).append(hours)
    length = offer.length
    times = []
    day = first_day
    while day <= last_day:
        if day not in closed:
            for hours in by_weekday.get(day.weekday(), ()):
                wall = datetime.combine(day, hours.starts)
                end = datetime.combine(day, hours.ends)
                while wall + length <= end:
                    moment = _wall_clock_instant(day, wall.time(), zone)
                    if moment is not None and moment >= earliest:
                        times.append(moment)
                    wall += length
        day += timedelta(days=1)
    return sorted(set(times))


def _taken(offer, times, booked):
    """The times that overlap one of the offer's bookings, given as sorted (start, end)."""
    if not times:
        return set()
    starts = [start for start, _ in booked]
    taken = set()
    for moment in times:
        # Live bookings of one offer never overlap, so sorted by start they are sorted by
        # end too: only the last one starting before this time's end can still be running.
        index = bisect_left(starts, moment + offer.length)
        if index and booked[index - 1][1] > moment:
            taken.add(moment)
    return taken


def free_slots(offers, first_day, last_day, *, now=None):
    """The free times of these offers on these local days, earliest first (two queries
    whatever the number of offers: closures, then bookings)."""
    now = now or timezone.now()
    offers = list(offers)
    if not offers:
        return []
    closed = closed_days_by_location({o.location_id for o in offers}, first_day, last_day)
    times = {
        offer.pk: offered_times(
            offer, first_day, last_day, now=now, closed=closed[offer.location_id]
        )
        for offer in offers
    }
    every = [moment for moments in times.values() for moment in moments]
    booked = {offer.pk: [] for offer in offers}
    if every:
        longest = max(offer.length for offer in offers)
        rows = (
            Booking.objects.live()
            .filter(offer__in=offers)
            .between(min(every), max(every) + longest)
            .order_by("starts_at")
            .values_list("offer_id", "starts_at", "ends_at")
        )
        for offer_id, start, end in rows:
            booked[offer_id].append((start, end))
    slots = []
    for offer in offers:
        taken = _taken(offer, times[offer.pk], booked[offer.pk])
        slots += [Slot(offer, moment) for moment in times[offer.pk] if moment not in taken]
    return sorted(slots, key=lambda slot: (slot.starts_at, slot.offer.pk))


def is_offered(offer, starts_at, *, now=None):
    """True when this instant is one of the offer's times now (free or not)."""
    day = timezone.localdate(starts_at, timezone.get_default_timezone())
    return starts_at in offered_times(offer, day, day, now=now)


def by_day(slots):
    """[(local date, [slots])] in order, for a page that groups times by day."""
    days = {}
    for slot in slots:
        days.setdefault(slot.local.date(), []).append(slot)
    return list(days.items())
