"""schema.org JSON-LD for a page: MedicalWebPage (with its review) and FAQPage."""

import json

from django.conf import settings
from django.utils.safestring import mark_safe

# Inside <script> the JSON must not close the element or open a comment.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def to_script_json(data):
    """JSON safe to place between <script type="application/ld+json"> tags."""
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(_SCRIPT_ESCAPES))  # noqa: S308


def page_json_ld(page, faqs):
    url = settings.SITE_URL + page.path
    medical_page = {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "@id": url,
        "url": url,
        "name": page.title,
        "headline": page.title,
        "description": page.summary,
        "dateModified": page.updated_at.isoformat(),
        "inLanguage": "en-US",
        "publisher": {"@type": "MedicalOrganization", "name": settings.CLINIC_NAME},
    }
    if page.last_reviewed:
        medical_page["lastReviewed"] = page.last_reviewed.isoformat()
    if page.reviewer:
        medical_page["reviewedBy"] = {
            "@type": "Person",
            "name": page.reviewer.name,
            "jobTitle": page.reviewer.credentials,
        }
    blocks = [medical_page]
    if faqs:
        blocks.append(
            {
                "@context": "https://schema.org",
                "@type": "FAQPage",
                "mainEntity": [
                    {
                        "@type": "Question",
                        "name": faq.question,
                        "acceptedAnswer": {"@type": "Answer", "text": faq.answer_html},
                    }
                    for faq in faqs
                ],
            }
        )
    return [to_script_json(block) for block in blocks]
