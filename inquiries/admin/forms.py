"""Small forms on the inquiry's work screen. Each validates what was typed and names the
one verb method of the Inquiry that makes the change (`change()`); the view runs it
through inquiries.changes.change_inquiry, so the timeline event and the audit entry are
written with it. `done(result)` is the confirmation the staff member reads."""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q

from inquiries.contact_details import PHONE_MAX_INPUT
from inquiries.dates import day_text
from inquiries.forms import NEEDS_PHONE, LineField, NameField, PhoneField, StrictEmailField
from inquiries.models import ContactAttempt, Inquiry, ReplyTemplate
from inquiries.models.inquiry import staff_name


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
    """ "Edit contact details": the public form's own field classes, so each typed value
    is tidied by the rules in inquiries/contact_details.py before any length or format
    check runs, and the public form's rule that a call or a text needs a phone number.
    Pipeline fields change through the action forms below, so every change lands on
    the timeline."""

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

    def clean(self):
        cleaned_data = super().clean()
        needs_phone = cleaned_data.get("contact_method") in NEEDS_PHONE
        if needs_phone and not cleaned_data.get("phone") and "phone" not in self.errors:
            self.add_error("phone", "A call or a text needs a phone number.")
        return cleaned_data

    def change(self):
        return "update_details", [self.changed_data], {}

    def done(self, result):
        if result is False:
            return f"{self.instance.reference}: nothing to change."
        return f"{self.instance.reference}: contact details saved."


class InquiryActionForm(forms.Form):
    """Base: bound to one inquiry; `change()` names the verb, `done()` says what it did."""

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

    def change(self):
        return "transition_to", [Inquiry.Status(self.cleaned_data["status"])], {}

    def done(self, result):
        return f"{self.inquiry.reference} moved to {self.inquiry.get_status_display()}."


class ReopenForm(InquiryActionForm):
    """For a closing set by mistake: back to the open status it was closed from."""

    reason = forms.CharField(
        label="Reason for reopening",
        max_length=500,
        error_messages={"required": "please give one; it goes on the timeline."},
        widget=forms.Textarea(attrs={"rows": 2, "cols": 40}),
    )

    def change(self):
        return "reopen", [], {"reason": self.cleaned_data["reason"]}

    def done(self, status):
        return f"{self.inquiry.reference} reopened as {status.label}."


class AssignForm(InquiryActionForm):
    assignee = forms.ModelChoiceField(
        queryset=None, required=False, label="Assign to", empty_label="Nobody (unassign)"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = staff_who_work_inquiries()
        self.fields["assignee"].initial = self.inquiry.assignee_id

    def change(self):
        return "assign", [self.cleaned_data["assignee"]], {}

    def done(self, result):
        if result is False:
            return f"{self.inquiry.reference} was already assigned that way."
        user = self.cleaned_data["assignee"]
        return f"{self.inquiry.reference} assigned to {staff_name(user)}."


class PriorityForm(InquiryActionForm):
    priority = forms.TypedChoiceField(
        choices=Inquiry.Priority.choices, coerce=int, label="Priority"
    )
    reason = forms.CharField(max_length=200, required=False, label="Reason (optional)")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["priority"].initial = self.inquiry.priority

    def change(self):
        priority = Inquiry.Priority(self.cleaned_data["priority"])
        return "set_priority", [priority], {"reason": self.cleaned_data["reason"]}

    def done(self, result):
        label = Inquiry.Priority(self.cleaned_data["priority"]).label
        if result is False:
            return f"{self.inquiry.reference} already has {label} priority."
        return f"{self.inquiry.reference} priority set to {label}."


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

    def change(self):
        return "set_follow_up", [self.cleaned_data["follow_up_on"]], {}

    def done(self, result):
        on_date = self.cleaned_data["follow_up_on"]
        if result is False:
            return f"{self.inquiry.reference}'s follow-up is unchanged."
        if on_date is None:
            return f"{self.inquiry.reference}'s follow-up cleared."
        return f"{self.inquiry.reference}: follow up on {day_text(on_date)}."


class NoteForm(InquiryActionForm):
    text = forms.CharField(
        label="Note", max_length=4000, widget=forms.Textarea(attrs={"rows": 3, "cols": 40})
    )

    def change(self):
        return "add_note", [self.cleaned_data["text"]], {}

    def done(self, result):
        return f"Note added to {self.inquiry.reference}."


class ContactAttemptForm(InquiryActionForm):
    """Nothing is chosen for the staff member: one hurried click must not record a
    contact that never happened, so how and what happened are both asked for."""

    method = forms.ChoiceField(
        choices=ContactAttempt.Method.choices,
        label="How",
        widget=forms.RadioSelect,
        error_messages={"required": "choose how you tried (phone, text or email)."},
    )
    outcome = forms.ChoiceField(
        choices=ContactAttempt.Outcome.choices,
        label="What happened",
        widget=forms.RadioSelect,
        error_messages={"required": "choose what happened."},
    )
    note = forms.CharField(max_length=500, required=False, label="Note (optional)")

    def change(self):
        data = self.cleaned_data
        return "log_contact_attempt", [data["method"], data["outcome"]], {"note": data["note"]}

    def done(self, attempt):
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
