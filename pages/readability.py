"""Reading grades of a page body: Flesch-Kincaid and SMOG, via textstat (US English).

Only the prose a reader reads is graded: marker lines ([[get-in-touch]], [[image:3]]),
link addresses, list markers, table pipes, code blocks and a "References" section don't
count, and each heading, list item and table row counts as a sentence of its own.
"""

import re
import warnings
from decimal import Decimal
from html.parser import HTMLParser

from django.conf import settings

from pages.rendering import ANY_MARKER, is_marker_token, render_markdown

# Too few words for any grade to mean something; such a body is "not graded".
MIN_WORDS = 30
# SMOG was calibrated on 30-sentence samples; textstat scales shorter texts up to 30.
# From 10 sentences that estimate is still useful (most pages are 10 to 30 sentences);
# below it one long word swings the grade, so the page gets no SMOG grade.
SMOG_MIN_SENTENCES = 10
# The database column holds up to 999.9; one endless "sentence" must not break a save.
MAX_GRADE = Decimal("99.9")

MARKER_LINE = re.compile(rf"^\s*{ANY_MARKER}\s*$", re.MULTILINE)
MARKER_BLOCK = re.compile(rf"\s*{ANY_MARKER}\s*")
URL_WORD = re.compile(r"\b(?:https?://|www\.)\S+|\S+@\S+\.\S+", re.IGNORECASE)
SENTENCE_END = (".", "!", "?")
SKIPPED_SECTIONS = {"references", "sources", "bibliography", "further reading"}
BLOCKS = {"p", "li", "h2", "h3", "h4", "dt", "dd", "tr", "blockquote"}
HEADINGS = {"h2", "h3", "h4"}


class _ProseParser(HTMLParser):
    """Collects block texts, skipping code blocks and a references section."""

    def __init__(self):
        super().__init__()
        self.blocks = []
        self.current = []
        self.in_pre = 0
        self.heading = None
        self.skipping_section = False

    def handle_starttag(self, tag, attrs):
        if tag == "pre":
            self.in_pre += 1
        elif tag in BLOCKS:
            self._end_block()
            if tag in HEADINGS:
                self.heading = tag
        elif tag in {"td", "th", "br"}:
            self.current.append(" ")

    def handle_endtag(self, tag):
        if tag == "pre":
            self.in_pre = max(0, self.in_pre - 1)
        elif tag in BLOCKS:
            if tag == self.heading:
                self._heading_ends()
            self._end_block()

    def handle_data(self, data):
        if not self.in_pre:
            self.current.append(data)

    def _heading_ends(self):
        title = " ".join("".join(self.current).split()).rstrip(".:").lower()
        if self.heading == "h2":
            self.skipping_section = title in SKIPPED_SECTIONS
        self.heading = None

    def _end_block(self):
        text = " ".join(URL_WORD.sub(" ", "".join(self.current)).split())
        self.current = []
        # A marker on its own line (the boxes, an image) is not prose.
        is_marker = is_marker_token(text) or MARKER_BLOCK.fullmatch(text)
        if text and not self.skipping_section and not is_marker:
            self.blocks.append(text if text.endswith(SENTENCE_END) else text + ".")


def prose_text(body_html):
    """The prose of a body's sanitised HTML, one sentence (at least) per block."""
    parser = _ProseParser()
    parser.feed(body_html)
    parser.close()
    parser._end_block()
    return "\n".join(parser.blocks)


def page_text(markdown_body):
    """The prose of a Markdown body on its own (a page's save grades the HTML it renders
    anyway, with grade_html)."""
    return prose_text(render_markdown(MARKER_LINE.sub("", markdown_body or "")))


def _rounded(value):
    grade = Decimal(str(value)).quantize(Decimal("0.1"))
    return min(max(grade, Decimal("0.0")), MAX_GRADE)


def _textstat():
    # Imported on save only, like Markdown (it loads pyphen's dictionaries). textstat
    # 0.7.4 imports pkg_resources, whose deprecation warnings would print on every
    # command that saves a page; a later textstat needs NLTK data we can't download.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", module="pkg_resources")
        warnings.filterwarnings("ignore", "pkg_resources is deprecated", UserWarning)
        warnings.filterwarnings("ignore", "Deprecated call to `pkg_resources", DeprecationWarning)
        import textstat
    return textstat


def reading_grades(text):
    """(Flesch-Kincaid grade, SMOG grade) of plain text; None where the text is too short."""
    textstat = _textstat()
    if textstat.lexicon_count(text) < MIN_WORDS:
        return None, None
    fk_grade = _rounded(textstat.flesch_kincaid_grade(text))
    if textstat.sentence_count(text) < SMOG_MIN_SENTENCES:
        return fk_grade, None
    return fk_grade, _rounded(textstat.smog_index(text))


def grade_body(markdown_body):
    return reading_grades(page_text(markdown_body))


def grade_html(prose_html):
    """The grades of a body from the HTML its render made (RenderedBody.prose_html)."""
    return reading_grades(prose_text(prose_html))


def reading_target():
    return settings.PAGES_READING_GRADE_TARGET


def above_target(grade):
    return grade is not None and grade > reading_target()
