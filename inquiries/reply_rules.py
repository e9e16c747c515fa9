"""The rules that keep health details out of replies to patients, and filling a reply
template in: text only, no models, so the models (a template's clean()) and the reply
screens both use them without importing each other.

A reply invites the patient to call or book; it never discusses health by email. So a
template or an edited reply is refused when it holds a diagnosis word from the list
below, a link to a host other than the clinic's own, or (when sending) any run of the
patient's own message.
"""

import re
import string
from urllib.parse import urlsplit

from django.conf import settings

PLACEHOLDERS = ("first_name", "clinic_name", "clinic_phone", "staff_first_name", "booking_link")

# Reviewed list: words that would tell a reader of the email what the patient may be
# treated for. Change it only with the clinic's medical reviewer; tests pin a few.
DIAGNOSIS_WORDS = (
    "addiction",
    "alcoholism",
    "anorexia",
    "antidepressant",
    "antidepressants",
    "anxiety",
    "bipolar",
    "bulimia",
    "chronic pain",
    "crps",
    "depressed",
    "depression",
    "diagnosed",
    "diagnosis",
    "eating disorder",
    "fibromyalgia",
    "mdd",
    "medication",
    "medications",
    "migraine",
    "migraines",
    "ocd",
    "overdose",
    "panic disorder",
    "post-traumatic",
    "postpartum",
    "prescription",
    "psychosis",
    "ptsd",
    "schizophrenia",
    "self-harm",
    "substance use",
    "suicidal",
    "suicide",
    "trauma",
    "treatment-resistant",
)
_DIAGNOSIS_RE = re.compile(
    r"(?<![\w-])(" + "|".join(re.escape(word) for word in DIAGNOSIS_WORDS) + r")(?![\w-])",
    re.IGNORECASE,
)
# Anything that a mail program would turn into a link: a scheme, www., or host/path.
_LINK_RE = re.compile(
    r"(?:[a-z][a-z0-9+.-]*://[^\s<>\"']+)|(?:\bwww\.[^\s<>\"']+)"
    r"|(?:\b(?:[a-z0-9-]+\.)+[a-z]{2,}/[^\s<>\"']*)",
    re.IGNORECASE,
)
# A run of this many words from the patient's message counts as quoting it.
QUOTED_WORDS = 5


def allowed_hosts():
    hosts = {urlsplit(settings.SITE_URL).hostname, urlsplit(settings.CLINIC_BOOKING_URL).hostname}
    return {host.lower() for host in hosts if host}


def _host_of(link):
    if "://" not in link:
        link = "//" + link
    return (urlsplit(link).hostname or "").lower()


def unknown_placeholders(text):
    """The placeholder names in `text` that we cannot fill; raises ValueError on bad braces."""
    names = [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]
    return [name for name in names if name not in PLACEHOLDERS]


def _rule_problems(text):
    problems = []
    words = sorted({match.group(1).lower() for match in _DIAGNOSIS_RE.finditer(text)})
    if words:
        problems.append(
            "It names a health condition or treatment detail ("
            + ", ".join(f"“{word}”" for word in words)
            + "): replies invite the patient to call or book; they never discuss health by "
            "email."
        )
    hosts = sorted({_host_of(link) for link in _LINK_RE.findall(text)} - allowed_hosts())
    if hosts:
        problems.append(
            "It links to another site (" + ", ".join(hosts) + "): replies may link only to "
            "the clinic's own site and booking page."
        )
    return problems


def template_problems(subject, body):
    """Why this template can't be saved (a list of messages; empty when it can)."""
    problems = []
    for label, text in (("subject", subject), ("body", body)):
        try:
            unknown = unknown_placeholders(text)
        except ValueError:
            problems.append(
                f"The {label} has a stray {{ or }}: placeholders look like {{first_name}}."
            )
            continue
        if unknown:
            problems.append(
                f"The {label} has an unknown placeholder "
                + ", ".join(f"{{{name}}}" for name in unknown)
                + ". Use one of: "
                + ", ".join(f"{{{name}}}" for name in PLACEHOLDERS)
                + "."
            )
    problems += _rule_problems(f"{subject}\n{body}")
    return problems


def _normalised_words(text):
    return re.findall(r"[\w']+", text.lower())


def quotes_message(text, message):
    """True when `text` holds a run of QUOTED_WORDS words of the patient's message (or
    all of a shorter message of at least three words)."""
    message_words = _normalised_words(message)
    if len(message_words) < 3:
        return False
    size = min(QUOTED_WORDS, len(message_words))
    runs = {tuple(message_words[i : i + size]) for i in range(len(message_words) - size + 1)}
    words = _normalised_words(text)
    return any(tuple(words[i : i + size]) in runs for i in range(len(words) - size + 1))


def reply_problems(inquiry, subject, body):
    """Why this reply can't be sent to this inquiry (a list of messages)."""
    problems = []
    if inquiry.reply_refusal:
        problems.append(inquiry.reply_refusal)
    if quotes_message(f"{subject}\n{body}", inquiry.message):
        problems.append(
            "It repeats the patient's own message: what they wrote stays in the clinic's "
            "records, not in email."
        )
    return problems + _rule_problems(f"{subject}\n{body}")


def placeholder_values(inquiry, staff_user, *, with_booking_link=True):
    return {
        "first_name": inquiry.first_name,
        "clinic_name": settings.CLINIC_NAME,
        "clinic_phone": settings.CLINIC_PHONE,
        "staff_first_name": staff_user.first_name or staff_user.get_username(),
        # A personal link is a stored reference: made only for a text that shows it.
        "booking_link": booking_link(inquiry) if with_booking_link else "",
    }


def booking_link(inquiry):
    """The patient's personal booking link once the clinic offers consultation times
    online (consultations/links.py); until then, CLINIC_BOOKING_URL."""
    from consultations.links import booking_url  # the consultations app builds on this one
    from consultations.models import ConsultationOffer

    if inquiry.pk is None or not ConsultationOffer.objects.filter(is_active=True).exists():
        return settings.CLINIC_BOOKING_URL
    return booking_url(inquiry)


def fill_template(template, inquiry, staff_user):
    """The template's subject and body with the placeholders filled in."""
    shows_link = "{booking_link}" in f"{template.subject}{template.body}"
    values = placeholder_values(inquiry, staff_user, with_booking_link=shows_link)
    return template.subject.format(**values), template.body.format(**values)
