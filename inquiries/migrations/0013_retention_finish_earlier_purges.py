"""Finish what earlier retention runs left behind.

Before issue 25, `purge_inquiries --anonymise` kept contact attempts with their notes,
the reason typed into a priority change, and the link's campaign tags; and both modes
left Django's admin history naming the inquiry by the patient's name. An anonymised
inquiry is never purged again, so this tidies them once, as a run does now.
"""

from django.db import migrations
from django.db.models import CharField
from django.db.models.functions import Cast

# Frozen here (not imported) so the migration means the same thing forever.
ANONYMISED_EMAIL = "anonymised@example.invalid"
KEPT_EVENT_KINDS = ["created", "status", "assigned", "priority", "follow_up"]
KEPT_EVENT_DATA = {"from", "to", "assignee_id", "on", "via", "urgent"}
STATUS_LABELS = {
    "new": "New",
    "contacted": "Contacted",
    "consultation": "Consultation scheduled",
    "patient": "Became a patient",
    "not_a_fit": "Not a fit",
    "no_response": "No response",
    "spam": "Spam",
}
PRIORITY_LABELS = {1: "Urgent", 2: "High", 3: "Normal"}
UTM_CLEARED = {f"utm_{name}": "" for name in ["source", "medium", "campaign", "term", "content"]}


def plain_message(kind, data):
    try:
        if kind == "status":
            return f"{STATUS_LABELS[data['from']]} → {STATUS_LABELS[data['to']]}"
        if kind == "priority":
            return f"Priority {PRIORITY_LABELS[data['from']]} → {PRIORITY_LABELS[data['to']]}"
        if kind == "follow_up" and data.get("on"):
            return f"Follow up on {data['on']}"
    except (KeyError, TypeError):
        pass
    return ""


def strip_anonymised(apps):
    Inquiry = apps.get_model("inquiries", "Inquiry")
    anonymised = Inquiry.objects.filter(email=ANONYMISED_EMAIL)
    apps.get_model("inquiries", "ContactAttempt").objects.filter(inquiry__in=anonymised).delete()
    anonymised.update(**UTM_CLEARED)
    InquiryEvent = apps.get_model("inquiries", "InquiryEvent")
    events = InquiryEvent.objects.filter(inquiry__in=anonymised, kind__in=KEPT_EVENT_KINDS)
    changed = []
    for event in events.only("kind", "message", "data").iterator():
        data = {key: value for key, value in event.data.items() if key in KEPT_EVENT_DATA}
        message = plain_message(event.kind, data)
        if (message, data) != (event.message, event.data):
            event.message, event.data = message, data
            changed.append(event)
    InquiryEvent.objects.bulk_update(changed, ["message", "data"], batch_size=1000)


def forget_names_in_admin_history(apps):
    """History entries of inquiries anonymised or deleted keep only the reference."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_type = ContentType.objects.filter(app_label="inquiries", model="inquiry").first()
    if content_type is None:
        return
    Inquiry = apps.get_model("inquiries", "Inquiry")
    still_named = (
        Inquiry.objects.exclude(email=ANONYMISED_EMAIL)
        .annotate(id_text=Cast("pk", CharField()))
        .values("id_text")
    )
    LogEntry = apps.get_model("admin", "LogEntry")
    entries = LogEntry.objects.filter(content_type=content_type).exclude(
        object_id__in=still_named
    )
    changed = []
    for entry in entries.only("object_id", "object_repr").iterator():
        reference = f"INQ-{int(entry.object_id):06d}" if entry.object_id.isdigit() else ""
        if entry.object_repr != reference:
            entry.object_repr = reference
            changed.append(entry)
    LogEntry.objects.bulk_update(changed, ["object_repr"], batch_size=1000)


def finish_earlier_purges(apps, schema_editor):
    strip_anonymised(apps)
    forget_names_in_admin_history(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("inquiries", "0010_seed_reply_templates"),
    ]

    operations = [migrations.RunPython(finish_earlier_purges, migrations.RunPython.noop)]
