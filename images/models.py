from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction

from images.renditions import ensure_renditions
from images.signals import image_changed

ALT_TEXT_MISSING = (
    "Describe what the image shows, for people who can't see it, or tick “decorative” "
    "if it adds nothing to the text."
)
ALT_TEXT_AND_DECORATIVE = (
    "A decorative image has no alt text: clear the alt text, or untick “decorative” if "
    "the image does carry meaning."
)


def delete_file_after_commit(storage, name):
    """Remove a stored file once the row that named it is gone for good (not on rollback)."""
    transaction.on_commit(lambda: storage.delete(name))


class Image(models.Model):
    """An uploaded picture; pages show it through renditions made once, at upload."""

    title = models.CharField(
        max_length=200, help_text="For finding the image in the admin; not shown on the site."
    )
    file = models.ImageField(
        upload_to="images/originals/%Y/%m/", width_field="width", height_field="height"
    )
    width = models.PositiveIntegerField(editable=False, default=0)
    height = models.PositiveIntegerField(editable=False, default=0)
    alt_text = models.CharField(
        max_length=250,
        blank=True,
        help_text=(
            "What the image shows, for people who cannot see it (screen readers read it "
            "aloud). Required unless the image is decorative."
        ),
    )
    decorative = models.BooleanField(
        default=False,
        help_text="Tick only if the image adds nothing to the text; screen readers skip it.",
    )
    credit = models.CharField(
        max_length=300, blank=True, help_text="Who made the image and under which licence."
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, editable=False
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        with transaction.atomic():
            # The file the row holds now, read at the save (renditions are remade only
            # for a new upload): exact even for an instance loaded long before.
            old_name = Image.objects.filter(pk=self.pk).values_list("file", flat=True).first()
            file_changed = old_name != self.file.name
            super().save(*args, **kwargs)
            if file_changed:
                self.renditions.all().delete()
                if old_name:
                    delete_file_after_commit(self.file.storage, old_name)
            ensure_renditions(self)
            # Pages that show the image re-render only now that its renditions exist.
            image_changed.send(sender=Image, image=self)

    @property
    def marker(self):
        """What an editor puts on its own line in a page body to show the image."""
        return f"[[image:{self.pk}]]"

    @property
    def alt(self):
        return "" if self.decorative else self.alt_text

    def clean(self):
        if self.decorative and self.alt_text.strip():
            raise ValidationError({"decorative": ALT_TEXT_AND_DECORATIVE})
        if not self.decorative and not self.alt_text.strip():
            raise ValidationError({"alt_text": ALT_TEXT_MISSING})


class Rendition(models.Model):
    """One resized copy of an image in one format, generated once and stored."""

    class Format(models.TextChoices):
        WEBP = "webp", "WebP"
        JPEG = "jpeg", "JPEG"
        PNG = "png", "PNG"

    image = models.ForeignKey(Image, on_delete=models.CASCADE, related_name="renditions")
    format = models.CharField(max_length=4, choices=Format.choices)
    file = models.ImageField(
        upload_to="images/renditions/%Y/%m/", width_field="width", height_field="height"
    )
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["image", "format", "width"]
        constraints = [
            models.UniqueConstraint(
                fields=["image", "format", "width"], name="one_rendition_per_size_and_format"
            )
        ]

    def __str__(self):
        return f"{self.image} ({self.format}, {self.width}px)"
