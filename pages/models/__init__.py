"""Educational pages: the Page with its parts and its history, and the rules they keep."""

from pages.content_version import ContentVersion
from pages.models.history import PageRedirect, PageRevision, ReviewReminder
from pages.models.page import Page
from pages.models.parts import FAQ, PagePart, Reference
from pages.models.queries import PageQuerySet
from pages.models.rules import (
    RESERVED_SLUGS,
    REVIEW_DUE_SOON,
    REVIEW_INTERVAL,
    SUMMARY_MAX_LENGTH,
    reserved_slugs,
    validate_page_slug,
    validate_summary_length,
)

__all__ = [
    "FAQ",
    "RESERVED_SLUGS",
    "REVIEW_DUE_SOON",
    "REVIEW_INTERVAL",
    "SUMMARY_MAX_LENGTH",
    "ContentVersion",
    "Page",
    "PagePart",
    "PageQuerySet",
    "PageRedirect",
    "PageRevision",
    "Reference",
    "ReviewReminder",
    "reserved_slugs",
    "validate_page_slug",
    "validate_summary_length",
]
