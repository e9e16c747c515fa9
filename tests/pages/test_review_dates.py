from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from pages.models import REVIEW_INTERVAL, Page, ReviewReminder
from pages.services import save_page
from tests.pages.factories import make_clinician, make_page


def days_ago(days):
    return timezone.localdate() - timedelta(days=days)


# Next review dates


def test_next_review_defaults_to_a_year_after_the_last_review(db):
    page = make_page(last_reviewed=date(2026, 10, 1))

    assert page.next_review == date(2026, 10, 1) + REVIEW_INTERVAL


def test_a_chosen_next_review_is_kept(db):
    page = make_page(last_reviewed=date(2026, 10, 1), next_review=date(2027, 3, 1))

    page.title = "Renamed"
    save_page(page)

    assert page.next_review == date(2027, 3, 1)


def test_a_new_review_moves_an_untouched_next_review_along(db):
    page = make_page(last_reviewed=date(2026, 1, 5), next_review=date(2026, 6, 1))

    page.last_reviewed = date(2026, 11, 20)
    save_page(page)

    assert page.next_review == date(2026, 11, 20) + REVIEW_INTERVAL


def test_a_new_review_with_a_chosen_next_review_keeps_the_choice(db):
    page = make_page(last_reviewed=date(2026, 1, 5))

    page.last_reviewed, page.next_review = date(2026, 11, 20), date(2027, 5, 1)
    save_page(page)

    assert page.next_review == date(2027, 5, 1)


def test_a_new_review_in_the_admin_moves_the_next_review(admin_client, db):
    from tests.pages.test_admin import page_form_data

    page = make_page(slug="ketamine-for-anxiety", last_reviewed=date(2026, 1, 5))
    data = page_form_data(
        reviewer=str(page.reviewer_id), last_reviewed="2026-11-20", next_review="2027-01-05"
    )

    admin_client.post(reverse("admin:pages_page_change", args=[page.pk]), data)

    page.refresh_from_db()
    assert page.next_review == date(2027, 11, 20)


def test_review_overdue_follows_the_next_review_date(db):
    assert make_page(slug="a", last_reviewed=days_ago(366)).review_overdue
    assert not make_page(slug="b", last_reviewed=days_ago(30)).review_overdue
    assert make_page(slug="c", last_reviewed=days_ago(30), next_review=days_ago(1)).review_overdue
    assert make_page(slug="d", last_reviewed=None).review_overdue


def test_public_page_ends_with_both_review_dates(client, db):
    page = make_page(last_reviewed=date(2026, 10, 1))

    html = client.get(page.path).content.decode()

    assert (
        'Page last reviewed: <time datetime="2026-10-01">October 1, 2026</time> · '
        'Next review due: <time datetime="2027-10-01">October 1, 2027</time>'
    ) in html
    assert html.index("Page last reviewed") > html.index("Medically reviewed by")


@pytest.mark.parametrize("due_in_days", [0, -1, -200], ids=["today", "yesterday", "long ago"])
def test_page_past_its_review_date_shows_no_past_due_date(client, db, due_in_days):
    page = make_page(
        last_reviewed=days_ago(400), next_review=timezone.localdate() + timedelta(days=due_in_days)
    )

    html = client.get(page.path).content.decode()

    assert "Next review due" not in html
    assert f'Page last reviewed: <time datetime="{days_ago(400):%Y-%m-%d}">' in html


def test_next_review_is_judged_by_the_clinics_date_not_utcs(client, db, settings, monkeypatch):
    settings.TIME_ZONE = "America/New_York"
    # 03:00 UTC on November 20 is 22:00 on November 19 in New York.
    moment = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    due_tomorrow = make_page(slug="tomorrow", next_review=date(2026, 11, 20))
    due_today = make_page(slug="today", next_review=date(2026, 11, 19))

    assert "Next review due: <time" in client.get(due_tomorrow.path).content.decode()
    assert "Next review due" not in client.get(due_today.path).content.decode()


def test_never_reviewed_page_shows_no_review_dates(client, db):
    page = make_page(last_reviewed=None)

    assert "Page last reviewed" not in client.get(page.path).content.decode()


# The admin's review filter and column


@pytest.fixture
def pages_by_review(db):
    return {
        "overdue": make_page(title="Overdue", slug="overdue", last_reviewed=days_ago(400)),
        "due": make_page(title="Due", slug="due", last_reviewed=days_ago(350)),
        "current": make_page(title="Current", slug="current", last_reviewed=days_ago(10)),
        "never": make_page(title="Never", slug="never", last_reviewed=None),
    }


@pytest.mark.parametrize("bucket", ["overdue", "due", "current", "never"])
def test_admin_review_filter_buckets(admin_client, pages_by_review, bucket):
    response = admin_client.get(reverse("admin:pages_page_changelist"), {"review": bucket})

    assert list(response.context["cl"].result_list) == [pages_by_review[bucket]]


def test_admin_list_flags_overdue_due_soon_and_never_reviewed(admin_client, pages_by_review):
    html = admin_client.get(reverse("admin:pages_page_changelist")).content.decode()

    due = pages_by_review["due"].next_review
    assert f"{due:%b} {due.day}, {due:%Y} <strong>⚠ due soon</strong>" in html
    assert html.count("⚠ review overdue") == 1
    assert html.count("⚠ never reviewed") == 1


# send_review_reminders


@pytest.fixture
def reviewers(db):
    dana = make_clinician(email="dana@example.com")
    sam = make_clinician(name="Dr. Sam Ortiz", credentials="PMHNP", email="sam@example.com")
    make_page(title="Dana overdue", slug="d-overdue", reviewer=dana, last_reviewed=days_ago(400))
    make_page(title="Dana due", slug="d-due", reviewer=dana, last_reviewed=days_ago(350))
    make_page(title="Dana draft", slug="d-draft", reviewer=dana, status="draft", last_reviewed=None)
    make_page(title="Dana fine", slug="d-fine", reviewer=dana, last_reviewed=days_ago(10))
    make_page(title="Sam due", slug="s-due", reviewer=sam, last_reviewed=days_ago(340))
    make_page(title="Sam fine", slug="s-fine", reviewer=sam, last_reviewed=days_ago(100))
    return dana, sam


def mail_to(mailoutbox, address):
    return next(message for message in mailoutbox if message.to == [address])


def test_each_reviewer_gets_one_email_with_only_their_due_pages(reviewers, mailoutbox, settings):
    call_command("send_review_reminders")

    assert len(mailoutbox) == 2
    dana = mail_to(mailoutbox, "dana@example.com")
    assert dana.subject == "3 pages are due for medical review"
    body = dana.body
    assert body.index("Dana draft") < body.index("Dana overdue") < body.index("Dana due")
    assert "Dana fine" not in body and "Sam" not in body
    overdue = Page.objects.get(slug="d-overdue")
    assert f"overdue since {overdue.next_review:%B} {overdue.next_review.day}," in body
    assert "Dana draft (not live yet): not reviewed yet" in body
    assert f"{settings.SITE_URL}/{settings.ADMIN_PATH}pages/page/{overdue.pk}/change/" in body
    assert f"{settings.SITE_URL}/d-overdue/" in body
    assert body.rstrip().endswith(settings.CLINIC_NAME)
    sam = mail_to(mailoutbox, "sam@example.com")
    assert sam.subject == "1 page is due for medical review"
    assert "Sam due" in sam.body and "Sam fine" not in sam.body


def test_dry_run_sends_nothing_and_says_who_would_get_what(reviewers, mailoutbox, capsys):
    call_command("send_review_reminders", "--dry-run")

    out = capsys.readouterr().out
    assert mailoutbox == []
    assert "Would email Dr. Dana Whitfield <dana@example.com>:" in out
    assert "/d-overdue/  Dana overdue: overdue since" in out
    assert "Dry run" in out
    assert not ReviewReminder.objects.exists()


def test_a_second_run_on_the_same_day_sends_nothing_new(reviewers, mailoutbox, capsys):
    call_command("send_review_reminders")
    call_command("send_review_reminders")

    assert len(mailoutbox) == 2
    assert "Already reminded today: Dr. Dana Whitfield" in capsys.readouterr().out


def test_reviewer_without_email_and_page_without_reviewer_are_warnings(db, mailoutbox, capsys):
    silent = make_clinician(name="Dr. No Mail", credentials="MD")
    make_page(title="Silent", slug="silent", reviewer=silent, last_reviewed=None)
    make_page(title="Orphan", slug="orphan", reviewer=None, last_reviewed=days_ago(400))

    call_command("send_review_reminders")

    err = capsys.readouterr().err
    assert "Dr. No Mail has 1 page(s) due for review but no email address" in err
    assert "1 page(s) due for review have no reviewer: /orphan/" in err
    assert mailoutbox == []


def test_a_failed_send_does_not_stop_the_others_and_fails_the_run(
    reviewers, mailoutbox, monkeypatch, capsys
):
    from django.core import mail

    real_send = mail.send_mail

    def flaky_send(subject, body, from_email, recipients, **kwargs):
        if recipients == ["dana@example.com"]:
            raise OSError("Connection refused")
        return real_send(subject, body, from_email, recipients, **kwargs)

    monkeypatch.setattr("pages.reminders.send_mail", flaky_send)

    with pytest.raises(CommandError, match=r"1 of 2 reminder emails failed \(Dr. Dana Whitfield\)"):
        call_command("send_review_reminders")

    assert [message.to for message in mailoutbox] == [["sam@example.com"]]
    assert "Could not email Dr. Dana Whitfield <dana@example.com>: Connection refused" in (
        capsys.readouterr().err
    )
    # Dana's day is not recorded, so the next run tries her again.
    assert list(ReviewReminder.objects.values_list("clinician__name", flat=True)) == [
        "Dr. Sam Ortiz"
    ]
