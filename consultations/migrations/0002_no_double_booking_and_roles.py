"""Two live bookings of one offer can never overlap: a PostgreSQL exclusion constraint
(btree_gist lets the offer's id take part in a GiST index). PostgreSQL only, like the
trigram indexes of inquiries 0005: `make run` on SQLite has one writer at a time and
consultations/booking.py checks the time again inside the booking's transaction.

Intake staff may see and make bookings and read the offered times; changing the times is
the "manage consultation times" permission, granted person by person.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CONSTRAINT = "booking_no_overlap_per_offer"
# Frozen here (not imported) so the migration means the same thing forever.
INTAKE_STAFF = "Intake staff"
INTAKE_STAFF_PERMISSIONS = [
    "view_booking",
    "add_booking",
    "change_booking",
    "view_consultationoffer",
    "view_weeklyhours",
    "view_closure",
]


def add_exclusion(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # btree_gist is a trusted extension (PostgreSQL 13+): the database owner may create it.
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    schema_editor.execute(
        f"ALTER TABLE consultations_booking ADD CONSTRAINT {CONSTRAINT} EXCLUDE USING gist "
        "(offer_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&) "
        "WHERE (status IN ('booked', 'attended', 'no_show'))"
    )


def drop_exclusion(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER TABLE consultations_booking DROP CONSTRAINT {CONSTRAINT}")


def grant_intake_staff(apps, schema_editor):
    app_config = apps.get_app_config("consultations")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=INTAKE_STAFF).first()
    if group is None:
        return
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="consultations", codename__in=INTAKE_STAFF_PERMISSIONS
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("consultations", "0001_initial"),
        ("inquiries", "0013_booking_confirmations"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(add_exclusion, drop_exclusion),
        migrations.RunPython(grant_intake_staff, migrations.RunPython.noop),
    ]
