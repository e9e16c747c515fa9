"""Entries written before staff/audit.py scrubbed query strings kept the search box's
text (an email address, a name) in their path and detail. Scrub them once, the same way.

The table refuses UPDATE (migration 0002); this one-off lifts that for its own
transaction only and puts it back before it commits. Who, what and when are untouched.
"""

import re
from urllib.parse import parse_qsl, urlencode

from django.db import migrations

# Frozen here (not imported) so the migration means the same thing forever: this is
# staff/audit.py's rule as it was when the migration was written.
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
}
CHOICE_VALUE = re.compile(r"[\w.-]{0,40}", re.ASCII)
DATE_VALUE = re.compile(r"\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2})?([+-]\d{2}:\d{2}|Z)?)?")
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
# Details that quoted the query string: the queue's ("status=spam&q=..."), and an
# export's scope ("CSV of 3 rows; filter ..." or "...; all matching ...").
QUOTED_QUERY = re.compile(r"^(CSV of \d+ rows?; (?:filter|all matching) )(.*)$", re.DOTALL)
TRIGGER = "staff_auditentry_append_only"


def _value(name, value):
    if name == "q":
        return "[search]" if value else ""
    if name == "_changelist_filters":
        return scrub(value)
    if name in CHOICE_PARAMETERS and CHOICE_VALUE.fullmatch(value):
        return value
    for suffix, pattern in LOOKUP_VALUES.items():
        if name.endswith(suffix) and pattern.fullmatch(value):
            return value
    return "[value]"


def scrub(query_string):
    pairs = []
    for name, value in parse_qsl(query_string, keep_blank_values=True):
        name = name if PARAMETER_NAME.fullmatch(name) else "[parameter]"
        pairs.append((name, _value(name, value)))
    return urlencode(pairs, safe="[]")


def scrubbed_detail(entry):
    if entry.object_type == "inquiry list" and "=" in entry.detail:
        return scrub(entry.detail)
    quoted = QUOTED_QUERY.match(entry.detail)
    if quoted and "=" in quoted.group(2):
        return quoted.group(1) + scrub(quoted.group(2))
    return entry.detail


def scrub_entries(apps, schema_editor):
    AuditEntry = apps.get_model("staff", "AuditEntry")
    changed = []
    for entry in AuditEntry.objects.filter(path__contains="?").iterator():
        path, query = entry.path.split("?", 1)
        entry.path = f"{path}?{scrub(query)}"[:300]
        entry.detail = scrubbed_detail(entry)[:300]
        changed.append(entry)
    if not changed:
        return
    postgresql = schema_editor.connection.vendor == "postgresql"
    if postgresql:
        schema_editor.execute(f"ALTER TABLE staff_auditentry DISABLE TRIGGER {TRIGGER}")
    AuditEntry.objects.bulk_update(changed, ["path", "detail"], batch_size=1000)
    if postgresql:
        schema_editor.execute(f"ALTER TABLE staff_auditentry ENABLE TRIGGER {TRIGGER}")


class Migration(migrations.Migration):
    dependencies = [("staff", "0002_audit_entries_append_only")]

    operations = [migrations.RunPython(scrub_entries, migrations.RunPython.noop)]
