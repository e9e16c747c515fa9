"""The "Intake staff" and "Content editors" groups with their model permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

# Frozen here (not imported) so the migration means the same thing forever.
INTAKE_STAFF = "Intake staff"
CONTENT_EDITORS = "Content editors"
# No delete, and no export: inquiries.export_inquiry is granted to people one by one.
INTAKE_STAFF_PERMISSIONS = [
    ("inquiries", "view_inquiry"),
    ("inquiries", "change_inquiry"),
    ("inquiries", "view_topic"),
    ("inquiries", "add_inquiryevent"),
    ("inquiries", "view_inquiryevent"),
]
# Every permission of every model in these apps (models added later: see inquiries/roles.py).
CONTENT_EDITOR_APPS = ["pages"]


def create_roles(apps, schema_editor):
    # Permissions are normally made after `migrate`; make them now so they can be granted.
    for app_label in ["auth", "inquiries", *CONTENT_EDITOR_APPS]:
        app_config = apps.get_app_config(app_label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    intake, _ = Group.objects.get_or_create(name=INTAKE_STAFF)
    for app_label, codename in INTAKE_STAFF_PERMISSIONS:
        intake.permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )

    # By app label, not a list of models: whatever the pages app has now.
    editors, _ = Group.objects.get_or_create(name=CONTENT_EDITORS)
    editors.permissions.add(*Permission.objects.filter(content_type__app_label__in=CONTENT_EDITOR_APPS))


def remove_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name__in=[INTAKE_STAFF, CONTENT_EDITORS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("inquiries", "0006_inquiry_source_page"),
        ("pages", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
