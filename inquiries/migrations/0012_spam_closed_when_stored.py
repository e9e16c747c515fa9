"""Give form spam stored without a closing time its arrival time as one.

Before this, `submit_inquiry` stored spam with closed_at empty, and the retention purge
selects by closed_at, so such spam (possibly a real person's message) was never purged.
Spam is closed the moment it arrives, so that is its closing time.
"""

from django.db import migrations
from django.db.models import F


def close_spam_when_stored(apps, schema_editor):
    Inquiry = apps.get_model("inquiries", "Inquiry")
    Inquiry.objects.filter(status="spam", closed_at__isnull=True).update(
        closed_at=F("created_at")
    )


class Migration(migrations.Migration):
    dependencies = [("inquiries", "0011_retention_finish_earlier_purges")]

    operations = [migrations.RunPython(close_spam_when_stored, migrations.RunPython.noop)]
