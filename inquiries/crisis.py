"""Crisis language that marks an inquiry urgent so intake staff see it first.

A reviewed list: add phrases here (lower case, plain apostrophes) and a test case in
tests/inquiries/test_crisis.py. Phrases match on word boundaries, case-insensitively,
so "overdose" matches "Overdosed?" but "skill myself" does not match "kill myself".
"""

import re

CRISIS_PHRASES = (
    "suicide",
    "suicidal",
    "kill myself",
    "killing myself",
    "end my life",
    "ending my life",
    "end it all",
    "take my own life",
    "taking my own life",
    "want to die",
    "wanna die",
    "better off dead",
    "no reason to live",
    "don't want to live",
    "dont want to live",
    "don't want to be alive",
    "self-harm",
    "self harm",
    "selfharm",
    "self-harming",
    "hurt myself",
    "hurting myself",
    "harm myself",
    "harming myself",
    "cut myself",
    "cutting myself",
    "overdose",
    "overdosed",
    "overdosing",
)

# Inner spaces and hyphens match any run of whitespace, so "kill  myself" and a line
# break between the words still count.
_PATTERN = re.compile(
    r"\b(?:"
    + "|".join(re.escape(phrase).replace(r"\ ", r"\s+") for phrase in CRISIS_PHRASES)
    + r")\b",
    re.IGNORECASE,
)

# Typographic apostrophes (from phone keyboards) read as plain ones.
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})


def has_crisis_language(text):
    """True when the text contains a phrase from the reviewed crisis list."""
    return bool(text) and _PATTERN.search(text.translate(_APOSTROPHES)) is not None
