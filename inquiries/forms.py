"""The public "Get in touch" form.

Every text field is normalised before Django's length checks run, so "at most 100
characters" means 100 visible characters, and input with control characters is refused
with a message beside the field rather than stored. Names, email and phone follow the
rules in inquiries/contact_details.py, which the admin's inquiry form shares.
"""

import unicodedata

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict
from django.utils.functional import cached_property

from inquiries.consent import CONSENT_TEXT
from inquiries.contact_details import (
    CONTROL_CHARACTERS_MESSAGE,
    PHONE_MAX_INPUT,
    has_control_characters,
    normalise_line,
    normalise_name,
    normalise_phone,
    strip_invisible,
    tidy_email,
    validate_email,
)
from inquiries.models import Inquiry, Topic
from inquiries.spam import check_form_token, issue_form_token
from inquiries.topics import WITHDRAWN_MESSAGE

# Contact methods that need a phone number; the form's script marks the phone field
# required as soon as one is chosen, and clean() insists on it.
NEEDS_PHONE = (Inquiry.ContactMethod.PHONE, Inquiry.ContactMethod.TEXT)
MESSAGE_MAX_LENGTH = Inquiry._meta.get_field("message").max_length


class LineField(forms.CharField):
    """One line of text: control characters refused, invisible ones removed, inner
    whitespace collapsed, ends trimmed. Empty after that counts as missing."""

    def to_python(self, value):
        return normalise_line(value)


class NameField(LineField):
    """Markup, symbols and web addresses refused as well (contact_details.normalise_name)."""

    def to_python(self, value):
        return normalise_name(value)


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


class StrictEmailField(forms.EmailField):
    """contact_details.normalise_email in Django's two steps: tidied, then (after the
    "required" and length checks) validated."""

    default_validators = [validate_email]

    def to_python(self, value):
        return tidy_email(value)


class PhoneField(forms.CharField):
    """A phone number in any common format, stored as E.164 (US numbers by default)."""

    def to_python(self, value):
        return normalise_phone(value)


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
