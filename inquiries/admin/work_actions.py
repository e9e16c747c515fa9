"""The work screen's actions: each a POST that validates one small form, makes the change
through inquiries.changes.change_inquiry (verb, timeline event and audit entry in one
transaction) and goes back to the work screen with a confirmation."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from inquiries.admin import forms as crm_forms
from inquiries.admin.reply_screen import queue_form_reply
from inquiries.admin.screens import (
    back_to_work_screen,
    changes_inquiry,
    inquiry_or_404,
    require,
)
from inquiries.changes import change_inquiry
from inquiries.models import Inquiry
from inquiries.replies import ReplyRefused

# name -> (form class, form prefix, permission the staff member needs)
ACTIONS = {
    "attempt": (crm_forms.ContactAttemptForm, "crm-attempt", "change"),
    "note": (crm_forms.NoteForm, "crm-note", "note"),
    "follow-up": (crm_forms.FollowUpForm, "crm-follow-up", "change"),
    "status": (crm_forms.StatusForm, "crm-status", "change"),
    "reopen": (crm_forms.ReopenForm, "crm-reopen", "change"),
    "assign": (crm_forms.AssignForm, "crm-assign", "change"),
    "priority": (crm_forms.PriorityForm, "crm-priority", "change"),
}


@changes_inquiry
@require_POST
def action_view(request, pk, action):
    form_class, prefix, permission = ACTIONS[action]
    require(request, "view", permission)
    inquiry = inquiry_or_404(pk)
    form = form_class(request.POST, inquiry=inquiry, prefix=prefix)
    if not form.is_valid():
        problems = [f"{form.fields[f].label}: {' '.join(e)}" for f, e in form.errors.items()]
        return back_to_work_screen(
            request, inquiry, refused="Nothing changed. " + " ".join(problems)
        )
    verb, args, kwargs = form.change()
    try:
        result = change_inquiry(request, inquiry, verb, *args, detail=form.done, **kwargs)
    except ValidationError as error:
        return back_to_work_screen(request, inquiry, refused=" ".join(error.messages))
    return back_to_work_screen(request, inquiry, done=form.done(result))


@changes_inquiry
@require_POST
def claim_view(request, pk):
    """Claim from the work screen, a queue row or My work; back where it was pressed."""
    require(request, "view", "change")
    inquiry = inquiry_or_404(pk)
    try:
        claimed = change_inquiry(request, inquiry, "claim", request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if claimed:
            messages.success(request, f"You claimed {inquiry.reference}: it is yours to work.")
        else:
            messages.info(request, f"{inquiry.reference} was already yours.")
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, {request.get_host()}, require_https=False):
        return HttpResponseRedirect(back)
    return back_to_work_screen(request, inquiry)


@changes_inquiry
@require_POST
def close_no_response_view(request, pk):
    """Close after three unanswered attempts, with the could-not-reach-you reply."""
    require(request, "view", "change")
    inquiry = inquiry_or_404(pk)
    if not inquiry.may_close_as_no_response:
        return back_to_work_screen(
            request,
            inquiry,
            refused=f"Nothing changed: {inquiry.reference} has not had three unanswered "
            "attempts in a row, or can't be closed as no response.",
        )
    form = crm_forms.ReplyForm(request.POST)
    send = request.POST.get("send_reply") == "1" and not inquiry.reply_refusal
    try:
        with transaction.atomic():
            status = Inquiry.Status.NO_RESPONSE
            change_inquiry(request, inquiry, "transition_to", status, detail="no response")
            if send:
                if not form.is_valid():
                    raise ReplyRefused(["The reply was incomplete; reload the page."])
                queue_form_reply(request, inquiry, form.cleaned_data)
    except (ReplyRefused, ValidationError) as error:
        problems = getattr(error, "problems", None) or error.messages
        return back_to_work_screen(
            request, inquiry, refused="Nothing changed. " + " ".join(problems)
        )
    done = f"{inquiry.reference} closed as no response"
    done += ", and the could-not-reach-you reply queued." if send else "."
    return back_to_work_screen(request, inquiry, done=done)
