"""The admin queue's search: exact matches on indexed columns, never `icontains` everywhere.

Intake staff search by email or phone when a patient calls back, by reference when a
colleague quotes one, and by name otherwise. Each kind of term goes to its own index:
LOWER(email) and phone (B-tree, exact), the primary key, and the pg_trgm GIN indexes on
UPPER(first_name) and UPPER(last_name) (see migration 0005). On SQLite the name search is
the same `icontains` without an index, which is fine for a development database.
"""

import operator
import re
from functools import reduce

import phonenumbers
from django.db.models import Q
from django.db.models.functions import Lower

REFERENCE_RE = re.compile(r"^(?:INQ-?)?0*(\d{1,12})$", re.IGNORECASE)
PHONE_REGION = "US"
MIN_PHONE_DIGITS = 7


def normalise_phone(text, region=PHONE_REGION):
    """E.164 for anything that parses as a possible phone number, else None."""
    if sum(ch.isdigit() for ch in text) < MIN_PHONE_DIGITS:
        return None
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def search_inquiries(queryset, term):
    """Filter `queryset` by one search term: email, phone, reference or name."""
    term = " ".join(term.split())
    if not term:
        return queryset
    if "@" in term:
        return queryset.alias(email_lower=Lower("email")).filter(email_lower=term.lower())

    exact = []
    reference = REFERENCE_RE.match(term)
    if reference:
        exact.append(Q(pk=int(reference.group(1))))
    phone = normalise_phone(term)
    if phone:
        exact.append(Q(phone=phone))
    if exact:
        return queryset.filter(reduce(operator.or_, exact))
    if not any(ch.isalpha() for ch in term):
        return queryset.none()

    # Names: every word must appear in the first or the last name.
    for word in term.split():
        queryset = queryset.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
    return queryset
