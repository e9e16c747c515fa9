from django.conf import settings
from django.db import models


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
