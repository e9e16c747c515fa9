"""The one way a staff screen changes an inquiry.

`change_inquiry` runs the change (a verb method of the Inquiry, which saves and writes
its timeline event) and the staff audit entry in one transaction: a screen cannot make
a change that leaves no trace in the audit trail, and an audit entry never stands for a
change that was rolled back. Every CRM view and bulk action changes inquiries through
it; tests/inquiries/test_audit_every_change.py walks every state-changing URL.
"""

from django.db import transaction

from inquiries.models import Inquiry
from inquiries.services import queue_arrival_emails
from staff.audit import record_access
from staff.models import AuditEntry

# What the audit entry says for each verb, before the screen's own detail.
VERB_LABELS = {
    "transition_to": "Status",
    "reopen": "Reopened",
    "assign": "Assignment",
    "claim": "Claimed",
    "set_priority": "Priority",
    "set_follow_up": "Follow-up",
    "add_note": "Note",
    "log_contact_attempt": "Contact attempt",
    "update_details": "Contact details",
}


def change_inquiry(request, inquiry, verb, *args, detail="", **kwargs):
    """Run `inquiry.<verb>(*args, actor=request.user, **kwargs)` (or `verb(inquiry, ...)`
    when it is a function, such as queueing a reply) and record the audit entry, in one
    transaction. Returns what the verb returned; a verb that returns False changed
    nothing and leaves no audit entry. A ValidationError from the verb rolls all back.
    `detail` (text, or a function of the result) is added to the audit entry."""
    was_spam = inquiry.status == Inquiry.Status.SPAM
    if callable(verb):
        run, label = (lambda: verb(inquiry, *args, actor=request.user, **kwargs)), ""
    else:
        method = getattr(inquiry, verb)
        run, label = (lambda: method(*args, actor=request.user, **kwargs)), VERB_LABELS[verb]
    with transaction.atomic():
        result = run()
        if result is False:
            return result
        if was_spam and inquiry.status != Inquiry.Status.SPAM:
            # Held as spam, it was stored without its emails: a real inquiry after all,
            # it gets them now, whichever screen let it out.
            queue_arrival_emails(inquiry)
        said = detail(result) if callable(detail) else detail
        text = ": ".join(part for part in (label, said) if part)
        record_access(
            request,
            AuditEntry.Action.CHANGE,
            object_type="inquiry",
            object_id=inquiry.pk,
            detail=text,
        )
    return result
