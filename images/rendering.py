"""HTML for an image: a <picture> of its stored renditions, with nothing made per request.

width and height come from the renditions, so the browser reserves the space before the
file arrives (no layout shift); CSS (site.css) scales the picture to its column.
"""

from django.conf import settings
from django.utils.html import format_html

# The page body column (.page-article, at most 46rem in Bootstrap's col-lg-8).
BODY_SIZES = (
    "(min-width: 1200px) 736px, (min-width: 992px) 616px, (min-width: 768px) 696px, "
    "(min-width: 576px) 516px, calc(100vw - 24px)"
)
SOCIAL_WIDTH = 1200


def _by_kind(image):
    """(webp renditions, fallback renditions), narrowest first."""
    renditions = sorted(image.renditions.all(), key=lambda rendition: rendition.width)
    webp = [rendition for rendition in renditions if rendition.format == "webp"]
    return webp, [rendition for rendition in renditions if rendition.format != "webp"]


def fallback_renditions(image):
    """The JPEG or PNG renditions every browser shows, narrowest first."""
    return _by_kind(image)[1]


def _srcset(renditions):
    return ", ".join(f"{rendition.file.url} {rendition.width}w" for rendition in renditions)


def picture_html(image, *, sizes="100vw", loading="lazy"):
    """A <picture> for image; empty when it has no renditions (nothing to show)."""
    webp, fallback = _by_kind(image)
    if not fallback:
        return ""
    largest = fallback[-1]
    src = min(fallback, key=lambda rendition: abs(rendition.width - 800))
    loading_attribute = format_html(' loading="{}"', loading) if loading == "lazy" else ""
    source = (
        format_html('<source type="image/webp" srcset="{}" sizes="{}">', _srcset(webp), sizes)
        if webp
        else ""
    )
    return format_html(
        '<picture>{}<img src="{}" srcset="{}" sizes="{}" width="{}" height="{}" alt="{}"{}'
        ' decoding="async"></picture>',
        source,
        src.file.url,
        _srcset(fallback),
        sizes,
        largest.width,
        largest.height,
        image.alt,
        loading_attribute,
    )


def figure_html(image, *, caption="", loading="lazy"):
    """A page-body figure: the picture and an optional caption (escaped)."""
    picture = picture_html(image, sizes=BODY_SIZES, loading=loading)
    if not picture:
        return ""
    figcaption = format_html("<figcaption>{}</figcaption>", caption) if caption else ""
    return format_html('<figure class="page-figure">{}{}</figure>', picture, figcaption)


def absolute_url(url):
    """Storage URLs are site-relative on the local disk, absolute on a bucket."""
    return url if url.startswith(("https://", "http://")) else settings.SITE_URL + url


def social_image_meta(image):
    """Open Graph fields for image: the fallback rendition nearest 1200 px wide, or None."""
    if image is None:
        return None
    _webp, fallback = _by_kind(image)
    if not fallback:
        return None
    chosen = min(fallback, key=lambda rendition: abs(rendition.width - SOCIAL_WIDTH))
    return {
        "url": absolute_url(chosen.file.url),
        "width": chosen.width,
        "height": chosen.height,
        "alt": image.alt,
        "type": f"image/{chosen.format}",
    }
