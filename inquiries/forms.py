"""The public "Get in touch" form.

Every text field is normalised before Django's length checks run, so "at most 100
characters" means 100 visible characters, and input with control characters is refused
with a message beside the field rather than stored.
"""

import re
import unicodedata

import phonenumbers
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.forms.utils import ErrorDict
from django.utils.functional import cached_property

from inquiries.consent import CONSENT_TEXT
from inquiries.models import Inquiry, Topic
from inquiries.spam import check_form_token, issue_form_token
from inquiries.topics import WITHDRAWN_MESSAGE

# Contact methods that need a phone number; the form's script marks the phone field
# required as soon as one is chosen, and clean() insists on it.
NEEDS_PHONE = (Inquiry.ContactMethod.PHONE, Inquiry.ContactMethod.TEXT)
PHONE_REGION = "US"
PHONE_MAX_INPUT = 30
MESSAGE_MAX_LENGTH = Inquiry._meta.get_field("message").max_length

CONTROL_CHARACTERS_MESSAGE = (
    "This contains characters we can't accept, such as line breaks or invisible control "
    "codes. Please type it again."
)
_WHITESPACE_RUN = re.compile(r"\s+")
# Characters that never belong in a name and usually mean markup or a script.
_NOT_IN_NAMES = set("<>{}[]\\|@")


# Unicode's control characters ("Cc") within ASCII; every "Cf" character is beyond it.
_ASCII_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def strip_invisible(value):
    """Remove zero-width and bidi control characters (Unicode "format" characters):
    invisible, and used to disguise text or smuggle it past reviewers."""
    if value.isascii():  # most input, and none of it can be a format character
        return value
    return "".join(c for c in value if unicodedata.category(c) != "Cf")


def has_control_characters(value, *, allowed=""):
    if value.isascii():
        return any(c not in allowed for c in _ASCII_CONTROL.findall(value))
    return any(unicodedata.category(c) == "Cc" and c not in allowed for c in value)


def clean_metadata(value, max_length):
    """Referrer and utm_* values: tidied and cut to the column's length, never refused."""
    value = strip_invisible(value or "")
    value = "".join(c for c in value if unicodedata.category(c) != "Cc")
    return value.strip()[:max_length]


class LineField(forms.CharField):
    """One line of text: control characters refused, invisible ones removed, inner
    whitespace collapsed, ends trimmed. Empty after that counts as missing."""

    def to_python(self, value):
        if value in self.empty_values:
            return ""
        value = str(value).replace("\t", " ")
        if has_control_characters(value):
            raise ValidationError(CONTROL_CHARACTERS_MESSAGE, code="control_characters")
        value = unicodedata.normalize("NFC", strip_invisible(value))
        return _WHITESPACE_RUN.sub(" ", value).strip()


class NameField(LineField):
    def validate(self, value):
        super().validate(value)
        if any(c in _NOT_IN_NAMES for c in value):
            raise ValidationError(
                "Please use only letters, spaces, hyphens and apostrophes.", code="symbols"
            )


class MessageField(forms.CharField):
    """Free text that keeps its line breaks and tabs; other control characters refused."""

    def widget_attrs(self, widget):
        # A maxlength would make browsers cut pasted text silently; the live counter
        # and the server-side check say what is too long instead.
        attrs = super().widget_attrs(widget)
        attrs.pop("maxlength", None)
        return attrs

    def to_python(self, value):
        if value in self.empty_values:
            return ""
        # Browsers send a textarea's line breaks as CRLF; count each as one character,
        # as the live counter does.
        value = str(value).replace("\r\n", "\n").replace("\r", "\n")
        if has_control_characters(value, allowed="\n\t"):
            raise ValidationError(CONTROL_CHARACTERS_MESSAGE, code="control_characters")
        return unicodedata.normalize("NFC", strip_invisible(value)).strip()


class StrictEmailValidator(EmailValidator):
    """Django's email check without its two allowances: no "localhost"-style dotless
    domains and no IP literals such as user@[192.0.2.1]."""

    def __init__(self, **kwargs):
        super().__init__(allowlist=[], **kwargs)

    def validate_domain_part(self, domain_part):
        return bool(self.domain_regex.match(domain_part))


class StrictEmailField(forms.EmailField):
    default_validators = [
        StrictEmailValidator(
            message="Please enter an email address like name@example.com.",
        )
    ]

    def to_python(self, value):
        if value in self.empty_values:
            return ""
        value = str(value)
        if has_control_characters(value):
            raise ValidationError(CONTROL_CHARACTERS_MESSAGE, code="control_characters")
        value = strip_invisible(value).strip()
        if "@" in value:
            # The domain is case-insensitive: store it lower-case so one person's
            # inquiries match. The local part may be case-sensitive, so keep it.
            local, domain = value.rsplit("@", 1)
            value = f"{local}@{unicodedata.normalize('NFC', domain).lower()}"
        return value


class PhoneField(forms.CharField):
    """A phone number in any common format, stored as E.164 (US numbers by default)."""

    def to_python(self, value):
        if value in self.empty_values:
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
            number = phonenumbers.parse(value, PHONE_REGION)
        except phonenumbers.NumberParseException:
            number = None
        if number is None or not phonenumbers.is_valid_number(number):
            raise ValidationError(
                "Please enter a phone number we can call, like (212) 555-0123, "
                "or with its country code, like +44 20 7946 0958.",
                code="invalid",
            )
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


class InquiryForm(forms.ModelForm):
    first_name = NameField(
        label="First name",
        max_length=100,
        error_messages={"required": "Please enter your first name."},
        widget=forms.TextInput(attrs={"autocomplete": "given-name", "autocapitalize": "words"}),
    )
    last_name = NameField(
        label="Last name",
        max_length=100,
        error_messages={"required": "Please enter your last name."},
        widget=forms.TextInput(attrs={"autocomplete": "family-name", "autocapitalize": "words"}),
    )
    email = StrictEmailField(
        label="Email",
        max_length=254,
        error_messages={"required": "Please enter your email address."},
        widget=forms.EmailInput(
            attrs={"autocomplete": "email", "inputmode": "email", "spellcheck": "false"}
        ),
    )
    contact_method = forms.ChoiceField(
        label="How should we contact you?",
        choices=Inquiry.ContactMethod.choices,
        initial=Inquiry.ContactMethod.EMAIL,
        widget=forms.RadioSelect,
        error_messages={"required": "Please choose how we should contact you."},
    )
    phone = PhoneField(
        label="Phone",
        required=False,
        help_text="Needed if you'd like a call or a text.",
        widget=forms.TextInput(
            attrs={
                "type": "tel",
                "autocomplete": "tel",
                "inputmode": "tel",
                "maxlength": PHONE_MAX_INPUT,
                "data-required-for": " ".join(NEEDS_PHONE),
            }
        ),
    )
    best_time = LineField(
        label="Best time to reach you (optional)",
        required=False,
        max_length=100,
        help_text="For example: weekday mornings, or after 5 pm.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    topic = forms.ModelChoiceField(
        label="What would you like to talk about?",
        queryset=Topic.objects.filter(is_active=True),
        empty_label="Choose a topic",
        error_messages={"required": "Please choose a topic.", "invalid_choice": WITHDRAWN_MESSAGE},
    )
    message = MessageField(
        label="Message (optional)",
        required=False,
        max_length=MESSAGE_MAX_LENGTH,
        help_text=f"Anything you'd like us to know. Up to {MESSAGE_MAX_LENGTH:,} characters.",
        widget=forms.Textarea(attrs={"rows": 5, "data-max-length": MESSAGE_MAX_LENGTH}),
    )
    consent = forms.BooleanField(
        label=CONSENT_TEXT,
        required=True,
        error_messages={"required": "Please tick this box so we can contact you."},
    )
    # Honeypot: hidden from people and screen readers; bots that fill every field fill it.
    website = forms.CharField(
        label="Leave this field empty",
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    form_token = forms.CharField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Inquiry
        fields = [
            "first_name",
            "last_name",
            "email",
            "contact_method",
            "phone",
            "best_time",
            "topic",
            "message",
        ]

    def __init__(self, *args, now=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.now = now
        self.submission_token = None
        self.spam_reason = ""
        self.send_again = False
        if not self.is_bound:
            self.initial.setdefault("form_token", issue_form_token(now=now))

    @cached_property
    def helper(self):
        """The crispy layout, built only when the form is rendered (not for a valid POST)."""
        helper = FormHelper()
        helper.form_tag = False
        helper.disable_csrf = True
        helper.layout = Layout(
            Div(
                Div("first_name", css_class="col-sm-6"),
                Div("last_name", css_class="col-sm-6"),
                css_class="row",
            ),
            "email",
            "contact_method",
            "phone",
            "best_time",
            "topic",
            "message",
            Field("consent", wrapper_class="inquiry-consent"),
            Div("website", css_class="inquiry-hp", aria_hidden="true"),
            "form_token",
        )
        return helper

    def clean(self):
        cleaned_data = super().clean()
        needs_phone = cleaned_data.get("contact_method") in NEEDS_PHONE
        if needs_phone and not cleaned_data.get("phone") and "phone" not in self.errors:
            self.add_error(
                "phone",
                ValidationError(
                    "Please enter a phone number so we can call or text you.", code="required"
                ),
            )
        # Spam signs don't block the form: a suspect inquiry is stored as spam for
        # staff to review, and the sender sees the usual thank-you page. The fill time
        # alone is no such sign: autofill and fast typists beat it, so that form is shown
        # again to check and send, and a person is never filed as spam unseen.
        check = check_form_token(cleaned_data.get("form_token"), now=self.now)
        self.submission_token = check.token
        if cleaned_data.get("website"):
            self.spam_reason = "hidden honeypot field filled in"
        elif check.send_again:
            self.send_again = True
            self._renew_form_token()
        else:
            self.spam_reason = check.spam_reason
        return cleaned_data

    def _renew_form_token(self):
        """Show the form again with a token for the same submission whose next send
        skips the fill-time check (the person has looked and sent it again)."""
        self.data = self.data.copy()
        self.data[self.add_prefix("form_token")] = issue_form_token(
            token=self.submission_token, checked=True
        )

    def keep_input_without_database(self):
        """Make the bound form renderable with the database down: the typed topic is
        kept as the only choice, and no validation runs (it would need the database)."""
        value = self.data.get(self.add_prefix("topic"), "") if self.is_bound else ""
        choices = [("", "Choose a topic")]
        if value:
            choices.append((value, "Your earlier choice (kept)"))
        self.fields["topic"] = forms.ChoiceField(
            label=self.fields["topic"].label, choices=choices, required=True
        )
        # An empty error dict tells Django the form is already cleaned, so rendering
        # it shows what was typed without touching the database.
        self._errors = ErrorDict()
        self.cleaned_data = {}
