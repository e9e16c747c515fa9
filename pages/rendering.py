"""Markdown to sanitised HTML, done when a page is saved (never per request).

Editors write Markdown, which may contain raw HTML; python-markdown renders it and nh3
keeps only an explicit allow-list. A second pass (on nh3's well-formed output) adds
rel="noopener noreferrer" to links that leave the site and drops images from other hosts.
"""

import html
import re
from functools import cache
from html.parser import HTMLParser
from typing import NamedTuple
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html, format_html_join

# python-markdown and nh3 are imported when a page is saved, not when a worker starts:
# public requests never render Markdown, and workers stay smaller without them.

# Any [[...]] marker (the boxes, an image with its caption): what search and the reading
# grade leave out. Written so that Python's re and PostgreSQL's regular expressions agree.
ANY_MARKER = r"\[\[[^]\n]*\]\]"
CTA_MARKER = "[[get-in-touch]]"
CRISIS_MARKER = "[[crisis-lines]]"
# [[image:12]] or [[image:12 | A caption]] on its own line places image 12 of the library.
IMAGE_MARKER_RE = re.compile(r"\[\[image:\s*(\d{1,12})\s*(?:\|\s*(.*?)\s*)?\]\]")
# What an editor may have meant as one: "[[Image:3]]", "[[ image:3 ]]", "- [[image:3]]".
LOOKS_LIKE_IMAGE_MARKER = re.compile(r"\s*(?:[-*+]\s+)?\[\[\s*image", re.IGNORECASE)

ALLOWED_TAGS = {
    "a",
    "abbr",
    "blockquote",
    "br",
    "code",
    "dd",
    "del",
    "dl",
    "dt",
    "em",
    "h2",
    "h3",
    "h4",
    "hr",
    "img",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "h2": {"id"},
    "h3": {"id"},
    "h4": {"id"},
    "img": {"src", "alt", "title", "width", "height"},
    "ol": {"start"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}

# Ids the site's templates use; a heading called "Main" must not steal the skip link.
RESERVED_IDS = {"main", "footer-crisis-heading", "footer-contact-heading"}
RESERVED_ID_PREFIX = "page-"


def heading_id(value, separator):
    """Markdown's own slug, kept clear of the ids the page templates use."""
    from markdown.extensions.toc import slugify

    slug = slugify(value, separator)
    if slug in RESERVED_IDS or slug.startswith(RESERVED_ID_PREFIX):
        slug = f"section-{slug}"
    return slug


@cache
def _demote_h1_extension_class():
    import markdown
    from markdown.treeprocessors import Treeprocessor

    class DemoteH1(Treeprocessor):
        """The page title is the only <h1>; a `# heading` in the body becomes an <h2>."""

        def run(self, root):
            for element in root.iter("h1"):
                element.tag = "h2"

    class DemoteH1Extension(markdown.Extension):
        def extendMarkdown(self, md):  # noqa: N802 (python-markdown's API)
            # Before the toc treeprocessor (priority 5), so demoted headings join the TOC.
            md.treeprocessors.register(DemoteH1(md), "demote_h1", 30)

    return DemoteH1Extension


def site_host():
    return urlsplit(settings.SITE_URL).netloc.lower()


def is_offsite(url):
    host = urlsplit(url.strip()).netloc.lower()
    return bool(host) and host != site_host()


def _keep_attribute(tag, attribute, value):
    if tag == "img" and attribute == "src" and is_offsite(value):
        return None  # images come from our own host only (privacy, CSP img-src 'self')
    if attribute == "id" and (value in RESERVED_IDS or value.startswith(RESERVED_ID_PREFIX)):
        return None
    return value


class _LinkPass(HTMLParser):
    """Re-emits sanitised HTML unchanged except: rel on off-site links, no src-less <img>."""

    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.parts = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "img" and not values.get("src"):
            return
        if tag == "a" and is_offsite(values.get("href") or ""):
            attrs = [*attrs, ("rel", "noopener noreferrer")]
            rendered = "".join(f' {name}="{html.escape(value or "")}"' for name, value in attrs)
            self.parts.append(f"<a{rendered}>")
            return
        self.parts.append(self.get_starttag_text())

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        self.parts.append(f"</{tag}>")

    def handle_data(self, data):
        self.parts.append(data)

    def handle_entityref(self, name):
        self.parts.append(f"&{name};")

    def handle_charref(self, name):
        self.parts.append(f"&#{name};")


def sanitise(raw_html):
    import nh3

    cleaned = nh3.clean(
        raw_html,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_keep_attribute,
        url_schemes=URL_SCHEMES,
        link_rel=None,
        strip_comments=True,
    )
    link_pass = _LinkPass()
    link_pass.feed(cleaned)
    link_pass.close()
    return "".join(link_pass.parts)


def _markdown():
    import markdown

    return markdown.Markdown(
        extensions=["sane_lists", "tables", "toc", _demote_h1_extension_class()()],
        extension_configs={"toc": {"toc_depth": "2-3", "slugify": heading_id}},
    )


def render_markdown(text):
    """Markdown (for example an FAQ answer) to sanitised HTML."""
    return sanitise(_markdown().convert(text))


def _toc_list(tokens):
    if not tokens:
        return ""
    items = format_html_join(
        "",
        '<li><a href="#{}">{}</a>{}</li>',
        (
            (token["id"], html.unescape(token["name"]), _toc_list(token["children"]))
            for token in tokens
        ),
    )
    return format_html("<ol>{}</ol>", items)


def _marker_token(name):
    return f"pagesmarker{name}"


def _box_html(marker, page_path, crisis_at_top):
    if marker == CTA_MARKER:
        return render_to_string("includes/_page_cta.html", {"get_in_touch_url": cta_url(page_path)})
    # The box already shows near the top: the editor's spot keeps the numbers as one line,
    # so a section written around the marker isn't left empty and the box shows once.
    if crisis_at_top:
        return render_to_string("includes/_crisis_line.html")
    return render_to_string("includes/_crisis_box.html")


def cta_url(page_path):
    return reverse("inquiries:create") + "?" + urlencode({"from": page_path})


def has_marker(text, marker):
    return any(line.strip() == marker for line in text.splitlines())


def image_marker(line):
    """(image id, caption) for an image marker line, else None."""
    match = IMAGE_MARKER_RE.fullmatch(line.strip())
    return (int(match[1]), match[2] or "") if match else None


def image_ids_in(text):
    return {marker[0] for line in text.splitlines() if (marker := image_marker(line))}


def image_marker_errors(text, *, stored_text=""):
    """What is wrong with the body's image markers, in words for the editor. A marker the
    stored body already had is let be: its image was deleted since and shows as nothing,
    and that must not stop an unrelated edit of the page."""
    from images.models import Image

    errors = [
        f"“{line.strip()}” isn't an image marker we understand: on a line of its own, write "
        "[[image:12]] or [[image:12 | A caption]], with the number shown in the image library."
        for line in text.splitlines()
        if LOOKS_LIKE_IMAGE_MARKER.match(line) and not image_marker(line)
    ]
    ids = image_ids_in(text) - image_ids_in(stored_text)
    found = set(Image.objects.filter(pk__in=ids).values_list("pk", flat=True))
    errors += [
        f"There is no image number {pk} in the image library. Check the number (each "
        "image there shows its marker to copy), or upload the picture first."
        for pk in sorted(ids - found)
    ]
    return errors


def _figures(text):
    """{line number: figure HTML} for the body's image markers, made from stored renditions.

    An image above the body's first heading is probably on screen when the page opens, so
    it loads at once; every later one loads lazily, as the reader scrolls to it.
    """
    markers, heading_seen = {}, False
    for number, line in enumerate(text.splitlines()):
        heading_seen = heading_seen or line.lstrip().startswith("#")
        if marker := image_marker(line):
            markers[number] = (*marker, "lazy" if heading_seen or markers else "eager")
    if not markers:
        return {}
    from images.models import Image
    from images.rendering import figure_html

    ids = {pk for pk, _caption, _loading in markers.values()}
    images = Image.objects.prefetch_related("renditions").in_bulk(ids)
    # A deleted image leaves nothing behind (its marker line renders as nothing).
    return {
        number: figure_html(images[pk], caption=caption, loading=loading) if pk in images else ""
        for number, (pk, caption, loading) in markers.items()
    }


class RenderedBody(NamedTuple):
    html: str
    toc: str
    # The sanitised Markdown before the boxes and figures go in (each marker line is a
    # paragraph of its own token): the prose the reading grade reads, from the same render.
    prose_html: str


def is_marker_token(text):
    return text.startswith(_marker_token(""))


def render_body(text, page_path, *, crisis_at_top=False):
    """A page body to RenderedBody(html, toc, prose_html), converting the Markdown once;
    marker lines become the CTA or crisis box, or an image's figure. The boxes and figures
    go in after sanitising: they are ours.
    crisis_at_top: the page shows the crisis box near the top (see pages/crisis_lines.py)."""
    markers = {CTA_MARKER: _marker_token("cta"), CRISIS_MARKER: _marker_token("crisis")}
    figures = _figures(text)
    inserts = {}
    lines = []
    for number, line in enumerate(text.splitlines()):
        token = markers.get(line.strip())
        if number in figures:
            token = _marker_token(f"image{number}")
            inserts[token] = figures[number]
        lines.append(f"\n{token}\n" if token else line)
    md = _markdown()
    prose_html = body_html = sanitise(md.convert("\n".join(lines)))
    for marker, token in markers.items():
        if token in body_html:
            body_html = body_html.replace(
                f"<p>{token}</p>", _box_html(marker, page_path, crisis_at_top)
            )
    for token, figure in inserts.items():
        body_html = body_html.replace(f"<p>{token}</p>", figure)
    return RenderedBody(body_html, _toc_list(md.toc_tokens), prose_html)
