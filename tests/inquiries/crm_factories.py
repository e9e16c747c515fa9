"""Factories for the CRM admin tests: inquiries, staff in each role, and admin URLs."""

import itertools
import re

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone

from inquiries.models import Inquiry, Topic
from inquiries.roles import CONTENT_EDITORS, INTAKE_STAFF

PASSWORD = "a-long-password-1"
_numbers = itertools.count(1)


def make_inquiry(**fields):
    number = next(_numbers)
    values = {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "email": f"patient{number}@example.com",
        "contact_method": Inquiry.ContactMethod.EMAIL,
        "topic": Topic.objects.get(name="PTSD"),
        "message": "I'd like to know whether ketamine therapy could help.",
        "consent_text": "I agree.",
        "consent_version": "2026-11",
        "consent_given_at": timezone.now(),
    }
    values.update(fields)
    return Inquiry.objects.create(**values)


def make_staff(username, *, group=None, permissions=()):
    user = get_user_model().objects.create_user(username, password=PASSWORD, is_staff=True)
    if group:
        user.groups.add(Group.objects.get(name=group))
    for permission in permissions:
        app_label, codename = permission.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return user


def make_intake_user(username="intake", *, can_export=False):
    permissions = ["inquiries.export_inquiry"] if can_export else []
    return make_staff(username, group=INTAKE_STAFF, permissions=permissions)


def make_editor(username="editor"):
    return make_staff(username, group=CONTENT_EDITORS)


def make_other_staff(username="other"):
    return make_staff(username)


def queue_url():
    return reverse("admin:inquiries_inquiry_changelist")


def work_url(inquiry):
    return reverse("admin:inquiries_inquiry_work", args=[inquiry.pk])


# The inquiry's page is the work screen (the stock change form redirects to it).
change_url = work_url


def details_url(inquiry):
    return reverse("admin:inquiries_inquiry_contact_details", args=[inquiry.pk])


def action_url(inquiry, action):
    return reverse(f"admin:inquiries_inquiry_{action}", args=[inquiry.pk])


def export_url():
    return reverse("admin:inquiries_inquiry_export")


def dashboard_url():
    return reverse("admin:inquiries_inquiry_dashboard")


def references_in(response):
    """The inquiry references in a queue page, in the order shown."""
    return re.findall(r">(INQ-\d{6})</a>", response.content.decode())


def details_form_data(inquiry, **changes):
    """What the admin's contact-details form posts for this inquiry, with changes."""
    data = {
        "first_name": inquiry.first_name,
        "last_name": inquiry.last_name,
        "email": inquiry.email,
        "phone": inquiry.phone,
        "contact_method": inquiry.contact_method,
        "best_time": inquiry.best_time,
        "topic": inquiry.topic_id,
    }
    return {**data, **changes}
