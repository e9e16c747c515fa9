"""Small factories for pages, FAQs and references, with sensible published defaults."""

from datetime import date, timedelta

from django.utils import timezone

from clinicfacts.models import Clinician
from pages.models import FAQ, Page, Reference
from pages.services import RowChanges, save_page


def make_clinician(name="Dr. Dana Whitfield", credentials="MD, psychiatrist", **fields):
    return Clinician.objects.get_or_create(name=name, credentials=credentials, defaults=fields)[0]


def make_page(**fields):
    defaults = {
        "title": "Ketamine for PTSD",
        "slug": "ketamine-for-ptsd",
        "summary": "How ketamine may help PTSD.",
        "body": "Intro.\n\n## What is PTSD?\n\nText.\n\n### Symptoms\n\nMore text.\n",
        "status": Page.Status.PUBLISHED,
        "publish_at": timezone.now() - timedelta(minutes=1),
        "last_reviewed": date(2026, 10, 1),
    }
    if "reviewer" not in fields:
        defaults["reviewer"] = make_clinician()
    page = Page(**{**defaults, **fields})
    page.full_clean()
    save_page(page)
    return page


def make_faq(page, question="Is it safe?", answer="Usually, **with monitoring**.", order=0):
    faq = FAQ(page=page, question=question, answer=answer, order=order)
    save_page(page, faqs=RowChanges(save=[faq]))
    return faq


def make_reference(page, citation="Feder A, et al. JAMA Psychiatry. 2014.", url="", order=0):
    reference = Reference(page=page, citation=citation, url=url, order=order)
    save_page(page, references=RowChanges(save=[reference]))
    return reference
