"""Checking an uploaded picture and re-encoding it without its metadata.

The file's name and the browser's content type are never trusted: the bytes are decoded
with Pillow, fully, before anything is stored. Re-encoding after applying the EXIF
orientation drops every metadata block (EXIF with GPS location, XMP, comments), so a
photo taken on a phone doesn't publish where it was taken.
"""

import io
import warnings
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.text import slugify

# Pillow is imported when an upload is checked (see images/renditions.py).

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# Far above any photo a page needs (a 50-megapixel camera), far below what exhausts memory.
MAX_PIXELS = 50_000_000

# Pillow format name -> (file extension, content type, save options).
ALLOWED_FORMATS = {
    "JPEG": ("jpg", "image/jpeg", {"quality": 90, "optimize": True}),
    "PNG": ("png", "image/png", {"optimize": True}),
    "WEBP": ("webp", "image/webp", {"quality": 90}),
    "GIF": ("gif", "image/gif", {}),
}
# Kept through re-encoding: they change how the picture looks, and reveal nothing.
KEPT_INFO = ("transparency", "icc_profile")
# What Pillow calls a JPEG that carries a second picture (an iPhone HDR gain map, a phone's
# or camera's Multi-Picture Object). It reports it as animated, but its first frame is the
# photo itself: that frame is kept and stored as a plain JPEG.
JPEG_WITH_EXTRA_PICTURES = "MPO"

UNREADABLE = "This file isn't a picture we can read. Upload a JPEG, PNG, WebP or GIF."
TOO_LARGE = "This file is {size:.1f} MB; the limit is 10 MB. Save a smaller copy and upload that."
SVG_REFUSED = (
    "SVG images can't be uploaded: an SVG file can carry scripts that would run on the "
    "site. Export the picture as PNG or WebP and upload that."
)
WRONG_FORMAT = (
    "This is a {format} picture, which not every browser can show. Upload a JPEG, PNG, WebP or GIF."
)
TOO_MANY_PIXELS = (
    "This picture has too many pixels to process safely. Resize it to under 50 "
    "megapixels (for example 6000 × 4000) and upload that."
)
ANIMATED = (
    "Animated pictures can't be uploaded: movement distracts readers and can't be paused. "
    "Upload a still image."
)


def looks_like_svg(upload, head):
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return (
        PurePath(upload.name or "").suffix.lower() in (".svg", ".svgz")
        or text.startswith(b"<?xml")
        or text.startswith(b"<svg")
        or b"<svg" in text
    )


def _decode(data):
    """The fully loaded picture, or a ValidationError a person understands."""
    from PIL import Image as PillowImage

    with warnings.catch_warnings():
        warnings.simplefilter("error", PillowImage.DecompressionBombWarning)
        try:
            with PillowImage.open(io.BytesIO(data)) as probe:
                probe.verify()  # structure and checksums, without decoding pixels
            picture = PillowImage.open(io.BytesIO(data))
            if picture.width * picture.height > MAX_PIXELS:
                raise ValidationError(TOO_MANY_PIXELS, code="too_many_pixels")
            picture.load()  # a truncated or corrupt file fails here
        except ValidationError:
            raise
        except (PillowImage.DecompressionBombError, PillowImage.DecompressionBombWarning) as exc:
            raise ValidationError(TOO_MANY_PIXELS, code="too_many_pixels") from exc
        except Exception as exc:  # Pillow raises many kinds for hostile bytes
            raise ValidationError(UNREADABLE, code="unreadable") from exc
    return picture


def check_picture(upload):
    """Validate an upload; returns the decoded picture (Pillow image)."""
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(TOO_LARGE.format(size=upload.size / 1024 / 1024), code="too_large")
    upload.seek(0)
    data = upload.read()
    if looks_like_svg(upload, data[:1024]):
        raise ValidationError(SVG_REFUSED, code="svg")
    picture = _decode(data)
    if picture.format == JPEG_WITH_EXTRA_PICTURES:
        return picture
    if picture.format not in ALLOWED_FORMATS:
        raise ValidationError(WRONG_FORMAT.format(format=picture.format), code="format")
    if getattr(picture, "is_animated", False):
        raise ValidationError(ANIMATED, code="animated")
    return picture


def without_metadata(picture, original_name):
    """The picture re-encoded, upright, with no metadata, as an upload Django can store."""
    from PIL import ImageOps

    file_format = "JPEG" if picture.format == JPEG_WITH_EXTRA_PICTURES else picture.format
    extension, content_type, options = ALLOWED_FORMATS[file_format]
    upright = ImageOps.exif_transpose(picture)  # a copy of the current (first) frame only
    upright.info = {key: picture.info[key] for key in KEPT_INFO if key in picture.info}
    buffer = io.BytesIO()
    upright.save(buffer, format=file_format, **options)
    stem = slugify(PurePath(original_name or "").stem)[:60] or "image"
    return SimpleUploadedFile(f"{stem}.{extension}", buffer.getvalue(), content_type)


def cleaned_upload(upload):
    """check_picture then without_metadata: what the admin stores for an upload."""
    return without_metadata(check_picture(upload), upload.name)
