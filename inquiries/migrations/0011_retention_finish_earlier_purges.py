"""Finish what earlier retention runs left behind.

Before issue 25, `purge_inquiries --anonymise` kept contact attempts with their notes,
the reason typed into a priority change, and the link's campaign tags; and both modes
left Django's admin history naming the inquiry by the patient's name. An anonymised
inquiry is never purged again, so this tidies them once, as a run does now.
"""

import json
from collections import defaultdict

from django.db import migrations
from django.db.models import CharField, F, Value
from django.db.models.functions import Cast, Concat, Greatest, Length, LPad

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
        if kind == "created" and data.get("via"):
            urgent = "; marked urgent: crisis language in the message" if data.get("urgent") else ""
            return f"Received through the {data['via']}{urgent}"
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
    # Rebuilt messages and data come in a few shapes: one UPDATE per shape.
    shapes = defaultdict(list)
    for pk, kind, message, data in events.values_list("pk", "kind", "message", "data").iterator():
        kept = {key: value for key, value in data.items() if key in KEPT_EVENT_DATA}
        plain = plain_message(kind, kept)
        if (plain, kept) != (message, data):
            shapes[(plain, json.dumps(kept, sort_keys=True))].append(pk)
    for (message, data), pks in shapes.items():
        for start in range(0, len(pks), 5000):
            InquiryEvent.objects.filter(pk__in=pks[start : start + 5000]).update(
                message=message, data=json.loads(data)
            )


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
    object_id = F("object_id")
    padded = LPad(object_id, Greatest(Length(object_id), Value(6)), Value("0"))
    LogEntry = apps.get_model("admin", "LogEntry")
    LogEntry.objects.filter(content_type=content_type, object_id__regex=r"^[0-9]+$").exclude(
        object_id__in=still_named
    ).update(object_repr=Concat(Value("INQ-"), padded, output_field=CharField()))


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
