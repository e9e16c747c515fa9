from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django_otp import user_has_device
from django_otp.forms import OTPAuthenticationFormMixin

from staff.two_factor import device_for_code, normalise_code

WRONG_CODE = (
    "That code didn't match. Try the newest code from your authenticator app, "
    "or a backup code you have not used yet."
)
CODE_HELP = "The 6-digit code from your authenticator app, or one of your backup codes."


class StaffAuthenticationForm(OTPAuthenticationFormMixin, AdminAuthenticationForm):
    """The admin's sign-in: username, password and (once two-factor is on) a code, in one step."""

    otp_token = forms.CharField(
        label="Two-factor code",
        required=False,
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )

    otp_error_messages = {
        **OTPAuthenticationFormMixin.otp_error_messages,
        "token_required": (
            "Two-factor sign-in is on for this account. Please enter the 6-digit code from "
            "your authenticator app, or one of your backup codes, with your password."
        ),
        "invalid_token": WRONG_CODE,
        # No device of the kind the code looks like: to the person, simply a wrong code.
        "device_required": WRONG_CODE,
        "n_failed_attempts": (
            "Several codes in a row didn't match, so codes are paused for a moment. "
            "Please wait a minute, then try the newest code."
        ),
        "verification_not_allowed": "Codes are paused for a moment. Please try again in a minute.",
    }
    not_enrolled_message = (
        "Two-factor sign-in is required here, and this account has no authenticator app "
        "yet. Please ask the clinic's administrator to set one up for you."
    )

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        if settings.REQUIRE_STAFF_2FA:
            self.fields["otp_token"].help_text = CODE_HELP
        else:
            self.fields[
                "otp_token"
            ].help_text = (
                f"{CODE_HELP} Leave it empty if two-factor sign-in is not on for your account."
            )

    def clean_otp_token(self):
        return normalise_code(self.cleaned_data["otp_token"])

    def clean(self):
        # A wrong password stops here; authenticate() has already counted it for django-axes.
        super().clean()
        user = self.get_user()
        if user is None:  # a field was refused (a NUL in the username): already said why
            return self.cleaned_data
        try:
            if user_has_device(user):
                self.clean_otp(user)
            elif settings.REQUIRE_STAFF_2FA:
                raise forms.ValidationError(self.not_enrolled_message, code="not_enrolled")
        except forms.ValidationError:
            self._count_failed_sign_in()
            raise
        return self.cleaned_data

    def _chosen_device(self, user):
        # One step: the code itself says whether it is for the app or a backup code.
        return device_for_code(user, self.cleaned_data.get("otp_token"))

    def _update_form(self, user):
        # django-otp would write the password back into the page for a second try; a
        # password never goes into the HTML of a shared clinic computer.
        pass

    def _count_failed_sign_in(self):
        # A missing or wrong code counts towards the lockout exactly like a wrong password.
        user_login_failed.send(
            sender=__name__,
            credentials={"username": self.cleaned_data.get("username")},
            request=self.request,
        )


class ConfirmDeviceForm(forms.Form):
    token = forms.CharField(
        label="6-digit code from your authenticator app",
        min_length=6,
        max_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )

    def __init__(self, *args, device, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_token(self):
        token = self.cleaned_data["token"]
        if not token.isdigit() or not self.device.verify_token(token):
            raise forms.ValidationError(
                "That code didn't match. Check the time on your phone and try the newest code."
            )
        return token
