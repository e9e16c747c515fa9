"""The page admin's medical review (columns, filters, "Mark as reviewed") and reading level."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from clinicfacts.models import Clinician
from pages import services
from pages.models import REVIEW_DUE_SOON, REVIEW_INTERVAL
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
    due = f"{page.review_due:%b %d, %Y}"
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


class MarkReviewedForm(forms.Form):
    reviewer = forms.ModelChoiceField(
        queryset=Clinician.objects.order_by("name"),
        label="Reviewing clinician",
        help_text="The clinician who checked the page; shown to patients as “Reviewed by”.",
    )
    reviewed_on = forms.DateField(
        label="Reviewed on",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="The day the review was done.",
    )

    def clean_reviewed_on(self):
        reviewed_on = self.cleaned_data["reviewed_on"]
        if reviewed_on > timezone.localdate():
            raise forms.ValidationError("A review can’t be dated in the future.")
        return reviewed_on


class MarkReviewedMixin:
    """The reviewer's step: "Mark as reviewed" records who reviewed the page and when, as a
    revision of its own, and moves the next review on by the clinic's review interval."""

    def get_urls(self):
        route = path(
            "<path:object_id>/mark-reviewed/",
            self.admin_site.admin_view(self.mark_reviewed_view),
            name="pages_page_mark_reviewed",
        )
        return [route, *super().get_urls()]

    def mark_reviewed_view(self, request, object_id):
        page = self.get_object(request, unquote(object_id))
        if page is None or not self.has_change_permission(request, page):
            raise PermissionDenied
        change_url = reverse(f"{self.admin_site.name}:pages_page_change", args=[page.pk])
        initial = {"reviewer": page.reviewer_id, "reviewed_on": timezone.localdate()}
        form = MarkReviewedForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            services.mark_reviewed(
                page,
                reviewer=form.cleaned_data["reviewer"],
                on=form.cleaned_data["reviewed_on"],
                user=request.user,
            )
            self.message_user(
                request,
                f"Marked as reviewed by {page.reviewer} on {page.last_reviewed:%b %d, %Y}. "
                f"Next review due {page.next_review:%b %d, %Y}.",
                messages.SUCCESS,
            )
            return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": page,
            "title": f"Mark “{page}” as reviewed",
            "change_url": change_url,
            "revisions_url": reverse(
                f"{self.admin_site.name}:pages_page_revisions", args=[page.pk]
            ),
            "form": form,
            "interval_days": REVIEW_INTERVAL.days,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/pages/page/mark_reviewed.html", context)
