"""The rules every page keeps: reserved slugs, the summary's length, review intervals."""

from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxLengthValidator, RegexValidator

# First path segments that belong to fixed URLs, so no top-level page may use them.
RESERVED_SLUGS = frozenset(
    {
        "admin",
        "get-in-touch",
        "sitemap.xml",
        "robots.txt",
        "static",
        "media",
        "healthz",
        "search",
        "our-team",
        "locations",
    }
)
SUMMARY_MAX_LENGTH = 160


def reserved_slugs():
    """The fixed first segments, including the admin's (configurable) one."""
    admin_segment = getattr(settings, "ADMIN_PATH", "admin/").strip("/").split("/")[0]
    return RESERVED_SLUGS | {admin_segment}


REVIEW_INTERVAL = timedelta(days=365)
# Reviewers are reminded of pages due within this window (and of overdue ones).
REVIEW_DUE_SOON = timedelta(days=30)

validate_page_slug = RegexValidator(
    r"^[a-z0-9]+(?:-[a-z0-9]+)*\Z",
    "Use lowercase letters, numbers and single hyphens only, for example "
    "“ketamine-for-ptsd” (no spaces, capitals or other punctuation).",
    code="invalid_slug",
)
validate_summary_length = MaxLengthValidator(
    SUMMARY_MAX_LENGTH,
    "Keep the summary to %(limit_value)d characters or fewer (it has %(show_value)d): "
    "search engines cut longer descriptions off.",
)
