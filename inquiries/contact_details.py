"""One set of rules for a person's name, email address and phone number.

The public form, the admin's inquiry form and the admin's search all call these, so
what the form refuses the admin refuses too, and a number typed into the search box is
read exactly as the stored one was. Each function takes what was typed and returns it
tidied, or raises a ValidationError whose message tells a person what to change.
"""

import re
import unicodedata

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator

PHONE_REGION = "US"
PHONE_MAX_INPUT = 30

CONTROL_CHARACTERS_MESSAGE = (
    "This contains characters we can't accept, such as line breaks or invisible control "
    "codes. Please type it again."
)
NAME_SYMBOLS_MESSAGE = "Please use only letters, spaces, hyphens and apostrophes."
NAME_WEB_ADDRESS_MESSAGE = "Please enter a name only, without a web address."
EMAIL_MESSAGE = "Please enter an email address like name@example.com."
PHONE_MESSAGE = (
    "Please enter a phone number we can call, like (212) 555-0123, "
    "or with its country code, like +44 20 7946 0958."
)

_WHITESPACE_RUN = re.compile(r"\s+")
# Unicode's control characters ("Cc") within ASCII; every "Cf" character is beyond it.
_ASCII_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# Characters that never belong in a name and usually mean markup or a script.
_NOT_IN_NAMES = set("<>{}[]\\|@")
# A link in a name field is spam, never a name: a scheme, "www." or a common domain ending.
_WEB_ADDRESS = re.compile(
    r"://|\bwww\.|\.(?:com|net|org|info|biz|io|co|ly|ru|xyz|top|site|online|link)\b",
    re.IGNORECASE,
)


def strip_invisible(value):
    """Remove zero-width and bidi control characters (Unicode "format" characters):
    invisible, and used to disguise text or smuggle it past reviewers."""
    if value.isascii():  # most input, and none of it can be a format character
        return value
    return "".join(c for c in value if unicodedata.category(c) != "Cf")


def clean_metadata(value, max_length):
    """Referrer and utm_* values: tidied and cut to the column's length, never refused."""
    value = strip_invisible(value or "")
    value = "".join(c for c in value if unicodedata.category(c) != "Cc")
    return value.strip()[:max_length]


def has_control_characters(value, *, allowed=""):
    if value.isascii():
        return any(c not in allowed for c in _ASCII_CONTROL.findall(value))
    return any(unicodedata.category(c) == "Cc" and c not in allowed for c in value)


def _refuse_control_characters(value):
    if has_control_characters(value):
        raise ValidationError(CONTROL_CHARACTERS_MESSAGE, code="control_characters")


def normalise_line(value):
    """One line of text: control characters refused, invisible ones removed, inner
    whitespace collapsed, ends trimmed. "" when nothing visible is left."""
    if not value:
        return ""
    value = str(value).replace("\t", " ")
    _refuse_control_characters(value)
    value = unicodedata.normalize("NFC", strip_invisible(value))
    return _WHITESPACE_RUN.sub(" ", value).strip()


def normalise_name(value):
    """A first or last name: one tidy line, without markup, symbols or web addresses."""
    value = normalise_line(value)
    if any(c in _NOT_IN_NAMES for c in value):
        raise ValidationError(NAME_SYMBOLS_MESSAGE, code="symbols")
    if _WEB_ADDRESS.search(value):
        raise ValidationError(NAME_WEB_ADDRESS_MESSAGE, code="web_address")
    return value


class StrictEmailValidator(EmailValidator):
    """Django's email check without its two allowances: no "localhost"-style dotless
    domains and no IP literals such as user@[192.0.2.1]."""

    def __init__(self, **kwargs):
        super().__init__(allowlist=[], **kwargs)

    def validate_domain_part(self, domain_part):
        return bool(self.domain_regex.match(domain_part))


validate_email = StrictEmailValidator(message=EMAIL_MESSAGE)


def tidy_email(value):
    """An email address as typed, tidied but not yet checked (see normalise_email)."""
    if not value:
        return ""
    value = str(value)
    _refuse_control_characters(value)
    value = strip_invisible(value).strip()
    if "@" in value:
        # The domain is case-insensitive: store it lower-case so one person's inquiries
        # match. The local part may be case-sensitive, so keep it.
        local, domain = value.rsplit("@", 1)
        value = f"{local}@{unicodedata.normalize('NFC', domain).lower()}"
    return value


def normalise_email(value):
    """An email address, tidied and checked; "" when none was typed."""
    value = tidy_email(value)
    if value:
        validate_email(value)
    return value


def normalise_phone(value, region=PHONE_REGION):
    """A phone number in any common format, as E.164 (US numbers by default); refused
    unless it is a number that can be called. "" when none was typed."""
    if not value:
        return ""
    value = str(value)
    if has_control_characters(value.replace("\t", " ")):
        raise ValidationError(CONTROL_CHARACTERS_MESSAGE, code="control_characters")
    value = strip_invisible(value).strip()
    if not value:
        return ""
    if len(value) > PHONE_MAX_INPUT:
        raise ValidationError(
            f"Please enter a phone number of at most {PHONE_MAX_INPUT} characters.",
            code="max_length",
        )
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError(PHONE_MESSAGE, code="invalid")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
