"""The CRM's one date format in templates: {{ event.created_at|moment }}, {{ on|day }}."""

from django import template

from inquiries import dates

register = template.Library()


@register.filter
def moment(value):
    return dates.moment_html(value)


@register.filter
def day(value):
    return dates.day_html(value)
