"""Small forms on the inquiry's page; each one calls one verb method of the model."""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q

from inquiries.contact_details import PHONE_MAX_INPUT
from inquiries.forms import LineField, NameField, PhoneField, StrictEmailField
from inquiries.models import ContactAttempt, Inquiry, ReplyTemplate


def staff_who_work_inquiries():
    """Active staff who may change inquiries (through a group, directly, or as superuser)."""
    can_change = Q(
        groups__permissions__codename="change_inquiry",
        groups__permissions__content_type__app_label="inquiries",
    ) | Q(
        user_permissions__codename="change_inquiry",
        user_permissions__content_type__app_label="inquiries",
    )
    users = get_user_model().objects.filter(is_active=True, is_staff=True)
    return users.filter(Q(is_superuser=True) | can_change).distinct().order_by("username")


class InquiryDetailsForm(forms.ModelForm):
    """The admin's main form: contact details only, through the public form's own field
    classes, so each typed value is tidied by the rules in inquiries/contact_details.py
    before any length or format check runs. Pipeline fields change through the action
    forms below, so every change lands on the timeline."""

    # Not the model's 20-character column: that holds the E.164 number, while staff may
    # type a number as a patient may, spaces and all (the browser would cut it short).
    phone = PhoneField(
        label="Phone",
        required=False,
        help_text="Any common format, such as (212) 555-0123; stored as +12125550123.",
        widget=forms.TextInput(attrs={"type": "tel", "maxlength": PHONE_MAX_INPUT}),
    )

    class Meta:
        model = Inquiry
        fields = [
            "first_name",
            "last_name",
            "email",
            "phone",
            "contact_method",
            "best_time",
            "topic",
        ]
        # Labels, lengths and "required" come from the model; the rules from these.
        field_classes = {
            "first_name": NameField,
            "last_name": NameField,
            "email": StrictEmailField,
            "best_time": LineField,
        }


class InquiryActionForm(forms.Form):
    """Base: bound to one inquiry; `apply(actor)` calls the verb and returns a message."""

    def __init__(self, *args, inquiry, **kwargs):
        self.inquiry = inquiry
        super().__init__(*args, **kwargs)


class StatusForm(InquiryActionForm):
    status = forms.ChoiceField(label="Move to")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = Inquiry.ALLOWED_TRANSITIONS[Inquiry.Status(self.inquiry.status)]
        # In pipeline order, not set order.
        self.fields["status"].choices = [
            (value, label) for value, label in Inquiry.Status.choices if value in allowed
        ]

    def apply(self, actor):
        status = Inquiry.Status(self.cleaned_data["status"])
        self.inquiry.transition_to(status, actor=actor)
        return f"{self.inquiry.reference} moved to {status.label}."


class ReopenForm(InquiryActionForm):
    """For a closing set by mistake: back to the open status it was closed from."""

    reason = forms.CharField(
        label="Reason for reopening",
        max_length=500,
        error_messages={"required": "please give one; it goes on the timeline."},
        widget=forms.Textarea(attrs={"rows": 2, "cols": 40}),
    )

    def apply(self, actor):
        status = self.inquiry.reopen(reason=self.cleaned_data["reason"], actor=actor)
        return f"{self.inquiry.reference} reopened as {status.label}."


class AssignForm(InquiryActionForm):
    assignee = forms.ModelChoiceField(
        queryset=None, required=False, label="Assign to", empty_label="Nobody (unassign)"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = staff_who_work_inquiries()
        self.fields["assignee"].initial = self.inquiry.assignee_id

    def apply(self, actor):
        user = self.cleaned_data["assignee"]
        if not self.inquiry.assign(user, actor=actor):
            return f"{self.inquiry.reference} was already assigned that way."
        who = user.get_username() if user else "nobody"
        return f"{self.inquiry.reference} assigned to {who}."


class PriorityForm(InquiryActionForm):
    priority = forms.TypedChoiceField(
        choices=Inquiry.Priority.choices, coerce=int, label="Priority"
    )
    reason = forms.CharField(max_length=200, required=False, label="Reason (optional)")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["priority"].initial = self.inquiry.priority

    def apply(self, actor):
        priority = Inquiry.Priority(self.cleaned_data["priority"])
        if not self.inquiry.set_priority(priority, actor=actor, reason=self.cleaned_data["reason"]):
            return f"{self.inquiry.reference} already has {priority.label} priority."
        return f"{self.inquiry.reference} priority set to {priority.label}."


class FollowUpForm(InquiryActionForm):
    follow_up_on = forms.DateField(
        required=False,
        label="Follow up on",
        help_text="Leave empty to clear the follow-up.",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["follow_up_on"].initial = self.inquiry.follow_up_on

    def apply(self, actor):
        on_date = self.cleaned_data["follow_up_on"]
        if not self.inquiry.set_follow_up(on_date, actor=actor):
            return f"{self.inquiry.reference}'s follow-up is unchanged."
        if on_date is None:
            return f"{self.inquiry.reference}'s follow-up cleared."
        return f"{self.inquiry.reference}: follow up on {on_date:%b %d, %Y}."


class NoteForm(InquiryActionForm):
    text = forms.CharField(
        label="Note", max_length=4000, widget=forms.Textarea(attrs={"rows": 3, "cols": 40})
    )

    def apply(self, actor):
        self.inquiry.add_note(self.cleaned_data["text"], actor=actor)
        return f"Note added to {self.inquiry.reference}."


class ContactAttemptForm(InquiryActionForm):
    method = forms.ChoiceField(choices=ContactAttempt.Method.choices, label="How")
    outcome = forms.ChoiceField(choices=ContactAttempt.Outcome.choices, label="What happened")
    note = forms.CharField(max_length=500, required=False, label="Note (optional)")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        preferred = self.inquiry.contact_method
        if preferred in ContactAttempt.Method.values:
            self.fields["method"].initial = preferred

    def apply(self, actor):
        self.inquiry.log_contact_attempt(
            self.cleaned_data["method"],
            self.cleaned_data["outcome"],
            note=self.cleaned_data["note"],
            actor=actor,
        )
        outcome = ContactAttempt.Outcome(self.cleaned_data["outcome"])
        done = f"Contact attempt {self.inquiry.contact_attempts} logged on "
        done += f"{self.inquiry.reference}: {outcome.label.lower()}."
        if outcome == ContactAttempt.Outcome.DO_NOT_CONTACT:
            done += " Marked do not contact: no replies will be sent."
        return done


class ReplyTemplateChoiceForm(forms.Form):
    """Step one of a reply: which template (a GET form, so nothing is sent yet)."""

    template = forms.ModelChoiceField(
        queryset=ReplyTemplate.objects.filter(is_active=True), label="Reply template"
    )


class ReplyForm(forms.Form):
    """Step two: the filled-in template, as the staff member edits and sends it."""

    template = forms.ModelChoiceField(
        queryset=ReplyTemplate.objects.all(), widget=forms.HiddenInput
    )
    form_token = forms.UUIDField(widget=forms.HiddenInput)
    subject = forms.CharField(max_length=150)
    body = forms.CharField(max_length=4000, widget=forms.Textarea(attrs={"rows": 14, "cols": 72}))


class ReplyTemplateForm(forms.ModelForm):
    class Meta:
        model = ReplyTemplate
        fields = ["name", "subject", "body", "order", "is_active"]
        widgets = {"body": forms.Textarea(attrs={"rows": 14, "cols": 72})}
