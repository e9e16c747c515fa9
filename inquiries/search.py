"""The admin queue's search: exact matches on indexed columns, never `icontains` everywhere.

Intake staff search by email or phone when a patient calls back, by reference when a
colleague quotes one, and by name otherwise. Each kind of term goes to its own index:
LOWER(email) and phone (B-tree, exact), the primary key, and the pg_trgm GIN indexes on
UPPER(first_name) and UPPER(last_name) (see migration 0005). On SQLite the name search is
the same `icontains` without an index, which is fine for a development database.

An email address or phone number typed here is read by the rules that stored it
(inquiries/contact_details.py), so "(212) 555-0123" finds +12125550123 and an address
pasted with an invisible character finds the inquiry.
"""

import operator
import re
from functools import reduce

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.db.models.functions import Lower

from inquiries.contact_details import normalise_email, normalise_phone

REFERENCE_RE = re.compile(r"^(?:INQ-?)?0*(\d{1,12})$", re.IGNORECASE)


def _normalised(normalise, term):
    """The term as `normalise` would store it, or None when it could not be stored."""
    try:
        return normalise(term) or None
    except ValidationError:
        return None


def search_inquiries(queryset, term):
    """Filter `queryset` by one search term: email, phone, reference or name."""
    term = " ".join(term.split())
    if not term:
        return queryset
    if "@" in term:
        email = _normalised(normalise_email, term)
        if email is None:
            return queryset.none()
        return queryset.alias(email_lower=Lower("email")).filter(email_lower=email.lower())

    exact = []
    reference = REFERENCE_RE.match(term)
    if reference:
        exact.append(Q(pk=int(reference.group(1))))
    phone = _normalised(normalise_phone, term)
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
