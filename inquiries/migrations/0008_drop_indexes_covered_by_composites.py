"""The inquiry foreign keys of events and notifications lose their own index: each is the
first column of a composite index already there (event_timeline_idx,
one_notification_per_kind), which serves the same lookups and the cascade on delete.
Three index insertions fewer per submission.

Only the indexes are dropped: Django's own AlterField would also drop the foreign keys
and add them back, checking every row again under a lock."""

import django.db.models.deletion
from django.db import migrations, models

INDEXES = {
    "inquiries_inquiryevent": "inquiries_inquiryevent_inquiry_id_65126e6b",
    "inquiries_notification": "inquiries_notification_inquiry_id_f91f545c",
}


class Migration(migrations.Migration):
    dependencies = [
        ("inquiries", "0007_staff_roles"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="inquiryevent",
                    name="inquiry",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="events",
                        to="inquiries.inquiry",
                    ),
                ),
                migrations.AlterField(
                    model_name="notification",
                    name="inquiry",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="notifications",
                        to="inquiries.inquiry",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{index}"',
                    reverse_sql=f'CREATE INDEX "{index}" ON "{table}" ("inquiry_id")',
                )
                for table, index in INDEXES.items()
            ],
        ),
    ]
