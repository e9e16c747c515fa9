"""My work's "Next action" column: what to do next with an inquiry, in a few words."""

from inquiries.models import Inquiry

Status = Inquiry.Status


def next_action_for(inquiry, *, today):
    """What the person working this inquiry should do next, in a few words."""
    if getattr(inquiry, "reply_failing", False):
        return "Check the failed reply"
    if inquiry.do_not_contact:
        return "Do not contact: close it"
    if inquiry.may_close_as_no_response:
        return "Close as no response"
    if inquiry.follow_up_on and inquiry.follow_up_on < today:
        return "Follow up (missed)"
    if inquiry.follow_up_on == today:
        return "Follow up today"
    if inquiry.status == Status.NEW:
        if inquiry.assignee_id is None:
            return "Claim it and make first contact"
        if inquiry.contact_attempts:
            return "Try again to reach them"
        return "Make first contact"
    if inquiry.status == Status.CONTACTED:
        return "Book a consultation"
    if inquiry.status == Status.CONSULTATION_SCHEDULED:
        return "Confirm the consultation"
    return "Nothing: closed"
