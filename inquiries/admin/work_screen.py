"""The work screen: one inquiry, laid out for working it.

The patient's message first, with how and when they want to be reached; one action bar
(log a call or text, email, note, follow-up, status); the conversation as a timeline;
the contact details read-only. Each action posts to its own small view (work_actions.py)
and comes back here with a confirmation.
"""

from datetime import timedelta

from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.views.decorators.http import require_safe

from inquiries.admin import forms as crm_forms
from inquiries.admin.screens import inquiry_or_404, just_acted_on, may, render_screen, require, url
from inquiries.admin.timeline import timeline
from inquiries.admin.work_actions import ACTIONS
from inquiries.business_days import add_business_days
from inquiries.dates import exact_text, waited_text
from inquiries.models import Inquiry, InquiryEvent, ReplyTemplate
from inquiries.models.inquiry import staff_name
from inquiries.replies import reply_token
from inquiries.reply_rules import fill_template
from staff.audit import record_access
from staff.models import AuditEntry

RELATED_LIMIT = 20
# Someone who opened the inquiry this recently is taken to be looking at it still.
LOOKING_WINDOW = timedelta(minutes=5)
NO_RESPONSE_TEMPLATE = "Could not reach you"


@require_safe
def work_screen(request, pk):
    require(request, "view")
    inquiry = inquiry_or_404(pk)
    if not just_acted_on(request, inquiry):
        inquiry.record_event(InquiryEvent.Kind.VIEWED, actor=request.user)
    # Every load shows the patient's details: an access like any other, in the trail.
    record_access(request, AuditEntry.Action.VIEW, object_type="inquiry", object_id=inquiry.pk)
    entries, more = timeline(inquiry, whole=request.GET.get("timeline") == "all")
    context = {
        "inquiry": inquiry,
        "promise": promise(inquiry),
        "follow_up_missed": inquiry.is_open
        and inquiry.follow_up_on is not None
        and inquiry.follow_up_on < timezone.localdate(),
        "looking": others_looking(inquiry, request.user),
        "assignee_name": staff_name(inquiry.assignee) if inquiry.assignee_id else "",
        "timeline": entries,
        "timeline_more": more,
        "related_inquiries": related_inquiries(inquiry),
        "can_change": may(request, "change"),
        "actions": action_forms(request, inquiry),
        "consultation": consultation_panel(request, inquiry),
        **reply_offers(request, inquiry),
    }
    title = f"{inquiry.reference} · {inquiry.full_name}"
    return render_screen(request, "admin/inquiries/inquiry/work_screen.html", title, context)


def consultation_panel(request, inquiry):
    """The booking box, from the consultations app (which builds on this one)."""
    from consultations.staff_views import work_screen_panel

    return work_screen_panel(request, inquiry)


def promise(inquiry):
    """The inquiry's age against the promise of first contact within one business day."""
    now = timezone.now()
    due = add_business_days(inquiry.created_at, 1)
    waited = waited_text(now - inquiry.created_at)
    if inquiry.first_contacted_at:
        kept = inquiry.first_contacted_at <= due
        after = waited_text(inquiry.first_contacted_at - inquiry.created_at)
        words = "within" if kept else "later than"
        return {"late": not kept, "text": f"First contact after {after}, {words} one business day"}
    if not inquiry.is_open:
        return {"late": False, "text": f"Submitted {waited} ago; closed without contact"}
    if now > due:
        return {"late": True, "text": f"Waiting {waited}: past the one-business-day promise"}
    return {"late": False, "text": f"Waiting {waited}; first contact due by {exact_text(due)}"}


def others_looking(inquiry, user):
    """First names of other staff who opened this inquiry in the last few minutes."""
    since = timezone.now() - LOOKING_WINDOW
    views = (
        inquiry.events.filter(kind=InquiryEvent.Kind.VIEWED, created_at__gte=since)
        .exclude(actor=None)
        .exclude(actor=user)
        .select_related("actor")
        .order_by("-created_at")
    )
    names = []
    for event in views[:20]:
        name = staff_name(event.actor)
        if name not in names:
            names.append(name)
    return names


def related_inquiries(inquiry):
    same_person = Q(email_lower=inquiry.email.lower())
    if inquiry.phone:
        same_person |= Q(phone=inquiry.phone)
    return (
        Inquiry.objects.alias(email_lower=Lower("email"))
        .filter(same_person)
        .exclude(pk=inquiry.pk)
        .select_related("topic")
        .order_by("-created_at")[:RELATED_LIMIT]
    )


def action_forms(request, inquiry):
    """The action bar's forms this staff member may use, by name."""
    forms = {}
    for name, (form_class, prefix, permission) in ACTIONS.items():
        if may(request, permission):
            forms[name.replace("-", "_")] = {
                "form": form_class(inquiry=inquiry, prefix=prefix),
                "url": url(name.replace("-", "_"), inquiry),
            }
    return forms


def reply_offers(request, inquiry):
    """The template chooser, and after three unanswered attempts the close offer."""
    context = {"reply_refusal": inquiry.reply_refusal}
    if not may(request, "change"):
        return context
    if not inquiry.reply_refusal:
        context["reply_choice"] = {
            "form": crm_forms.ReplyTemplateChoiceForm(auto_id="crm-reply-%s"),
            "url": url("reply", inquiry),
        }
    if inquiry.may_close_as_no_response:
        template = ReplyTemplate.objects.filter(name=NO_RESPONSE_TEMPLATE).first()
        offer = {"url": url("close_no_response", inquiry), "template": template}
        if template is not None and not inquiry.reply_refusal:
            offer["subject"], offer["body"] = fill_template(template, inquiry, request.user)
            offer["token"] = reply_token(inquiry, template)
        context["close_offer"] = offer
    return context
