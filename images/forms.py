from django import forms
from django.core.files.uploadedfile import UploadedFile

from images.models import Image
from images.uploads import ALLOWED_FORMATS, cleaned_upload


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

    class Meta:
        model = Image
        fields = ["title", "file", "alt_text", "decorative", "credit"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not isinstance(upload, UploadedFile):
            return upload  # the stored file, unchanged
        return cleaned_upload(upload)
