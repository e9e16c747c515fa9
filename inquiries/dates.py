"""One way the CRM writes a moment or a day, in the clinic's time zone.

A moment in the last day reads as "5 min ago" or "2 h ago" (what staff want to know in
a queue); anything older, or in the future, as "Dec 5, 2026 17:54". A day is "Dec 5,
2026". Every moment is wrapped in <time> with the full date as its title, so the exact
time is a hover away and machines read the ISO value.
"""

from datetime import timedelta

from django.utils import timezone
from django.utils.html import format_html

RELATIVE_FOR = timedelta(days=1)


def day_text(value):
    """ "Dec 5, 2026"."""
    return f"{value:%b} {value.day}, {value.year}"


def exact_text(moment):
    """ "Dec 5, 2026 17:54", in the clinic's time zone."""
    local = timezone.localtime(moment)
    return f"{day_text(local)} {local:%H:%M}"


def when_text(moment):
    """ "Tue Dec 8, 2026 at 10:00 EST": the clinic's time with its zone named, for a
    consultation's time (in emails and calendars the reader may be elsewhere)."""
    local = timezone.localtime(moment, timezone.get_default_timezone())
    return f"{local:%a} {day_text(local)} at {local:%H:%M %Z}"


def moment_text(moment, *, now=None):
    """ "just now", "5 min ago", "2 h ago" within the last day; else exact_text."""
    age = (now or timezone.now()) - moment
    if timedelta(0) <= age < RELATIVE_FOR:
        minutes = int(age.total_seconds() // 60)
        if minutes < 1:
            return "just now"
        if minutes < 60:
            return f"{minutes} min ago"
        return f"{minutes // 60} h ago"
    return exact_text(moment)


def moment_html(moment, *, now=None):
    if moment is None:
        return "—"
    return format_html(
        '<time datetime="{}" title="{}">{}</time>',
        timezone.localtime(moment).isoformat(),
        exact_text(moment),
        moment_text(moment, now=now),
    )


def day_html(value):
    if value is None:
        return "—"
    return format_html('<time datetime="{}">{}</time>', value.isoformat(), day_text(value))


def waited_text(delta):
    """How long something has waited: "40 min", "5 h", "3 days"."""
    minutes = max(int(delta.total_seconds() // 60), 0)
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 48 * 60:
        return f"{minutes // 60} h"
    return f"{minutes // 1440} days"
