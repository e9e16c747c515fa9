"""Small builders for the inquiry form's tests."""

import time
from urllib.parse import urlencode

from django.utils import timezone

from inquiries.consent import CONSENT_TEXT, CONSENT_VERSION
from inquiries.models import Inquiry, Topic
from inquiries.spam import issue_form_token


def form_token(*, seconds_ago=60):
    """A form token as if the form had been shown this many seconds ago."""
    return issue_form_token(now=time.time() - seconds_ago)


def form_data(**overrides):
    """A valid POST for the inquiry form, filled in a minute after it was shown."""
    data = {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "email": "ada@example.com",
        "contact_method": "email",
        "phone": "",
        "best_time": "",
        "topic": str(Topic.objects.get(name="PTSD").pk),
        "message": "I'd like to know more.",
        "consent": "on",
        "website": "",
        "form_token": form_token(),
    }
    data.update(overrides)
    return data


def post_form(client, data, path="/get-in-touch/", **extra):
    """POST the form as a browser does (urlencoded): the form refuses multipart bodies."""
    return client.post(
        path, urlencode(data, doseq=True), content_type="application/x-www-form-urlencoded", **extra
    )


def make_inquiry(**overrides):
    fields = {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "email": "ada@example.com",
        "contact_method": Inquiry.ContactMethod.EMAIL,
        "topic": Topic.objects.get(name="PTSD"),
        "consent_text": CONSENT_TEXT,
        "consent_version": CONSENT_VERSION,
        "consent_given_at": timezone.now(),
    }
    fields.update(overrides)
    return Inquiry.objects.create(**fields)


def make_published_page(slug="ketamine-for-ptsd", **overrides):
    from pages.models import Page

    fields = {
        "title": "Ketamine for PTSD",
        "slug": slug,
        "summary": "What ketamine therapy can and can't do for PTSD.",
        "body": "## What it is\n\nA short article.",
        "status": Page.Status.PUBLISHED,
    }
    fields.update(overrides)
    return Page.objects.create(**fields)
