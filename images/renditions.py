"""Resized copies of an image, made once when its file is saved, never per request.

Each width comes in WebP and in a fallback every browser shows (JPEG, or PNG when the
picture has transparency). Files go through the storage's own API (open/save), so the
local disk and an object-storage bucket work alike.
"""

import io
from pathlib import PurePath

from django.core.files.base import ContentFile

# Pillow is imported where a file is decoded, not when a worker starts: public requests
# only read stored renditions (about 4 MB less per worker).

WIDTHS = (480, 800, 1200, 1600)
QUALITY = {"webp": 80, "jpeg": 82}


def target_widths(original_width):
    """The standard widths up to the original's (never upscaled), and at least one."""
    widths = [width for width in WIDTHS if width <= original_width]
    return widths or [original_width]


def has_transparency(picture):
    return picture.mode in ("RGBA", "LA", "PA") or (
        picture.mode == "P" and "transparency" in picture.info
    )


def _encode(picture, file_format):
    buffer = io.BytesIO()
    if file_format == "webp":
        picture.save(buffer, "WEBP", quality=QUALITY["webp"], method=6)
    elif file_format == "jpeg":
        picture.convert("RGB").save(
            buffer, "JPEG", quality=QUALITY["jpeg"], optimize=True, progressive=True
        )
    else:
        picture.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def _open_original(image):
    from PIL import Image as PillowImage
    from PIL import ImageOps

    with image.file.open("rb") as stored:
        picture = PillowImage.open(io.BytesIO(stored.read()))
        picture.load()
    picture = ImageOps.exif_transpose(picture)
    return picture.convert("RGBA" if has_transparency(picture) else "RGB")


def missing_renditions(image):
    """(is_webp, width) pairs this image should have and doesn't yet: a width needs a WebP
    and a fallback (JPEG or PNG, decided by the pixels when it is made)."""
    existing = {(r.format == "webp", r.width) for r in image.renditions.all()}
    wanted = {(is_webp, width) for width in target_widths(image.width) for is_webp in (True, False)}
    return sorted(wanted - existing)


def ensure_renditions(image):
    """Make the renditions the image lacks; a second call makes none."""
    from PIL import Image as PillowImage

    from images.models import Rendition

    missing = missing_renditions(image)
    if not missing:
        return []
    picture = _open_original(image)
    fallback = "png" if picture.mode == "RGBA" else "jpeg"
    stem = PurePath(image.file.name).stem
    made = []
    for is_webp, width in missing:
        file_format = "webp" if is_webp else fallback
        height = max(1, round(picture.height * width / picture.width))
        resized = picture
        if width != picture.width:
            resized = picture.resize((width, height), PillowImage.Resampling.LANCZOS)
        extension = "jpg" if file_format == "jpeg" else file_format
        rendition = Rendition(image=image, format=file_format)
        rendition.file.save(
            f"{stem}-{width}w.{extension}", ContentFile(_encode(resized, file_format)), save=False
        )
        # Known already: no need to let the field read the stored file back for them.
        rendition.width, rendition.height = resized.size
        rendition.save()
        made.append(rendition)
    if made and hasattr(image, "_prefetched_objects_cache"):
        image._prefetched_objects_cache.pop("renditions", None)
    return made
