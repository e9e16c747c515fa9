"""After a purge nothing of the patient is left anywhere in the database.

One canary string is planted in every place an inquiry's data can reach, through the
same screens patients and staff use: the public form (with its UTM and referrer), the
emails it queues (one refused by the mail server, which quotes the address back), staff
notes, a contact attempt's note, a priority reason, a reply, the details form (the admin
history), and the queue searched, filtered and exported with the canary typed in. Then
the purge runs and every row of every table is searched for the canary, as text.
"""

import smtplib
from datetime import timedelta
from io import StringIO
from urllib.parse import urlencode

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.sessions.models import Session
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from inquiries.models import Inquiry, InquiryEvent, ReplyTemplate
from staff.models import AuditEntry
from tests.inquiries.crm_factories import (
    action_url,
    change_url,
    details_form_data,
    details_url,
    export_url,
    queue_url,
)
from tests.inquiries.factories import form_data

CANARY = "Quillowcanary"
CANARY_EMAIL = f"{CANARY.lower()}@example.com"
# Phone numbers are digits only, so the number is a second needle of its own.
CANARY_PHONE = "+12125550199"
NEEDLES = [CANARY, CANARY_PHONE.lstrip("+")]
FORM_URL = "/get-in-touch/"
RETENTION_DAYS = 365


class RefusingBackend(LocmemBackend):
    """A mail server that refuses the recipient, quoting the address back."""

    def send_messages(self, messages):
        recipients = {address: (550, b"mailbox unavailable") for m in messages for address in m.to}
        raise smtplib.SMTPRecipientsRefused(recipients)


@pytest.fixture(autouse=True)
def mail(settings):
    settings.INTAKE_NOTIFY_EMAILS = ["intake@clinic.example"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def submit_as_patient(client, settings, capture):
    """The public form, sent from a search ad, while the mail server refuses the address."""
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    query = urlencode({f"utm_{name}": f"{name} {CANARY}" for name in UTM_NAMES})
    data = form_data(
        first_name=CANARY,
        last_name=f"{CANARY}son",
        email=CANARY_EMAIL,
        phone=CANARY_PHONE,
        contact_method="phone",
        best_time=f"Evenings, ask for {CANARY}",
        message=f"My name is {CANARY} and I would like to talk about treatment.",
    )
    with capture(execute=True):
        response = client.post(
            f"{FORM_URL}?{query}",
            urlencode(data),
            content_type="application/x-www-form-urlencoded",
            HTTP_REFERER=f"https://search.example/?q={CANARY}",
            HTTP_USER_AGENT=f"Mozilla/5.0 ({CANARY} phone)",
        )
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert response.status_code == 303
    return Inquiry.objects.get(email=CANARY_EMAIL)


UTM_NAMES = ["source", "medium", "campaign", "term", "content"]


def work_as_staff(client, inquiry, capture):
    """Intake staff search for the patient, open, note, call, reprioritise, reply, edit,
    filter and export: every screen that writes something down."""
    assert client.get(queue_url(), {"q": CANARY_EMAIL}).status_code == 200
    assert client.get(queue_url(), {"status": "all", "email__icontains": CANARY}).status_code == 200
    filters = urlencode({"q": CANARY})
    assert client.get(change_url(inquiry), {"_changelist_filters": filters}).status_code == 200
    posts = [
        ("note", {"crm-note-text": f"{CANARY} prefers evenings"}),
        (
            "attempt",
            {
                "crm-attempt-method": "phone",
                "crm-attempt-outcome": "voicemail",
                "crm-attempt-note": f"Left a message for {CANARY}",
            },
        ),
        ("priority", {"crm-priority-priority": "2", "crm-priority-reason": f"{CANARY} is anxious"}),
    ]
    for action, data in posts:
        assert client.post(action_url(inquiry, action), data).status_code == 302
    send_reply(client, inquiry, capture)
    edit_details(client, inquiry)
    export = client.get(export_url(), {"q": CANARY_EMAIL})
    assert b"".join(export.streaming_content).count(CANARY.encode()) >= 1


def send_reply(client, inquiry, capture):
    template = ReplyTemplate.objects.get(name="First reply")
    form = client.get(action_url(inquiry, "reply"), {"template": template.pk})
    assert form.status_code == 200
    with capture(execute=True):
        response = client.post(
            action_url(inquiry, "reply"),
            {
                "template": template.pk,
                "form_token": form.context["form"].initial["form_token"],
                "subject": f"Your inquiry, {CANARY}",
                "body": f"Hello {CANARY},\n\nPlease call us when it suits you.",
            },
        )
    assert response.status_code == 302


def edit_details(client, inquiry):
    """A save through the contact details form; and the line Django's admin history held
    from the days of the stock change form, which named the patient."""
    inquiry.refresh_from_db()
    data = details_form_data(inquiry, best_time=f"Mornings now, ask for {CANARY}")
    assert client.post(details_url(inquiry), data).status_code == 302
    LogEntry.objects.log_actions(
        user_id=client.session["_auth_user_id"],
        queryset=[inquiry],
        action_flag=CHANGE,
        change_message="Changed best time.",
        single_object=True,
    )


def close_long_ago(inquiry, staff):
    inquiry.refresh_from_db()
    inquiry.transition_to(Inquiry.Status.NOT_A_FIT, actor=staff)
    # A status change may carry typed words in its message and data (a reopening's
    # reason, say), and status changes are kept when an inquiry is anonymised.
    inquiry.record_event(
        InquiryEvent.Kind.STATUS_CHANGED,
        actor=staff,
        message=f"Not a fit → Contacted ({CANARY} called back)",
        data={"from": "not_a_fit", "to": "contacted", "reason": f"{CANARY} called back"},
    )
    inquiry.record_event(
        InquiryEvent.Kind.STATUS_CHANGED,
        actor=staff,
        message="Contacted → Not a fit",
        data={"from": "contacted", "to": "not_a_fit"},
    )
    past = timezone.now() - timedelta(days=RETENTION_DAYS + 30)
    Inquiry.objects.filter(pk=inquiry.pk).update(closed_at=past)


def tables_holding(needle):
    """Every table with a row that mentions `needle`, each row read whole as text."""
    found = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            quoted = connection.ops.quote_name(table)
            cursor.execute(
                f"SELECT count(*) FROM {quoted} AS t WHERE t::text ILIKE %s",  # noqa: S608 (table names from the catalogue)
                [f"%{needle}%"],
            )
            count = cursor.fetchone()[0]
            if count:
                found[table] = count
    return found


def sessions_holding(needle):
    # Session data is signed and encoded: the text search above can't see into it.
    return [s.pk for s in Session.objects.all() if needle.lower() in str(s.get_decoded()).lower()]


@pytest.fixture
def planted(intake_client, intake_user, settings, django_capture_on_commit_callbacks):
    inquiry = submit_as_patient(Client(), settings, django_capture_on_commit_callbacks)
    work_as_staff(intake_client, inquiry, django_capture_on_commit_callbacks)
    close_long_ago(inquiry, intake_user)
    # The canary really did reach each of these places before the purge.
    assert set(tables_holding(CANARY)) >= {
        "inquiries_inquiry",
        "inquiries_inquiryevent",
        "inquiries_contactattempt",
        "inquiries_notification",
        "django_admin_log",
    }
    assert AuditEntry.objects.exists()
    assert LogEntry.objects.filter(object_id=str(inquiry.pk)).exists()
    return inquiry


@pytest.mark.parametrize("mode", [["--anonymise"], []], ids=["anonymise", "delete"])
def test_purge_leaves_no_trace_of_the_patient_in_any_table(planted, mode):
    call_command("purge_inquiries", "--older-than", str(RETENTION_DAYS), *mode, stdout=StringIO())

    assert Inquiry.objects.filter(pk=planted.pk).exists() == (mode == ["--anonymise"])
    for needle in NEEDLES:
        assert tables_holding(needle) == {}, f"{needle!r} is still stored"
        assert sessions_holding(needle) == []


def test_purge_keeps_who_did_what_and_when_in_the_audit_trail(planted, intake_user):
    before = list(AuditEntry.objects.values_list("pk", "actor_username", "action", "created_at"))

    call_command("purge_inquiries", "--older-than", str(RETENTION_DAYS), stdout=StringIO())

    after = list(AuditEntry.objects.values_list("pk", "actor_username", "action", "created_at"))
    assert after == before
    assert {username for _, username, _, _ in after} == {intake_user.get_username()}
    assert {action for _, _, action, _ in after} == {"view", "change", "export"}
