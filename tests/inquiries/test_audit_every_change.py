"""Every state-changing staff URL of the CRM leaves an audit entry, because every one of
them changes inquiries through inquiries.changes.change_inquiry. The URLs are found by
walking the admin site, so a new one without a case here fails the first test."""

import uuid
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from consultations.models import ConsultationOffer
from inquiries.admin import bulk
from inquiries.models import ContactAttempt, Inquiry, ReplyTemplate
from staff.models import AuditEntry
from tests.consultations.conftest import free
from tests.consultations.factories import make_booking, make_offer
from tests.inquiries.crm_factories import (
    details_form_data,
    make_inquiry,
    make_intake_user,
    queue_url,
)

Status = Inquiry.Status


def _reply_form(client, inquiry):
    template = ReplyTemplate.objects.get(name="First reply")
    url = reverse("admin:inquiries_inquiry_reply", args=[inquiry.pk])
    form = client.get(url, {"template": template.pk}).context["form"]
    return {**form.initial, "body": "Hello, please call us when it suits you."}


def _unanswered_three_times(user):
    inquiry = make_inquiry()
    for _ in range(3):
        inquiry.log_contact_attempt("phone", ContactAttempt.Outcome.NO_ANSWER, actor=user)
    return inquiry


# URL name -> (make the inquiry, the POST data for it)
CASES = {
    "work": None,  # the work screen itself is read-only (GET only)
    "contact_details": (
        lambda user: make_inquiry(),
        lambda client, inquiry: details_form_data(inquiry, best_time="Mornings"),
    ),
    "reply": (lambda user: make_inquiry(), _reply_form),
    "claim": (lambda user: make_inquiry(), lambda client, inquiry: {}),
    "close_no_response": (_unanswered_three_times, lambda client, inquiry: {}),
    "attempt": (
        lambda user: make_inquiry(),
        lambda client, inquiry: {"crm-attempt-method": "text", "crm-attempt-outcome": "no_answer"},
    ),
    "note": (lambda user: make_inquiry(), lambda client, inquiry: {"crm-note-text": "Note"}),
    "follow_up": (
        lambda user: make_inquiry(),
        lambda client, inquiry: {"crm-follow-up-follow_up_on": "2030-01-15"},
    ),
    "status": (
        lambda user: make_inquiry(),
        lambda client, inquiry: {"crm-status-status": Status.CONTACTED},
    ),
    "reopen": (
        lambda user: make_inquiry(status=Status.NOT_A_FIT),
        lambda client, inquiry: {"crm-reopen-reason": "Closed by mistake"},
    ),
    "assign": (
        lambda user: make_inquiry(),
        lambda client, inquiry: {"crm-assign-assignee": make_intake_user("colleague").pk},
    ),
    "priority": (lambda user: make_inquiry(), lambda client, inquiry: {"crm-priority-priority": 1}),
}


def _offer():
    return make_offer(hours=((8, 0, 20, 0),), weekdays=range(7), min_notice_hours=0)


def _booking(user, *, hours_from_now=None):
    """An inquiry's consultation: upcoming, or started hours ago (negative)."""
    offer = _offer()
    inquiry = make_inquiry(status=Status.CONTACTED)
    starts_at = free(offer)[0].starts_at
    if hours_from_now is not None:
        starts_at = timezone.now().replace(second=0, microsecond=0) + timedelta(
            hours=hours_from_now
        )
    return make_booking(offer, inquiry, starts_at)


def _a_free_time(client, target):
    offer = ConsultationOffer.objects.first() or _offer()
    return {"time": free(offer)[2].key, "request_token": str(uuid.uuid4())}


# Consultation URL name -> (make the object in the URL, its inquiry, the POST data)
BOOKING_CASES = {
    "consultations_book": (
        lambda user: make_inquiry(status=Status.CONTACTED),
        lambda target: target,
        _a_free_time,
    ),
    "consultations_move": (_booking, lambda target: target.inquiry, _a_free_time),
    "consultations_cancel": (_booking, lambda target: target.inquiry, lambda client, target: {}),
    "consultations_outcome": (
        lambda user: _booking(user, hours_from_now=-1),
        lambda target: target.inquiry,
        lambda client, target: {"outcome": "attended"},
    ),
}
BULK_CASES = {
    "claim_selected": Status.NEW,
    "mark_contacted": Status.NEW,
    "mark_spam": Status.NEW,
    "mark_not_spam": Status.SPAM,
}
PREFIX = "inquiries_inquiry_"


def state_changing_urls():
    """Names of the admin's URLs whose views change inquiries, found by walking it."""
    names = set()

    def walk(patterns):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                walk(pattern.url_patterns)
            elif getattr(pattern.callback, "changes_inquiry", False):
                names.add(pattern.name.removeprefix(PREFIX))

    walk(admin.site.get_urls())
    return names


def test_every_state_changing_url_has_a_case_here():
    cases = {name for name, case in CASES.items() if case} | set(BOOKING_CASES)
    assert state_changing_urls() == cases


def test_every_bulk_action_that_changes_inquiries_has_a_case_here(rf, intake_user):
    request = rf.get(queue_url())
    request.user = intake_user
    actions = admin.site.get_model_admin(Inquiry).get_actions(request)

    assert set(actions) - {bulk.export_selected.__name__} == set(BULK_CASES)


@pytest.mark.parametrize("name", sorted(name for name, case in CASES.items() if case))
def test_each_state_changing_url_writes_one_audit_entry(intake_client, intake_user, name):
    make, data = CASES[name]
    inquiry = make(intake_user)
    post_data = data(intake_client, inquiry)
    before = AuditEntry.objects.order_by("pk").values_list("pk", flat=True).last() or 0

    response = intake_client.post(reverse(f"admin:{PREFIX}{name}", args=[inquiry.pk]), post_data)

    assert response.status_code == 302
    changes = AuditEntry.objects.filter(action=AuditEntry.Action.CHANGE, pk__gt=before)
    assert [(entry.object_id, entry.actor_id) for entry in changes] == [
        (str(inquiry.pk), intake_user.pk)
    ]


@pytest.mark.parametrize("name", sorted(BOOKING_CASES))
def test_each_consultation_url_writes_one_audit_entry(intake_client, intake_user, name):
    make, inquiry_of, data = BOOKING_CASES[name]
    target = make(intake_user)
    post_data = data(intake_client, target)
    before = AuditEntry.objects.order_by("pk").values_list("pk", flat=True).last() or 0

    response = intake_client.post(
        reverse(f"admin:{name}", args=[target.pk]),
        urlencode(post_data),
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 302
    changes = AuditEntry.objects.filter(action=AuditEntry.Action.CHANGE, pk__gt=before)
    assert [(entry.object_id, entry.actor_id) for entry in changes] == [
        (str(inquiry_of(target).pk), intake_user.pk)
    ]


@pytest.mark.parametrize("action", sorted(BULK_CASES))
def test_each_bulk_action_writes_one_audit_entry_per_inquiry(intake_client, intake_user, action):
    inquiries = [make_inquiry(status=BULK_CASES[action]) for _ in range(2)]

    response = intake_client.post(
        f"{queue_url()}?status=all",
        {"action": action, "_selected_action": [inquiry.pk for inquiry in inquiries]},
    )

    assert response.status_code == 302
    changes = AuditEntry.objects.filter(action=AuditEntry.Action.CHANGE).order_by("object_id")
    assert [entry.object_id for entry in changes] == [str(inquiry.pk) for inquiry in inquiries]
