"""Email the patient: the chosen template filled in, to edit and send, beside what the
patient wrote and how and when they asked to be reached (a patient who asked for an
evening call should not be sent "Please call us" at noon without anyone noticing)."""

from django.contrib import messages

from inquiries.admin import forms as crm_forms
from inquiries.admin.screens import (
    back_to_work_screen,
    changes_inquiry,
    inquiry_form_screen,
    inquiry_or_404,
    require,
)
from inquiries.changes import change_inquiry
from inquiries.models import Notification
from inquiries.models.inquiry import staff_name
from inquiries.replies import ReplyRefused, queue_reply, reply_token
from inquiries.reply_rules import fill_template


def _queue(inquiry, data, *, actor):
    """The one call from the CRM's screens into the outbox: False if this form's reply
    was stored already (a double click, or two staff sending the same form)."""
    notification, created = queue_reply(
        inquiry=inquiry,
        subject=data["subject"],
        body=data["body"],
        template=data["template"],
        sender=actor,
        form_token=data["form_token"],
    )
    return notification if created else False


def queue_form_reply(request, inquiry, data):
    """Queue a ReplyForm's reply, with its audit entry; raises ReplyRefused."""
    return change_inquiry(
        request, inquiry, _queue, data, detail=f"reply queued: {data['template']}"
    )


@changes_inquiry
def reply_view(request, pk):
    require(request, "view", "change")
    inquiry = inquiry_or_404(pk)
    if inquiry.reply_refusal:
        return back_to_work_screen(
            request, inquiry, refused="Nothing sent. " + inquiry.reply_refusal
        )
    if request.method == "POST":
        form = crm_forms.ReplyForm(request.POST)
        if form.is_valid():
            return _send(request, inquiry, form)
    else:
        choice = crm_forms.ReplyTemplateChoiceForm(request.GET)
        if not choice.is_valid():
            return back_to_work_screen(request, inquiry, refused="Choose a reply template first.")
        template = choice.cleaned_data["template"]
        subject, body = fill_template(template, inquiry, request.user)
        form = crm_forms.ReplyForm(
            initial={
                "template": template.pk,
                "form_token": reply_token(inquiry, template),
                "subject": subject,
                "body": body,
            }
        )
    return _composer(request, inquiry, form)


def _composer(request, inquiry, form):
    title = f"Email {inquiry.first_name} ({inquiry.reference})"
    template = "admin/inquiries/inquiry/reply.html"
    return inquiry_form_screen(request, inquiry, form, template, title, shown="reply form")


def _send(request, inquiry, form):
    try:
        queued = queue_form_reply(request, inquiry, form.cleaned_data)
    except ReplyRefused as refusal:
        # Back to the composer with the text kept, and the reasons.
        form.add_error(None, refusal.problems)
        return _composer(request, inquiry, form)
    if queued is False:
        first = Notification.objects.filter(form_token=form.cleaned_data["form_token"]).first()
        who = staff_name(first.sent_by) if first and first.sent_by_id else "someone"
        messages.warning(
            request, f"That reply was already sent by {who}: it goes to the patient once."
        )
        return back_to_work_screen(request, inquiry)
    return back_to_work_screen(
        request, inquiry, done=f"Reply to {inquiry.first_name} queued to send."
    )
