"""The page admin's medical-review and reading-level columns and filters."""

from django.contrib import admin
from django.utils import formats
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from pages.models import REVIEW_DUE_SOON
from pages.readability import reading_target

READING_HINT = "Shorter sentences and everyday words lower the grade."


class ReviewFilter(admin.SimpleListFilter):
    title = "medical review"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [
            ("overdue", "Review overdue"),
            ("due", f"Due in the next {REVIEW_DUE_SOON.days} days"),
            ("current", "Up to date"),
            ("never", "Never reviewed"),
        ]

    def queryset(self, request, queryset):
        bucket = {
            "overdue": queryset.review_overdue,
            "due": queryset.review_due_soon,
            "current": queryset.review_up_to_date,
            "never": queryset.never_reviewed,
        }.get(self.value())
        return bucket() if bucket else queryset


class ReadingLevelFilter(admin.SimpleListFilter):
    title = "reading level"
    parameter_name = "reading"

    def lookups(self, request, model_admin):
        target = reading_target()
        return [
            ("ok", f"At or below grade {target}"),
            ("above", f"Above grade {target}"),
            ("none", "Not graded (too short)"),
        ]

    def queryset(self, request, queryset):
        target = reading_target()
        if self.value() == "ok":
            return queryset.filter(reading_grade__lte=target)
        if self.value() == "above":
            return queryset.filter(reading_grade__gt=target)
        if self.value() == "none":
            return queryset.filter(reading_grade__isnull=True)
        return queryset


def next_review_label(page):
    if page.last_reviewed is None:
        return mark_safe("<strong>⚠ never reviewed</strong>")  # noqa: S308 (a literal)
    due = formats.date_format(page.review_due, "DATE_FORMAT")
    if page.review_overdue:
        return format_html("{} <strong>⚠ review overdue</strong>", due)
    if page.review_due_soon:
        return format_html("{} <strong>⚠ due soon</strong>", due)
    return due


def reading_grade_label(page):
    if page.reading_grade is None:
        return "not graded"
    if page.reading_grade_above_target:
        return format_html(
            "{} <strong>⚠ above grade {}</strong>", page.reading_grade, reading_target()
        )
    return str(page.reading_grade)


def reading_summary(page):
    """The change form's line: both grades against the target, and how to lower them."""
    target = reading_target()
    if page.reading_grade is None:
        return f"Not graded yet: the body is too short (or not saved). Target: grade {target}."
    smog = f"SMOG {page.smog_grade}" if page.smog_grade is not None else "SMOG needs 10+ sentences"
    verdict = (
        format_html("<strong>⚠ above the target of grade {}</strong>", target)
        if page.reading_grade_above_target
        else f"within the target of grade {target}"
    )
    return format_html(
        "Flesch-Kincaid grade {} · {}: {}. {}", page.reading_grade, smog, verdict, READING_HINT
    )
