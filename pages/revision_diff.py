"""A readable diff of two texts for the revision screens: only the paragraphs that changed,
each with the paragraph before and after it for context, the words that changed marked.

A one-word change in a 3,000-word body shows three paragraphs, not the body twice.
"""

import difflib
import re

from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

TOKENS = re.compile(r"\s+|\w+|[^\w\s]")
PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
# Unchanged paragraphs shown on each side of a change.
CONTEXT = 1


def marked_diff(old, new):
    """Word-level diff of two texts as escaped HTML: (old with <del>, new with <ins>)."""
    old_tokens, new_tokens = TOKENS.findall(old), TOKENS.findall(new)
    before, after = [], []
    matcher = difflib.SequenceMatcher(None, old_tokens, new_tokens, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        removed, added = "".join(old_tokens[i1:i2]), "".join(new_tokens[j1:j2])
        if op == "equal":
            before.append(escape(removed))
            after.append(escape(added))
            continue
        if removed:
            before.append(format_html("<del>{}</del>", removed))
        if added:
            after.append(format_html("<ins>{}</ins>", added))
    # Every piece above is escaped.
    return mark_safe("".join(before)), mark_safe("".join(after))  # noqa: S308


def paragraphs(text):
    return [part for part in PARAGRAPH_BREAK.split(text.strip()) if part.strip()] or [""]


def _context(paragraph):
    return {"kind": "context", "before": paragraph, "after": paragraph}


def _gap(count):
    noun = "paragraph" if count == 1 else "paragraphs"
    return {"kind": "gap", "text": f"{count} unchanged {noun}"}


def _unchanged(same, *, after_change, before_change):
    """An unchanged run: a paragraph of context next to each change, the rest as a gap."""
    head = CONTEXT if after_change else 0
    tail = CONTEXT if before_change else 0
    if head + tail >= len(same):
        return [_context(paragraph) for paragraph in same]
    shown_head = [_context(paragraph) for paragraph in same[:head]]
    shown_tail = [_context(paragraph) for paragraph in same[len(same) - tail :]]
    return [*shown_head, _gap(len(same) - head - tail), *shown_tail]


def _changed(old, new):
    """Changed paragraphs side by side: paired ones with their words marked, the rest
    wholly removed or added."""
    chunks = []
    for index in range(max(len(old), len(new))):
        if index < len(old) and index < len(new):
            before, after = marked_diff(old[index], new[index])
        elif index < len(old):
            before, after = format_html("<del>{}</del>", old[index]), ""
        else:
            before, after = "", format_html("<ins>{}</ins>", new[index])
        chunks.append({"kind": "changed", "before": before, "after": after})
    return chunks


def paragraph_diff(old_text, new_text):
    """The chunks to show for two texts: changed paragraphs, context and gaps, in order."""
    old, new = paragraphs(old_text), paragraphs(new_text)
    opcodes = difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
    chunks = []
    for index, (op, i1, i2, j1, j2) in enumerate(opcodes):
        if op == "equal":
            chunks += _unchanged(
                old[i1:i2], after_change=index > 0, before_change=index < len(opcodes) - 1
            )
        else:
            chunks += _changed(old[i1:i2], new[j1:j2])
    return chunks
