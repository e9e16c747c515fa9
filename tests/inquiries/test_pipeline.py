import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone

from inquiries.models import Inquiry, InquiryEvent, Topic

Status = Inquiry.Status


@pytest.fixture
def inquiry(db):
    return Inquiry.objects.create(
        first_name="Ada",
        last_name="Lovelace",
        email="ada@example.com",
        contact_method=Inquiry.ContactMethod.EMAIL,
        topic=Topic.objects.get(name="PTSD"),
        consent_text="I agree.",
        consent_version="2026-11",
        consent_given_at=timezone.now(),
    )


@pytest.fixture
def staffer(db):
    return get_user_model().objects.create_user("intake", password="a-long-password-1")


def test_default_topics_exist(db):
    assert list(Topic.objects.values_list("name", flat=True)) == [
        "PTSD",
        "Depression",
        "Anxiety",
        "Chronic pain",
        "Other",
    ]


def test_reference_is_padded_from_the_id(inquiry):
    assert inquiry.reference == f"INQ-{inquiry.pk:06d}"


def test_contacting_sets_first_contacted_time_once_and_records_an_event(inquiry, staffer):
    inquiry.transition_to(Status.CONTACTED, actor=staffer)
    first = inquiry.first_contacted_at
    inquiry.transition_to(Status.CONSULTATION_SCHEDULED, actor=staffer)
    inquiry.transition_to(Status.CONTACTED, actor=staffer)

    inquiry.refresh_from_db()
    assert inquiry.status == Status.CONTACTED
    assert inquiry.first_contacted_at == first
    events = inquiry.events.filter(kind=InquiryEvent.Kind.STATUS_CHANGED)
    assert [e.data["to"] for e in events] == ["contacted", "consultation", "contacted"]
    assert all(e.actor == staffer for e in events)


def test_closing_sets_closed_time_and_reopening_clears_it(inquiry, staffer):
    inquiry.transition_to(Status.NO_RESPONSE, actor=staffer)
    assert inquiry.closed_at is not None

    inquiry.reopen(reason="Closed by mistake", actor=staffer)

    inquiry.refresh_from_db()
    assert inquiry.closed_at is None


@pytest.mark.parametrize(
    ("path", "refused"),
    [
        ([], Status.BECAME_PATIENT),
        ([], Status.CONSULTATION_SCHEDULED),
        ([Status.SPAM], Status.CONTACTED),
        ([Status.CONTACTED, Status.CONSULTATION_SCHEDULED, Status.BECAME_PATIENT], Status.NEW),
    ],
)
def test_invalid_transition_is_refused_with_a_message(inquiry, staffer, path, refused):
    for status in path:
        inquiry.transition_to(status, actor=staffer)
    before = inquiry.events.count()

    with pytest.raises(ValidationError, match="can't move from"):
        inquiry.transition_to(refused, actor=staffer)

    inquiry.refresh_from_db()
    assert inquiry.status == (path[-1] if path else Status.NEW)
    assert inquiry.events.count() == before


def test_assign_note_attempt_and_follow_up_each_record_an_event(inquiry, staffer):
    inquiry.assign(staffer, actor=staffer)
    inquiry.add_note("Prefers mornings", actor=staffer)
    inquiry.log_contact_attempt("phone", "voicemail", actor=staffer)
    inquiry.set_follow_up(timezone.localdate(), actor=staffer)
    inquiry.set_priority(Inquiry.Priority.URGENT, actor=staffer)

    kinds = list(inquiry.events.values_list("kind", flat=True))
    assert kinds == ["assigned", "note", "attempt", "follow_up", "priority"]


def test_events_cannot_be_changed(inquiry, staffer):
    event = inquiry.add_note("original", actor=staffer)
    event.message = "rewritten"

    with pytest.raises(ValueError, match="append-only"):
        event.save()
    event.refresh_from_db()
    assert event.message == "original"


def test_open_queue_puts_urgent_first_then_oldest(inquiry, staffer):
    newer_urgent = Inquiry.objects.create(
        **{f: getattr(inquiry, f) for f in ("first_name", "last_name", "email", "topic_id")},
        contact_method="email",
        consent_text="x",
        consent_version="1",
        consent_given_at=timezone.now(),
        priority=Inquiry.Priority.URGENT,
    )
    closed = Inquiry.objects.create(
        **{f: getattr(inquiry, f) for f in ("first_name", "last_name", "email", "topic_id")},
        contact_method="email",
        consent_text="x",
        consent_version="1",
        consent_given_at=timezone.now(),
        status=Status.SPAM,
    )

    queue = list(Inquiry.objects.open().urgent_first())

    assert queue == [newer_urgent, inquiry]
    assert closed not in queue
