"""The page editor's forms: room to write the body, labelled date and time inputs, and
the reviewer's "Mark as reviewed"."""

from django import forms
from django.contrib.admin.widgets import AdminSplitDateTime
from django.utils import timezone

from clinicfacts.models import Clinician
from pages.models import FAQ, Page, Reference

BODY_LINES = 25


class GrowingTextarea(forms.Textarea):
    """A textarea at least `rows` lines tall that grows with its text (CSS field-sizing,
    with static/admin_pages/editor.js for browsers without it)."""

    def __init__(self, *, rows, attrs=None):
        super().__init__(attrs={"rows": rows, "class": "growing-textarea", **(attrs or {})})
        # The minimum height, in lines, for the stylesheet (rows alone stops counting once
        # the field sizes itself to its content).
        self.attrs["data-min-rows"] = rows


class LabelledSplitDateTime(AdminSplitDateTime):
    """The admin's date and time inputs, each with a name of its own: the field's label
    points at neither (a split widget has no single input to point at)."""

    def __init__(self, *, label, attrs=None):
        super().__init__(attrs)
        self.widgets[0].attrs["aria-label"] = f"{label}: date"
        self.widgets[1].attrs["aria-label"] = f"{label}: time"


class PageAdminForm(forms.ModelForm):
    class Meta:
        model = Page
        fields = [
            "title",
            "slug",
            "parent",
            "summary",
            "body",
            "status",
            "publish_at",
            "reviewer",
            "last_reviewed",
            "next_review",
            "social_image",
            "show_in_navigation",
            "navigation_title",
            "navigation_order",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3, "class": "page-summary"}),
            "body": GrowingTextarea(rows=BODY_LINES, attrs={"class": "growing-textarea page-body"}),
            "publish_at": LabelledSplitDateTime(label="Publish at"),
        }


class FAQInlineForm(forms.ModelForm):
    class Meta:
        model = FAQ
        fields = ["question", "answer", "order"]
        widgets = {
            "question": forms.TextInput(attrs={"class": "vLargeTextField"}),
            "answer": GrowingTextarea(rows=4),
        }


class ReferenceInlineForm(forms.ModelForm):
    class Meta:
        model = Reference
        # The URL field is made by the inline (ReferenceInline), which assumes https.
        fields = ["citation", "order"]
        # A long citation shows whole, on as many lines as it takes.
        widgets = {"citation": GrowingTextarea(rows=2)}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "url" in self.fields:
            self.fields["url"].label = "URL"


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
