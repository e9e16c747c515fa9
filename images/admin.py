from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from images.forms import ImageForm
from images.models import Image
from images.rendering import fallback_renditions
from pages.image_usage import pages_using


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    form = ImageForm
    list_display = ("thumbnail", "title", "size", "alt_label", "marker_to_copy")
    list_display_links = ("thumbnail", "title")
    search_fields = ("title", "alt_text", "credit")
    readonly_fields = ("preview", "size", "marker_to_copy", "used_on", "uploaded_by")
    fieldsets = [
        (None, {"fields": ["title", "file", "preview", "size"]}),
        ("Description", {"fields": ["alt_text", "decorative", "credit"]}),
        ("Using it", {"fields": ["marker_to_copy", "used_on", "uploaded_by"]}),
    ]

    class Media:
        js = ["admin_images/upload_preview.js"]
        css = {"all": ["admin_images/upload.css"]}

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("renditions")

    def get_fieldsets(self, request, obj=None):
        if obj is None:  # nothing to preview or place until it is uploaded
            return [(None, {"fields": ["title", "file"]}), self.fieldsets[1]]
        return self.fieldsets

    def get_deleted_objects(self, objs, request):
        """The delete page also names the pages that will show the image no more."""
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        for image in objs:
            deleted += [
                f"Page “{page.title}” ({page.path}): stays, without this image"
                for page in pages_using(image)
            ]
        return deleted, model_count, perms_needed, protected

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)

    @staticmethod
    def _smallest_fallback(image):
        return next(iter(fallback_renditions(image)), None)

    @admin.display(description="picture")
    def thumbnail(self, image):
        rendition = self._smallest_fallback(image)
        if rendition is None:
            return "—"
        height = round(80 * rendition.height / rendition.width)
        return format_html(
            '<img src="{}" width="80" height="{}" alt="" loading="lazy">',
            rendition.file.url,
            height,
        )

    @admin.display(description="preview")
    def preview(self, image):
        rendition = self._smallest_fallback(image)
        if rendition is None:
            return "—"
        return format_html(
            '<img src="{}" width="{}" height="{}" alt="" style="max-width:100%;height:auto">',
            rendition.file.url,
            rendition.width,
            rendition.height,
        )

    @admin.display(description="size")
    def size(self, image):
        return f"{image.width} × {image.height} px" if image.pk else "—"

    @admin.display(description="alt text")
    def alt_label(self, image):
        return format_html("<em>decorative</em>") if image.decorative else image.alt_text

    @admin.display(description="marker to copy into a page body")
    def marker_to_copy(self, image):
        return format_html("<code>{}</code>", image.marker) if image.pk else "—"

    @admin.display(description="used on")
    def used_on(self, image):
        pages = pages_using(image)
        if not pages:
            return "No page yet."
        return format_html_join(
            ", ",
            '<a href="{}">{}</a>',
            ((reverse("admin:pages_page_change", args=[page.pk]), page.title) for page in pages),
        )
