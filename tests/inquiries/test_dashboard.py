from datetime import timedelta

import pytest
from django.utils import timezone

from clinic.models import JobRun
from inquiries import dashboard
from inquiries.dashboard_snapshot import take_snapshot
from inquiries.models import DashboardSnapshot, Inquiry, Topic
from inquiries.tasks import snapshot_dashboard
from tests.inquiries.crm_factories import dashboard_url, make_inquiry, make_intake_user, queue_url

Status = Inquiry.Status


@pytest.fixture
def known_data(db):
    """Ten inquiries with known statuses, ages, first-contact times and topics."""
    now = timezone.now()
    this_week = dashboard.start_of_week(now)
    ptsd, anxiety = Topic.objects.get(name="PTSD"), Topic.objects.get(name="Anxiety")
    day = timedelta(days=1)
    made = {
        # this week: two new (one of them overdue only if the week is old enough)
        "new_a": make_inquiry(created_at=this_week + timedelta(minutes=1)),
        "new_b": make_inquiry(created_at=this_week + timedelta(minutes=2)),
        # last week
        "contacted_1h": make_inquiry(
            status=Status.CONTACTED,
            created_at=this_week - 3 * day,
            first_contacted_at=this_week - 3 * day + timedelta(hours=1),
        ),
        "patient_2h": make_inquiry(
            status=Status.BECAME_PATIENT,
            topic=anxiety,
            created_at=this_week - 4 * day,
            first_contacted_at=this_week - 4 * day + timedelta(hours=2),
            closed_at=now,
        ),
        # older: contacted after 10 h, and a patient from two months ago
        "contacted_10h": make_inquiry(
            status=Status.CONTACTED,
            created_at=now - 20 * day,
            first_contacted_at=now - 20 * day + timedelta(hours=10),
            follow_up_on=timezone.localdate() - day,
        ),
        "old_patient": make_inquiry(
            status=Status.BECAME_PATIENT,
            topic=anxiety,
            created_at=now - 60 * day,
            first_contacted_at=now - 59 * day,
            closed_at=now - 30 * day,
        ),
        "spam": make_inquiry(status=Status.SPAM, created_at=now - 40 * day, closed_at=now),
    }
    return {"now": now, "this_week": this_week, "ptsd": ptsd, "anxiety": anxiety, **made}


def test_dashboard_figures_on_a_known_data_set(known_data):
    figures = dashboard.figures(changelist_url="/queue/", now=known_data["now"])

    counts = {row["label"]: row["count"] for row in figures["by_status"]}
    assert counts == {
        "New": 2,
        "Contacted": 2,
        "Consultation scheduled": 0,
        "Became a patient": 2,
        "Not a fit": 0,
        "No response": 0,
    }
    assert figures["spam"]["count"] == 1  # shown on its own, counted in no figure
    assert figures["open"]["count"] == 4
    assert figures["this_week"]["count"] == 2
    assert figures["last_week"]["count"] == 2
    assert figures["week_change"] == 0
    # the missed follow-up (the two new ones are at most days old, maybe not yet late)
    late_new = Inquiry.objects.waiting_too_long(known_data["now"]).count()
    assert figures["overdue"]["count"] == 1 + late_new
    # contacted in the last 30 days after 1 h, 2 h and 10 h: the median is 2 h
    assert figures["median_first_contact"]["value"] == timedelta(hours=2)
    assert figures["median_first_contact"]["contacted"] == 3
    topics = {row["label"]: row for row in figures["conversion_by_topic"]}
    assert (topics["Anxiety"]["total"], topics["Anxiety"]["patients"]) == (2, 2)
    assert topics["Anxiety"]["rate"] == 100.0
    assert (topics["PTSD"]["total"], topics["PTSD"]["patients"]) == (4, 0)
    pages = figures["conversion_by_page"]
    assert [(row["label"], row["total"], row["patients"]) for row in pages] == [
        ("No source page", 6, 2)
    ]
    bars = figures["weekly"]["bars"]
    assert len(bars) == 12
    assert bars[-1]["count"] == 2
    assert bars[-2]["count"] == 2
    assert figures["weekly"]["total"] == 6  # all six real ones fall within the 12 weeks


def test_dashboard_figures_link_to_the_filtered_queue(client, known_data):
    client.force_login(make_intake_user())
    figures = dashboard.figures(changelist_url=queue_url(), now=known_data["now"])

    overdue = client.get(figures["overdue"]["url"])
    spam = client.get(figures["spam"]["url"])
    anxiety = next(r for r in figures["conversion_by_topic"] if r["label"] == "Anxiety")
    patients = client.get(anxiety["patients_url"])

    assert known_data["contacted_10h"].reference in overdue.content.decode()
    assert known_data["spam"].reference in spam.content.decode()
    patient_html = patients.content.decode()
    assert known_data["patient_2h"].reference in patient_html
    assert known_data["old_patient"].reference in patient_html
    assert known_data["new_a"].reference not in patient_html


def test_dashboard_page_draws_an_accessible_chart_without_inline_styles(client, known_data):
    client.force_login(make_intake_user())
    take_snapshot()

    response = client.get(dashboard_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<h1") == 1
    assert '<title id="crm-chart-title">' in html
    assert '<desc id="crm-chart-desc">' in html
    assert "<caption>Inquiries per week" in html
    assert 'style="' not in html.split('<div id="content-main"', 1)[1]
    assert "<script" not in html.split('<div id="content-main"', 1)[1]
    assert html.count('class="crm-chart__bar"') == 12


def test_median_uses_the_same_rule_as_python(db):
    now = timezone.now()
    for hours in (1, 4):
        make_inquiry(
            created_at=now - timedelta(days=1),
            first_contacted_at=now - timedelta(days=1) + timedelta(hours=hours),
            status=Status.CONTACTED,
        )

    median, count = dashboard.median_time_to_first_contact(now - timedelta(days=30))

    assert (median, count) == (timedelta(hours=2, minutes=30), 2)


# Part two: time to first contact per week, attempts per reached patient, at most a
# minute stale.


def test_first_contact_by_week_on_the_known_data(known_data):
    figures = dashboard.figures(changelist_url="/queue/", now=known_data["now"])

    weeks = figures["first_contact_weeks"]
    assert len(weeks) == 12
    last_week = weeks[-2]
    # contacted after 1 h and 2 h: median 1.5 h, 90th percentile 1.9 h (interpolated)
    assert (last_week["contacted"], last_week["on_time"], last_week["late"]) == (2, 2, 0)
    assert (last_week["median"], last_week["p90"]) == ("1.5 h", "1.9 h")
    assert last_week["on_time_rate"] == 100
    assert weeks[-1]["contacted"] == 0 and weeks[-1]["median"] == "—"
    assert sum(week["contacted"] for week in weeks) == 4


@pytest.mark.parametrize(
    ("submitted", "contacted", "on_time"),
    [
        # Thursday morning: the promise ends Friday morning.
        ("2026-11-26 10:00", "2026-11-27 09:59", True),
        ("2026-11-26 10:00", "2026-11-27 11:00", False),
        # Friday afternoon: the promise ends Monday afternoon.
        ("2026-11-27 16:00", "2026-11-30 15:00", True),
        ("2026-11-27 16:00", "2026-11-30 17:00", False),
        # Saturday and Sunday: the promise ends as Tuesday starts.
        ("2026-11-28 10:00", "2026-11-30 23:59", True),
        ("2026-11-28 10:00", "2026-12-01 00:30", False),
        ("2026-11-29 22:00", "2026-11-30 23:00", True),
        ("2026-11-29 22:00", "2026-12-01 09:00", False),
    ],
)
def test_the_promise_in_sql_matches_the_business_day_rule(db, submitted, contacted, on_time):
    from datetime import datetime

    from inquiries.business_days import add_business_days
    from inquiries.models import promise_kept_q

    local = timezone.get_current_timezone()
    created_at = datetime.fromisoformat(submitted).replace(tzinfo=local)
    contacted_at = datetime.fromisoformat(contacted).replace(tzinfo=local)
    inquiry = make_inquiry(
        created_at=created_at, first_contacted_at=contacted_at, status=Status.CONTACTED
    )

    in_sql = Inquiry.objects.filter(promise_kept_q(), pk=inquiry.pk).exists()

    assert (contacted_at <= add_business_days(created_at)) is on_time
    assert in_sql is on_time


def test_attempts_per_reached_patient(db):
    from tests.inquiries.crm_factories import make_intake_user

    staffer = make_intake_user()
    twice = make_inquiry()
    twice.log_contact_attempt("phone", "no_answer", actor=staffer)
    twice.log_contact_attempt("phone", "reached", actor=staffer)
    once = make_inquiry()
    once.log_contact_attempt("email", "reached", actor=staffer)
    never = make_inquiry()
    never.log_contact_attempt("phone", "voicemail", actor=staffer)

    figure = dashboard.figures(changelist_url="/queue/")["attempts_per_reached"]

    assert (figure["value"], figure["display"], figure["reached"]) == (1.5, "1.5", 2)
    assert "contact=reached" in figure["url"]


def test_new_figures_link_to_the_filtered_queue(client, db):
    from tests.inquiries.crm_factories import make_intake_user

    staffer = make_intake_user()
    client.force_login(staffer)
    now = timezone.now()
    on_time = make_inquiry(
        created_at=now - timedelta(hours=3),
        first_contacted_at=now - timedelta(hours=2),
        status=Status.CONTACTED,
    )
    late = make_inquiry(
        created_at=now - timedelta(days=5),
        first_contacted_at=now - timedelta(hours=1),
        status=Status.CONTACTED,
    )
    reached = make_inquiry()
    reached.log_contact_attempt("phone", "reached", actor=staffer)
    figures = dashboard.figures(changelist_url=queue_url())
    late_week = next(week for week in figures["first_contact_weeks"] if week["late"])
    this_week = figures["first_contact_weeks"][-1]

    late_html = client.get(late_week["late_url"]).content.decode()
    reached_html = client.get(figures["attempts_per_reached"]["url"]).content.decode()

    assert late.reference in late_html and on_time.reference not in late_html
    if on_time.created_at >= this_week["start"]:  # not so early on a Monday morning
        assert on_time.reference in client.get(this_week["on_time_url"]).content.decode()
    assert reached.reference in reached_html and late.reference not in reached_html


def test_dashboard_shows_the_snapshot_and_says_when_it_is_from(client, db):
    client.force_login(make_intake_user())
    make_inquiry()
    take_snapshot()
    make_inquiry()  # after the snapshot: not counted until the next run of the job

    before = client.get(dashboard_url())
    snapshot_dashboard.call_local()  # the job, once the minute has passed
    DashboardSnapshot.objects.update(computed_at=timezone.now() - timedelta(minutes=1))
    JobRun.objects.update(last_started_at=timezone.now() - timedelta(minutes=1))
    snapshot_dashboard.call_local()
    after = client.get(dashboard_url())

    assert before.context["figures"]["open"]["count"] == 1
    assert after.context["figures"]["open"]["count"] == 2
    html = before.content.decode()
    assert "Figures as of <time" in html
    assert "the worker computes them every minute" in html


def test_dashboard_without_a_snapshot_says_so_and_queues_the_job(client, db, monkeypatch):
    client.force_login(make_intake_user())
    make_inquiry()
    queued = []
    monkeypatch.setattr(
        "inquiries.admin.dashboard_screen.snapshot_dashboard_now", lambda: queued.append(1)
    )

    response = client.get(dashboard_url())

    assert response.status_code == 200
    assert "The figures are being prepared" in response.content.decode()
    assert queued == [1]
    assert not DashboardSnapshot.objects.exists()  # the request computed nothing


def test_dashboard_without_a_snapshot_and_the_queue_down_still_answers(client, db, monkeypatch):
    import redis

    client.force_login(make_intake_user())

    def queue_down():
        raise redis.exceptions.ConnectionError("Connection refused")

    monkeypatch.setattr("inquiries.admin.dashboard_screen.snapshot_dashboard_now", queue_down)

    response = client.get(dashboard_url())

    assert response.status_code == 200
    assert "the job queue cannot be reached just now" in response.content.decode()


@pytest.mark.parametrize("inquiries", [1, 30])
def test_dashboard_query_count_is_small_and_constant(
    client, db, django_assert_num_queries, inquiries
):
    client.force_login(make_intake_user())
    for _ in range(inquiries):
        make_inquiry()
    take_snapshot()
    client.get(dashboard_url())  # session and permission caches warm

    # The admin page's own 8 (session, user, permissions, the audit entry...), the
    # snapshot, the outbox's two health figures and the jobs' records: however many
    # inquiries there are.
    with django_assert_num_queries(12):
        response = client.get(dashboard_url())

    assert response.status_code == 200


# Issue 25, item 11: spam is no inquiry. It counts in no figure, and the links agree.


@pytest.fixture
def real_and_spam(db):
    """One real inquiry and one spam row in each place a figure counts from."""
    from tests.pages.factories import make_page

    now = timezone.now()
    this_week = dashboard.start_of_week(now)
    page = make_page(title="Ketamine for PTSD", slug="ketamine-for-ptsd")
    shared = {"source_page": page, "topic": Topic.objects.get(name="Anxiety")}
    contacted = {"first_contacted_at": this_week - timedelta(days=3) + timedelta(hours=1)}
    real = [
        make_inquiry(created_at=this_week + timedelta(minutes=1), **shared),
        make_inquiry(
            created_at=this_week - timedelta(days=3),
            status=Status.BECAME_PATIENT,
            reached_at=now,
            attempts_to_reach=1,
            **contacted,
            **shared,
        ),
    ]
    spam = [
        make_inquiry(created_at=this_week + timedelta(minutes=2), status=Status.SPAM, **shared),
        make_inquiry(
            created_at=this_week - timedelta(days=3),
            status=Status.SPAM,
            reached_at=now,
            attempts_to_reach=5,
            first_contacted_at=this_week - timedelta(days=3) + timedelta(hours=9),
            **shared,
        ),
    ]
    return {"now": now, "real": real, "spam": spam}


def test_dashboard_counts_no_spam_in_volume_funnel_or_conversion(real_and_spam):
    figures = dashboard.figures(changelist_url="/queue/", now=real_and_spam["now"])

    assert (figures["this_week"]["count"], figures["last_week"]["count"]) == (1, 1)
    assert figures["weekly"]["total"] == 2
    assert "Spam" not in [row["label"] for row in figures["by_status"]]
    assert figures["spam"]["count"] == 2
    page_row = figures["conversion_by_page"][0]
    topic_row = figures["conversion_by_topic"][0]
    assert (page_row["total"], page_row["patients"], page_row["rate"]) == (2, 1, 50.0)
    assert (topic_row["total"], topic_row["patients"], topic_row["rate"]) == (2, 1, 50.0)
    assert figures["median_first_contact"]["contacted"] == 1
    assert figures["median_first_contact"]["value"] == timedelta(hours=1)
    assert sum(week["contacted"] for week in figures["first_contact_weeks"]) == 1
    assert figures["attempts_per_reached"]["value"] == 1.0


def test_dashboard_volume_links_list_no_spam(client, real_and_spam):
    client.force_login(make_intake_user())
    figures = dashboard.figures(changelist_url=queue_url(), now=real_and_spam["now"])

    this_week = client.get(figures["this_week"]["url"]).content.decode()
    by_page = client.get(figures["conversion_by_page"][0]["url"]).content.decode()
    spam = client.get(figures["spam"]["url"]).content.decode()

    assert real_and_spam["real"][0].reference in this_week
    assert real_and_spam["spam"][0].reference not in this_week
    assert all(inquiry.reference in by_page for inquiry in real_and_spam["real"])
    assert not any(inquiry.reference in by_page for inquiry in real_and_spam["spam"])
    assert all(inquiry.reference in spam for inquiry in real_and_spam["spam"])
