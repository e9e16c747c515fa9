from datetime import timedelta
from importlib import import_module
from io import StringIO

import pytest
from django.apps import apps as django_apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.management import CommandError, call_command
from django.db.models import F
from django.utils import timezone

from inquiries.models import ContactAttempt, Inquiry, InquiryEvent, Notification, RetentionRun
from inquiries.retention import ANONYMISED_EMAIL, ANONYMISED_NAME, purge_closed_inquiries
from tests.inquiries.crm_factories import make_inquiry, make_intake_user
from tests.inquiries.factories import form_data, post_form

Status = Inquiry.Status


@pytest.fixture
def inquiries(db):
    now = timezone.now()
    staff = make_intake_user()
    old_closed = make_inquiry(
        status=Status.NO_RESPONSE,
        closed_at=now - timedelta(days=400),
        phone="+15550100100",
        message="private words",
    )
    old_closed.add_note("Called twice", actor=staff)
    old_closed.record_event(
        InquiryEvent.Kind.STATUS_CHANGED, actor=staff, message="New → No response"
    )
    Notification.objects.create(inquiry=old_closed, kind=Notification.Kind.INTAKE)
    old_patient = make_inquiry(status=Status.BECAME_PATIENT, closed_at=now - timedelta(days=380))
    recent_closed = make_inquiry(status=Status.SPAM, closed_at=now - timedelta(days=10))
    old_open = make_inquiry(created_at=now - timedelta(days=500))
    return {
        "old_closed": old_closed,
        "old_patient": old_patient,
        "recent_closed": recent_closed,
        "old_open": old_open,
    }


def _run(*args):
    out = StringIO()
    call_command("purge_inquiries", *args, stdout=out)
    return out.getvalue()


def test_dry_run_prints_the_counts_and_changes_nothing(inquiries):
    output = _run("--older-than", "365", "--dry-run")

    assert "2 closed inquiries closed before" in output
    assert "with 2 timeline events" in output
    assert "Dry run: nothing was changed." in output
    assert Inquiry.objects.count() == 4
    assert not RetentionRun.objects.exists()


def test_real_run_deletes_old_closed_inquiries_and_leaves_an_audit_record(inquiries):
    output = _run("--older-than", "365")

    assert "2 closed inquiries closed before" in output
    assert "Deleted 2 inquiries and removed 2 timeline events" in output
    remaining = set(Inquiry.objects.values_list("pk", flat=True))
    assert remaining == {inquiries["recent_closed"].pk, inquiries["old_open"].pk}
    assert not InquiryEvent.objects.filter(inquiry_id=inquiries["old_closed"].pk).exists()
    run = RetentionRun.objects.get()
    assert (run.mode, run.older_than_days, run.inquiry_count, run.event_count) == (
        RetentionRun.Mode.DELETE,
        365,
        2,
        2,
    )


def test_anonymise_keeps_the_row_for_figures_but_removes_the_person(inquiries):
    _run("--older-than", "365", "--anonymise")

    old = Inquiry.objects.get(pk=inquiries["old_closed"].pk)
    assert (old.first_name, old.last_name, old.email, old.phone, old.message) == (
        "Anonymised",
        "",
        ANONYMISED_EMAIL,
        "",
        "",
    )
    assert old.status == Status.NO_RESPONSE
    kinds = set(old.events.values_list("kind", flat=True))
    assert kinds == {InquiryEvent.Kind.STATUS_CHANGED, InquiryEvent.Kind.UPDATED}
    assert not old.notifications.exists()
    assert Inquiry.objects.get(pk=inquiries["recent_closed"].pk).first_name == "Ada"
    assert RetentionRun.objects.get().mode == RetentionRun.Mode.ANONYMISE


def test_anonymising_twice_finds_nothing_new(inquiries):
    _run("--older-than", "365", "--anonymise")

    output = _run("--older-than", "365", "--anonymise")

    assert "Nothing to purge." in output
    assert RetentionRun.objects.count() == 1


@pytest.mark.parametrize("days", ["0", "-5", "ten"])
def test_nonsense_retention_periods_are_refused(db, days):
    with pytest.raises(CommandError, match="--older-than"):
        call_command("purge_inquiries", "--older-than", days)


def test_a_missing_retention_period_is_refused(db):
    with pytest.raises(CommandError, match="--older-than"):
        call_command("purge_inquiries")


def test_service_refuses_a_zero_day_period(db):
    with pytest.raises(ValueError, match="at least 1 day"):
        purge_closed_inquiries(older_than_days=0)


@pytest.fixture
def worked_on(db):
    """An inquiry closed long ago that staff called, reprioritised with a reason, and
    edited in the admin (Django's history names it by the patient's name)."""
    staff = make_intake_user()
    inquiry = make_inquiry(first_name="Grace", last_name="Hopper", utm_term="ketamine ptsd help")
    inquiry.log_contact_attempt("phone", "voicemail", actor=staff, note="Her sister answered")
    inquiry.set_priority(Inquiry.Priority.URGENT, actor=staff, reason="mentioned her divorce")
    inquiry.transition_to(Status.NOT_A_FIT, actor=staff)
    Inquiry.objects.filter(pk=inquiry.pk).update(closed_at=timezone.now() - timedelta(days=400))
    LogEntry.objects.log_actions(
        staff.pk, [inquiry], CHANGE, change_message=[{"changed": {"fields": ["Best time"]}}]
    )
    return inquiry


def test_anonymise_removes_contact_attempts_and_their_notes(worked_on):
    _run("--older-than", "365", "--anonymise")

    assert not ContactAttempt.objects.filter(inquiry=worked_on).exists()
    worked_on.refresh_from_db()
    assert worked_on.contact_attempts == 1  # the count stays for the figures


def test_anonymise_keeps_what_happened_but_not_the_words_typed_about_it(worked_on):
    worked_on.record_event(
        InquiryEvent.Kind.STATUS_CHANGED,
        message="Not a fit → Contacted (she called back about her divorce)",
        data={"from": "not_a_fit", "to": "contacted", "reason": "she called back"},
    )

    _run("--older-than", "365", "--anonymise")

    kept = worked_on.events.exclude(kind=InquiryEvent.Kind.UPDATED).order_by("pk")
    assert [(event.kind, event.message, event.data) for event in kept] == [
        ("priority", "Priority Normal → Urgent", {"from": 3, "to": 1}),
        ("status", "New → Not a fit", {"from": "new", "to": "not_a_fit"}),
        ("status", "Not a fit → Contacted", {"from": "not_a_fit", "to": "contacted"}),
    ]


def test_anonymise_clears_the_campaign_tags_of_the_link_followed(worked_on):
    _run("--older-than", "365", "--anonymise")

    worked_on.refresh_from_db()
    assert worked_on.utm_term == ""


@pytest.mark.parametrize("mode", [["--anonymise"], []], ids=["anonymise", "delete"])
def test_admin_history_keeps_who_and_when_but_names_only_the_reference(worked_on, mode):
    before = LogEntry.objects.get()
    assert "Grace" in before.object_repr

    _run("--older-than", "365", *mode)

    after = LogEntry.objects.get()
    assert after.object_repr == worked_on.reference
    assert (after.user_id, after.action_flag, after.action_time) == (
        before.user_id,
        CHANGE,
        before.action_time,
    )


def test_dry_run_counts_attempts_emails_and_history_too(worked_on):
    Notification.objects.create(inquiry=worked_on, kind=Notification.Kind.ACKNOWLEDGEMENT)

    output = _run("--older-than", "365", "--anonymise", "--dry-run")

    assert "1 contact attempts and 1 stored emails; 1 admin history entries" in output
    assert ContactAttempt.objects.filter(inquiry=worked_on).exists()
    assert "Grace" in LogEntry.objects.get().object_repr


def test_inquiries_anonymised_by_earlier_runs_are_finished_once(worked_on):
    migration = import_module("inquiries.migrations.0011_retention_finish_earlier_purges")
    # As the purge before issue 25 left it: contact details gone, the rest kept.
    Inquiry.objects.filter(pk=worked_on.pk).update(
        first_name=ANONYMISED_NAME, last_name="", email=ANONYMISED_EMAIL
    )
    still_here = make_inquiry(first_name="Alan", last_name="Turing")
    LogEntry.objects.log_actions(make_intake_user("other").pk, [still_here], CHANGE)
    gone = make_inquiry(first_name="Joan", last_name="Clarke")
    LogEntry.objects.log_actions(make_intake_user("third").pk, [gone], CHANGE)
    gone_reference = gone.reference
    gone.delete()

    migration.finish_earlier_purges(django_apps, None)

    worked_on.refresh_from_db()
    assert not ContactAttempt.objects.filter(inquiry=worked_on).exists()
    assert worked_on.utm_term == ""
    messages = set(worked_on.events.values_list("message", flat=True))
    assert "Priority Normal → Urgent" in messages
    assert not any("divorce" in message for message in messages)
    names = set(LogEntry.objects.values_list("object_repr", flat=True))
    assert names == {worked_on.reference, gone_reference, str(still_here)}


@pytest.mark.parametrize(
    "spam_sign",
    [{"website": "http://cheap-pills.example"}, {"form_token": "tampered"}],
    ids=["honeypot", "tampered-token"],
)
def test_spam_sent_through_the_form_is_purged_once_past_the_retention_period(client, db, spam_sign):
    # Held as spam, it may still be a real person's message: health data to let go of.
    post_form(client, form_data(message="I have PTSD since the accident", **spam_sign))
    spam = Inquiry.objects.get(status=Status.SPAM)
    assert spam.closed_at is not None
    # As if it had been sent 400 days ago.
    Inquiry.objects.filter(pk=spam.pk).update(
        created_at=F("created_at") - timedelta(days=400),
        closed_at=F("closed_at") - timedelta(days=400),
    )

    output = _run("--older-than", "365")

    assert "Deleted 1 inquiries" in output
    assert not Inquiry.objects.exists()


def test_spam_stored_without_a_closing_time_is_given_its_arrival_time_and_purged(db):
    # Form spam stored before the fix had no closed_at, so no purge ever picked it up.
    migration = import_module("inquiries.migrations.0012_spam_closed_when_stored")
    now = timezone.now()
    old = make_inquiry(status=Status.SPAM, created_at=now - timedelta(days=400))
    recent = make_inquiry(status=Status.SPAM, created_at=now - timedelta(days=10))
    open_one = make_inquiry(created_at=now - timedelta(days=400))

    migration.close_spam_when_stored(django_apps, None)
    _run("--older-than", "365")

    assert not Inquiry.objects.filter(pk=old.pk).exists()
    assert set(Inquiry.objects.values_list("pk", flat=True)) == {recent.pk, open_one.pk}
    recent.refresh_from_db()
    open_one.refresh_from_db()
    assert (recent.closed_at, open_one.closed_at) == (recent.created_at, None)
