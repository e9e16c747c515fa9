"""Shared fixtures for the security tests: staff personas, and stored data that no
hostile request may change."""

import pytest

from inquiries.models import Inquiry
from pages.models import Page
from tests.inquiries.crm_factories import (
    make_editor,
    make_inquiry,
    make_intake_user,
    make_other_staff,
)
from tests.pages.factories import make_page

STAFF_IP = "203.0.113.9"


@pytest.fixture(autouse=True)
def loud_errors(client):
    # A 500 is observed as a status code, never hidden behind a raised exception.
    client.raise_request_exception = False


class Stored:
    """A real inquiry and a published page, snapshotted before the hostile request."""

    def __init__(self):
        self.page = make_page(title="Treatments", slug="treatments", body="Our treatments.")
        self.inquiry = make_inquiry(
            first_name="Grace",
            last_name="Hopper",
            email="grace@example.com",
            phone="+15550100100",
            message="Please call me about treatment options.",
        )
        self.before = self.snapshot()

    def snapshot(self):
        # Every column, including the ones a form never shows (path, tokens, timestamps).
        return (
            Inquiry.objects.filter(pk=self.inquiry.pk).values().get(),
            Page.objects.filter(pk=self.page.pk).values().get(),
        )

    def unchanged(self):
        return self.snapshot() == self.before


@pytest.fixture
def stored(db):
    return Stored()


@pytest.fixture
def intake_user(db):
    """Here intake staff may export, so the export paths can be attacked too."""
    return make_intake_user(can_export=True)


@pytest.fixture
def staff_ip():
    return STAFF_IP


PERSONAS = {
    "content_editor": make_editor,
    "staff_without_permissions": make_other_staff,
}
