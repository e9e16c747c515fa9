from django import template

from images.rendering import picture_html

register = template.Library()


@register.simple_tag
def picture(image, sizes="100vw", loading="lazy"):
    """{% picture clinician.photo sizes="(min-width: 768px) 200px, 50vw" %}; prefetch
    the image's renditions (e.g. prefetch_related("photo__renditions")) for a list."""
    if not image:
        return ""
    return picture_html(image, sizes=sizes or "100vw", loading=loading or "lazy")
