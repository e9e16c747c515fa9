"""The medical reviewer's step, served through the admin: "Mark as reviewed".

It records who reviewed the page and when as a revision of its own ("Medically
reviewed") and moves the next review on by the clinic's review interval, so a review is
never an ordinary edit that nobody can tell apart (pages.services.mark_reviewed).
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import formats, timezone

from pages import services
from pages.forms import MarkReviewedForm
from pages.models import REVIEW_INTERVAL, Page


def mark_reviewed(request, page_id):
    if not request.user.has_perm("pages.change_page"):
        raise PermissionDenied
    page = get_object_or_404(Page, pk=page_id)
    initial = {"reviewer": page.reviewer_id, "reviewed_on": timezone.localdate()}
    form = MarkReviewedForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.mark_reviewed(
            page,
            reviewer=form.cleaned_data["reviewer"],
            on=form.cleaned_data["reviewed_on"],
            user=request.user,
        )
        messages.success(
            request,
            f"Marked as reviewed by {page.reviewer} on {_day(page.last_reviewed)}. "
            f"Next review due {_day(page.next_review)}.",
        )
        return redirect("admin:pages_page_change", page.pk)
    context = {
        **admin.site.each_context(request),
        "opts": Page._meta,
        "original": page,
        "title": f"Mark “{page}” as reviewed",
        "change_url": reverse("admin:pages_page_change", args=[page.pk]),
        "revisions_url": reverse("admin:pages_page_revisions", args=[page.pk]),
        "form": form,
        "interval_days": REVIEW_INTERVAL.days,
    }
    return TemplateResponse(request, "admin/pages/page/mark_reviewed.html", context)


def _day(value):
    return formats.date_format(value, "DATE_FORMAT")
