"""The two staff roles, as groups. Migration 0007 creates them with their permissions;
the post_migrate hook here gives "Content editors" the permissions of content models that
were added after that migration ran.
"""

from django.apps import apps as global_apps
from django.db import DEFAULT_DB_ALIAS

INTAKE_STAFF = "Intake staff"
CONTENT_EDITORS = "Content editors"

EXPORT_PERMISSION = "inquiries.export_inquiry"
# Editing reply templates is granted to people one by one (intake staff may use them).
MANAGE_TEMPLATES_PERMISSION = "inquiries.manage_replytemplate"
# Content editors hold every permission of every model in these apps.
CONTENT_EDITOR_APPS = ["pages", "images", "clinicfacts"]


def sync_content_editors(sender, apps=global_apps, using=DEFAULT_DB_ALIAS, **kwargs):
    """post_migrate: grant permissions of models (pages, images) added since the roles migration.

    `migrate` passes its app registry; `flush` (used by transactional tests) does not.
    """
    try:
        Group = apps.get_model("auth", "Group")
        Permission = apps.get_model("auth", "Permission")
    except LookupError:
        return
    group = Group.objects.using(using).filter(name=CONTENT_EDITORS).first()
    if group is None:
        return  # the roles migration has not run (or the group was removed on purpose)
    group.permissions.add(
        *Permission.objects.using(using).filter(content_type__app_label__in=CONTENT_EDITOR_APPS)
    )
