"""The demo content offers consultation times, so a newcomer books from a demo reply."""

import pytest
from django.core.management import call_command

from consultations.models import ConsultationOffer, WeeklyHours
from inquiries.models import ReplyTemplate
from inquiries.reply_rules import fill_template
from tests.consultations.helpers import path_of
from tests.inquiries.crm_factories import make_inquiry, make_intake_user

pytestmark = pytest.mark.django_db


def test_demo_content_offers_hours_once_and_keeps_a_clinics_edits(db):
    call_command("load_demo_content", verbosity=0)
    offer = ConsultationOffer.objects.get()
    offer.length_minutes = 30
    offer.save()

    call_command("load_demo_content", verbosity=0)

    assert ConsultationOffer.objects.get().length_minutes == 30
    assert WeeklyHours.objects.count() == 10


def test_a_newcomer_books_from_a_demo_reply(client, db):
    call_command("load_demo_content", verbosity=0)
    inquiry = make_inquiry(phone="+15555550123")
    template = ReplyTemplate.objects.get(name="First reply")

    _subject, body = fill_template(template, inquiry, make_intake_user())
    (link,) = [word for word in body.split() if "/book/" in word]
    page = client.get(path_of(link))

    assert page.status_code == 200
    assert "?time=" in page.content.decode()
