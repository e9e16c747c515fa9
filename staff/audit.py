"""The staff audit trail: who looked at, changed or exported inquiry data, and when.

An entry never holds what was typed into a search box or a filter: a patient's name or
email address in the trail would outlive the retention purge (the table is append-only).
Query strings are stored scrubbed, from the start: `q=[search]`, and any value that is
not plainly one of the admin's own choices as `[value]`.
"""

import re
from urllib.parse import parse_qsl, urlencode

from django.contrib.admin.views.main import SEARCH_VAR
from django.utils.encoding import escape_uri_path

from clinic.net import client_ip_hash
from staff.models import AuditEntry

OBJECT_ID_MAX = AuditEntry._meta.get_field("object_id").max_length
DETAIL_MAX = AuditEntry._meta.get_field("detail").max_length
PATH_MAX = AuditEntry._meta.get_field("path").max_length

SEARCH_MARKER = "[search]"
VALUE_MARKER = "[value]"
PARAMETER_MARKER = "[parameter]"
# The admin's change pages carry the list's query string (its search too) in this one.
CHANGELIST_FILTERS = "_changelist_filters"
# Parameters whose values are the admin's own choices, never typed text: ordering, page,
# "show all", the reply template, and the CRM's list filters. A filter added later is
# stored as [value] until it is named here: the safe way round.
CHOICE_PARAMETERS = {
    "o",
    "p",
    "all",
    "e",
    "_popup",
    "_to_field",
    "template",
    "status",
    "assigned",
    "overdue",
    "work",
    "contact",
    "first_contact",
    "priority__exact",
    "day",  # the Consultations list: today, tomorrow, week, all
    "consultation",
}
CHOICE_VALUE = re.compile(r"[\w.-]{0,40}", re.ASCII)
DATE_VALUE = re.compile(r"\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2})?([+-]\d{2}:\d{2}|Z)?)?")
# Lookups on any field whose values are ids, flags or dates (the stock related-object,
# empty-value, date and date-hierarchy filters), by what their values must look like.
LOOKUP_VALUES = {
    "__id__exact": re.compile(r"\d{1,10}"),
    "__isnull": re.compile(r"True|False|0|1"),
    "__gte": DATE_VALUE,
    "__lt": DATE_VALUE,
    "__year": re.compile(r"\d{4}"),
    "__month": re.compile(r"\d{1,2}"),
    "__day": re.compile(r"\d{1,2}"),
}
PARAMETER_NAME = re.compile(r"[\w.-]{1,60}", re.ASCII)


def _storable(text, max_length):
    # PostgreSQL refuses NUL in text, and a hostile query string must not turn the
    # audit write (and so the page) into a 500.
    return str(text).replace("\x00", "\ufffd")[:max_length]


def _scrubbed_value(name, value):
    if name == SEARCH_VAR:
        return SEARCH_MARKER if value else ""
    if name == CHANGELIST_FILTERS:
        return scrub_query_string(value)
    if name in CHOICE_PARAMETERS and CHOICE_VALUE.fullmatch(value):
        return value
    for suffix, pattern in LOOKUP_VALUES.items():
        if name.endswith(suffix) and pattern.fullmatch(value):
            return value
    return VALUE_MARKER


def scrub_query_string(query_string):
    """The query string with search terms and possibly personal values replaced by
    markers: "status=spam&q=ada@example.com" gives "status=spam&q=[search]"."""
    pairs = []
    for name, value in parse_qsl(query_string, keep_blank_values=True):
        if not PARAMETER_NAME.fullmatch(name):
            name = PARAMETER_MARKER
        pairs.append((name, _scrubbed_value(name, value)))
    return urlencode(pairs, safe="[]")


def _scrubbed_path(request, query_string):
    path = escape_uri_path(request.path)
    return f"{path}?{query_string}" if query_string else path


def record_access(request, action, *, object_type, object_id="", detail=""):
    """Append one audit entry for what the signed-in staff member just did.

    The request's query string is stored scrubbed, in the path and wherever `detail`
    quotes it (the queue's filter, an export's scope)."""
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    raw_query = request.META.get("QUERY_STRING", "")
    query = scrub_query_string(raw_query)
    detail = str(detail)
    if raw_query:
        detail = detail.replace(raw_query, query)
    return AuditEntry.objects.create(
        actor_id=user.pk if signed_in else None,
        actor_username=user.get_username() if signed_in else "",
        action=action,
        object_type=object_type,
        object_id=_storable(object_id, OBJECT_ID_MAX),
        detail=_storable(detail, DETAIL_MAX),
        path=_storable(_scrubbed_path(request, query), PATH_MAX),
        ip_hash=client_ip_hash(request),
    )
