from django import forms
from django.core.files.uploadedfile import UploadedFile

from images.models import Image
from images.uploads import ALLOWED_FORMATS, cleaned_upload

ALT_TEXT_GUIDANCE = (
    "Required unless the image is decorative. Say what the picture shows that matters on "
    "the page, as you would to someone on the phone: one short sentence, about 125 "
    "characters. Start with what it is, not “Image of” or “Photo of” (screen readers "
    "already say so), and don't repeat the caption or the text next to it. "
    "For example: “A nurse checks a patient's blood pressure in a quiet treatment room.”"
)


class AltTextInput(forms.TextInput):
    # No HTML `required`: a decorative image is saved without alt text, and Image.clean
    # says which of the two is missing.
    def use_required_attribute(self, initial):
        return False


class AltTextField(forms.CharField):
    """Shown as required (the admin marks its label), checked by Image.clean, which knows
    whether the image is decorative."""

    def __init__(self, **kwargs):
        kwargs["required"] = True
        super().__init__(**kwargs)

    def validate(self, value):
        """Image.clean decides: empty alt text is right for a decorative image."""


class ImageForm(forms.ModelForm):
    # A plain file field: the checks below decode the bytes themselves, in a safe order
    # (size first), with messages of their own.
    file = forms.FileField(
        label="Picture",
        help_text=(
            "A JPEG, PNG, WebP or GIF of at most 10 MB. Location and camera details are "
            "removed when it is stored; sizes for every screen are made once, now."
        ),
        widget=forms.ClearableFileInput(
            attrs={"accept": ",".join(content for _e, content, _o in ALLOWED_FORMATS.values())}
        ),
    )

    alt_text = AltTextField(
        label="Alt text",
        max_length=250,
        help_text=ALT_TEXT_GUIDANCE,
        widget=AltTextInput(attrs={"class": "vLargeTextField", "aria-required": "true"}),
    )

    class Meta:
        model = Image
        fields = ["title", "file", "alt_text", "decorative", "credit"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not isinstance(upload, UploadedFile):
            return upload  # the stored file, unchanged
        return cleaned_upload(upload)
