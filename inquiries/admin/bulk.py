"""The queue's bulk actions: each changes every selected inquiry through
inquiries.changes.change_inquiry (its own transaction per inquiry, so one refusal does
not undo the others) and says how many it changed and why any were skipped."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from inquiries.changes import change_inquiry
from inquiries.export import export_response
from inquiries.models import Inquiry

Status = Inquiry.Status


@admin.action(description="Claim (assign to me)", permissions=["change"])
def claim_selected(model_admin, request, queryset):
    _apply(model_admin, request, queryset, "claimed", "claim", request.user)


@admin.action(description="Mark contacted", permissions=["change"])
def mark_contacted(model_admin, request, queryset):
    _apply(model_admin, request, queryset, "marked contacted", "transition_to", Status.CONTACTED)


@admin.action(description="Mark as spam", permissions=["change"])
def mark_spam(model_admin, request, queryset):
    _apply(model_admin, request, queryset, "marked as spam", "transition_to", Status.SPAM)


@admin.action(description="Not spam (back to New)", permissions=["change"])
def mark_not_spam(model_admin, request, queryset):
    _apply(model_admin, request, queryset, "moved back to New", "transition_to", Status.NEW)


@admin.action(description="Export selected as CSV", permissions=["export"])
def export_selected(model_admin, request, queryset):
    if request.POST.get("select_across") == "1":
        scope = "all matching " + (request.META.get("QUERY_STRING") or "the open queue")
    else:
        scope = "selected ids " + id_list(queryset)
    return export_response(queryset, request=request, scope=scope)


def _apply(model_admin, request, queryset, done_text, verb, *args):
    done, refused = 0, []
    for inquiry in queryset.select_related(None).order_by("pk"):
        old = inquiry.get_status_display()
        detail = (
            f"bulk action: {old} → {args[0].label}" if verb == "transition_to" else "bulk action"
        )
        try:
            changed = change_inquiry(request, inquiry, verb, *args, detail=detail)
        except ValidationError as error:
            refused.append(" ".join(error.messages).rstrip("."))
        else:
            done += changed is not False
    message = counted(done, done_text)
    if refused:
        message += f"; {len(refused)} skipped: " + "; ".join(refused)
    model_admin.message_user(request, message, messages.WARNING if refused else messages.SUCCESS)


def counted(count, text):
    return f"{count} {'inquiry' if count == 1 else 'inquiries'} {text}"


def id_list(queryset, limit=40):
    """The exported ids for the audit entry, cut to fit: "1, 2, 3" or "1, 2, … (120 in all)"."""
    pks = list(queryset.order_by("pk").values_list("pk", flat=True)[: limit + 1])
    if len(pks) <= limit:
        return ", ".join(map(str, pks))
    return ", ".join(map(str, pks[:limit])) + f", … ({queryset.count()} in all)"
