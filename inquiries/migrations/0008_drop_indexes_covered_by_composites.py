"""The inquiry foreign keys of events and notifications lose their own index: each is the
first column of a composite index already there (event_timeline_idx,
one_notification_per_kind), which serves the same lookups and the cascade on delete.
Three index insertions fewer per submission.

Only the indexes are dropped: Django's own AlterField would also drop the foreign keys
and add them back, checking every row again under a lock."""

import django.db.models.deletion
from django.db import migrations, models

# model, its table, the related name of its inquiry foreign key, the index to drop
UNINDEXED = [
    (
        "inquiryevent",
        "inquiries_inquiryevent",
        "events",
        "inquiries_inquiryevent_inquiry_id_65126e6b",
    ),
    (
        "notification",
        "inquiries_notification",
        "notifications",
        "inquiries_notification_inquiry_id_f91f545c",
    ),
]


def inquiry_key_without_index(model_name, related_name):
    field = models.ForeignKey(
        db_index=False,
        on_delete=django.db.models.deletion.CASCADE,
        related_name=related_name,
        to="inquiries.inquiry",
    )
    return migrations.AlterField(model_name=model_name, name="inquiry", field=field)


class Migration(migrations.Migration):
    dependencies = [
        ("inquiries", "0007_staff_roles"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                inquiry_key_without_index(model, related_name)
                for model, _table, related_name, _index in UNINDEXED
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{index}"',
                    reverse_sql=f'CREATE INDEX "{index}" ON "{table}" ("inquiry_id")',
                )
                for _model, table, _related_name, index in UNINDEXED
            ],
        ),
    ]
