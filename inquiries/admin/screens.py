"""What the CRM's screens share: the inquiry a URL names, who may do what, the admin's
page context, and the way back to the work screen after an action."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse

from inquiries.models import Inquiry
from inquiries.roles import EXPORT_PERMISSION
from staff.audit import record_access
from staff.models import AuditEntry

PERMISSIONS = {
    "view": "inquiries.view_inquiry",
    "change": "inquiries.change_inquiry",
    "note": "inquiries.add_inquiryevent",
    "export": EXPORT_PERMISSION,
}
# Set by an action on its way back to the work screen, so that page load is not taken
# for another look at the inquiry (the action itself is on the timeline).
JUST_ACTED = "crm_just_acted"


def may(request, permission):
    return request.user.has_perm(PERMISSIONS[permission])


def require(request, *permissions):
    if not all(may(request, permission) for permission in permissions):
        raise PermissionDenied


def inquiry_or_404(pk):
    """The inquiry whose id the URL names (any text may arrive there), or 404."""
    if not str(pk).isdigit():
        raise Http404("No such inquiry.")
    queryset = Inquiry.objects.select_related("topic", "assignee", "source_page")
    inquiry = queryset.filter(pk=int(pk)).first()
    if inquiry is None:
        raise Http404("No such inquiry.")
    return inquiry


def url(name, inquiry=None):
    args = [inquiry.pk] if inquiry is not None else []
    return reverse(f"admin:inquiries_inquiry_{name}", args=args)


def render_screen(request, template, title, context):
    """A page in the admin's look: its header, breadcrumbs and the CRM's stylesheet."""
    context = {
        **admin.site.each_context(request),
        "title": title,
        "opts": Inquiry._meta,
        "queue_url": url("changelist"),
        **context,
    }
    request.current_app = admin.site.name
    return TemplateResponse(request, template, context)


def inquiry_form_screen(request, inquiry, form, template, title, *, shown):
    """A form about one inquiry, beside the patient's details: showing it is an access
    like any other, so it is recorded (shown: which form, for the audit trail)."""
    record_access(
        request, AuditEntry.Action.VIEW, object_type="inquiry", object_id=inquiry.pk, detail=shown
    )
    context = {"inquiry": inquiry, "form": form, "work_url": url("work", inquiry)}
    return render_screen(request, template, title, context)


def back_to_work_screen(request, inquiry, *, done=None, refused=None):
    """Redirect to the work screen with the confirmation (or the refusal) to read."""
    if done:
        messages.success(request, done)
    if refused:
        messages.error(request, refused)
    request.session[JUST_ACTED] = inquiry.pk
    return HttpResponseRedirect(url("work", inquiry))


def just_acted_on(request, inquiry):
    """True once, on the page load that follows an action on this inquiry."""
    return request.session.pop(JUST_ACTED, None) == inquiry.pk


def changes_inquiry(view):
    """Marks a view that changes an inquiry when posted to: the audit test walks them all."""
    view.changes_inquiry = True
    return view
