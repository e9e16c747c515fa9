"""Crisis lines on every page that mentions suicide or self-harm.

The vocabulary is the reviewed list that marks an inquiry urgent (inquiries.crisis), so a
page and a patient's message are judged by the same words. It is decided when the page or
one of its FAQs is saved and kept as Page.mentions_crisis: public requests read the flag.
"""

from inquiries.crisis import has_crisis_language

EXPLANATION = (
    "This page mentions suicide or self-harm, so patients see the crisis lines near the top."
)
NOT_SHOWN = (
    "This page doesn't mention suicide or self-harm, so the crisis lines show only where "
    "you put [[crisis-lines]] in the body."
)
NOT_SAVED = (
    "Decided when you save: a page that mentions suicide or self-harm shows the crisis "
    "lines near the top."
)


def mentions_crisis(page, faqs):
    """True when the page's title, summary, body or one of its FAQs uses crisis language."""
    texts = [page.title, page.summary, page.body]
    texts += [text for faq in faqs for text in (faq.question, faq.answer)]
    # Each text on its own: the end of one and the start of the next must not form a phrase.
    return any(has_crisis_language(text) for text in texts)


def editor_note(page):
    """Why the page shows the crisis lines near the top, or doesn't, for the change form."""
    if page.pk is None:
        return NOT_SAVED
    return EXPLANATION if page.mentions_crisis else NOT_SHOWN
