"""Three reply templates to start from, and "Intake staff" may read them (to use them).

Editing them needs inquiries.manage_replytemplate, granted to people one by one."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

# Frozen here (not imported) so the migration means the same thing forever.
SIGN_OFF = "\n\nBest wishes,\n{staff_first_name}\n{clinic_name}\n"
TEMPLATES = [
    (
        "First reply",
        "Your inquiry to {clinic_name}",
        "Hello {first_name},\n\n"
        "Thank you for getting in touch with {clinic_name}. I'm {staff_first_name}, and I "
        "look after new inquiries.\n\n"
        "I'd be glad to talk with you. Please call us on {clinic_phone}, or choose a time "
        "that suits you here: {booking_link}\n\n"
        "We keep health questions for the call rather than email, so your details stay "
        "private." + SIGN_OFF,
    ),
    (
        "Could not reach you",
        "We tried to reach you: {clinic_name}",
        "Hello {first_name},\n\n"
        "We have tried to reach you a few times about your inquiry, without luck, so we "
        "will close it for now.\n\n"
        "You are welcome back at any time: call us on {clinic_phone}, or book a time "
        "here: {booking_link}" + SIGN_OFF,
    ),
    (
        "Consultation booked",
        "Your consultation with {clinic_name}",
        "Hello {first_name},\n\n"
        "This confirms that your consultation with {clinic_name} is booked, as we agreed "
        "on the phone.\n\n"
        "If you need to change the time, please call us on {clinic_phone} or use "
        "{booking_link}" + SIGN_OFF,
    ),
]
INTAKE_STAFF = "Intake staff"


def add_templates(apps, schema_editor):
    ReplyTemplate = apps.get_model("inquiries", "ReplyTemplate")
    for order, (name, subject, body) in enumerate(TEMPLATES, start=1):
        ReplyTemplate.objects.get_or_create(
            name=name, defaults={"subject": subject, "body": body, "order": order * 10}
        )


def seed(apps, schema_editor):
    add_templates(apps, schema_editor)
    # Permissions are normally made after `migrate`; make them now so they can be granted.
    app_config = apps.get_app_config("inquiries")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    intake = Group.objects.filter(name=INTAKE_STAFF).first()
    if intake is not None:
        intake.permissions.add(
            Permission.objects.get(
                content_type__app_label="inquiries", codename="view_replytemplate"
            )
        )


def unseed(apps, schema_editor):
    ReplyTemplate = apps.get_model("inquiries", "ReplyTemplate")
    ReplyTemplate.objects.filter(name__in=[name for name, _, _ in TEMPLATES]).delete()


class Migration(migrations.Migration):
    dependencies = [("inquiries", "0009_replies_contact_attempts_my_work")]

    operations = [migrations.RunPython(seed, unseed)]
