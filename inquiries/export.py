"""CSV export of inquiries: streamed, formula-safe, recorded on each inquiry's timeline
and in the staff audit trail."""

import csv
import json
import re

from django.db import connection, transaction
from django.http import StreamingHttpResponse
from django.utils import timezone

from inquiries.models import Inquiry, InquiryEvent
from staff.audit import record_access
from staff.models import AuditEntry

# A spreadsheet treats a cell starting with one of these as a formula (or, for tab and
# carriage return, may strip them and then do so): prefix an apostrophe so it is text.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# ...except a phone number as the form stores it (E.164: "+", then up to 15 digits): a
# plus and digits alone are a number to a spreadsheet, never a formula, and staff copy
# the number from the file to dial it.
E164 = re.compile(r"\+[1-9][0-9]{1,14}")

COLUMNS = [
    ("Reference", lambda row: f"INQ-{row['pk']:06d}"),
    ("Submitted", lambda row: _datetime(row["created_at"])),
    ("Status", lambda row: Inquiry.Status(row["status"]).label),
    ("Priority", lambda row: Inquiry.Priority(row["priority"]).label),
    ("First name", lambda row: row["first_name"]),
    ("Last name", lambda row: row["last_name"]),
    ("Email", lambda row: row["email"]),
    ("Phone", lambda row: row["phone"]),
    ("Preferred contact", lambda row: _label(Inquiry.ContactMethod, row["contact_method"])),
    ("Best time", lambda row: row["best_time"]),
    ("Topic", lambda row: row["topic__name"]),
    ("Source page", lambda row: row["source_page__title"] or ""),
    ("Source path", lambda row: row["source_path"]),
    ("UTM source", lambda row: row["utm_source"]),
    ("UTM medium", lambda row: row["utm_medium"]),
    ("UTM campaign", lambda row: row["utm_campaign"]),
    ("Assignee", lambda row: row["assignee__username"] or ""),
    ("Next follow-up", lambda row: row["follow_up_on"].isoformat() if row["follow_up_on"] else ""),
    ("First contacted", lambda row: _datetime(row["first_contacted_at"])),
    ("Closed", lambda row: _datetime(row["closed_at"])),
]
FIELDS = [
    "pk",
    "created_at",
    "status",
    "priority",
    "first_name",
    "last_name",
    "email",
    "phone",
    "contact_method",
    "best_time",
    "topic__name",
    "source_page__title",
    "source_path",
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "assignee__username",
    "follow_up_on",
    "first_contacted_at",
    "closed_at",
]


def _datetime(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _label(choices, value):
    try:
        return choices(value).label
    except ValueError:
        return value


def neutralise(value):
    """Make a cell safe to open in a spreadsheet (CSV/formula injection)."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_TRIGGERS) and not E164.fullmatch(text):
        return "'" + text
    return text


class _Echo:
    """A file-like object whose write() hands the line back, for csv.writer streaming."""

    def write(self, value):
        return value


def csv_rows(queryset):
    writer = csv.writer(_Echo())
    yield writer.writerow([title for title, _ in COLUMNS])
    for row in queryset.values(*FIELDS).iterator(chunk_size=2000):
        yield writer.writerow([neutralise(cell(row)) for _, cell in COLUMNS])


@transaction.atomic
def record_export(queryset, *, actor):
    """Add an EXPORTED event, with the export's row count, to every exported inquiry.

    One INSERT ... SELECT, so exporting the whole queue costs one statement, not one
    insert per row. Returns the row count.
    """
    pks = queryset.order_by().values("pk")
    row_count = pks.count()
    if not row_count:
        return 0
    subquery, params = pks.query.get_compiler(using=queryset.db).as_sql()
    message = f"Exported in a CSV file of {row_count} row{'s' if row_count != 1 else ''}"
    data = json.dumps({"row_count": row_count})
    json_placeholder = "%s::jsonb" if connection.vendor == "postgresql" else "%s"
    event_table = InquiryEvent._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {event_table} (inquiry_id, kind, actor_id, message, data, created_at) "  # noqa: S608 (table name from the model, values as parameters)
            f"SELECT id, %s, %s, %s, {json_placeholder}, %s "
            f"FROM {Inquiry._meta.db_table} WHERE id IN ({subquery})",
            [
                InquiryEvent.Kind.EXPORTED,
                actor.pk,
                message,
                data,
                connection.ops.adapt_datetimefield_value(timezone.now()),
                *params,
            ],
        )
    return row_count


def export_response(queryset, *, request, scope):
    """Record the export (timeline and audit trail), then stream the CSV (a million rows
    never sit in memory). `scope` says which rows: the filter, or the ids selected."""
    queryset = queryset.select_related(None)
    with transaction.atomic():
        row_count = record_export(queryset, actor=request.user)
        record_access(
            request,
            AuditEntry.Action.EXPORT,
            object_type="inquiry",
            detail=f"CSV of {row_count} row{'s' if row_count != 1 else ''}; {scope}",
        )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = StreamingHttpResponse(csv_rows(queryset), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="inquiries-{stamp}.csv"'
    response["X-Row-Count"] = str(row_count)
    response["Cache-Control"] = "no-store"
    return response
