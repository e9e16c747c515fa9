"""The queue and My work read as work lists (issue 26): titles that say what they are,
one date format in the clinic's time zone (relative for the last day), a two-line
message preview, and the source shown as the page's title."""

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from inquiries import dates
from tests.inquiries.crm_factories import make_inquiry, queue_url
from tests.pages.factories import make_page

NEW_YORK = ZoneInfo("America/New_York")


@pytest.mark.parametrize(("query", "title"), [({}, "Inquiries"), ({"work": "mine"}, "My work")])
def test_lists_are_titled_for_what_they_hold(intake_client, query, title):
    html = intake_client.get(queue_url(), query).content.decode()

    assert f"<h1>{title}</h1>" in html
    assert f"<title>{title} |" in html
    assert "Select inquiry to change" not in html


@pytest.mark.parametrize(
    ("ago", "text"),
    [
        (timedelta(seconds=20), "just now"),
        (timedelta(minutes=5), "5 min ago"),
        (timedelta(hours=2, minutes=59), "2 h ago"),
        (timedelta(hours=23, minutes=59), "23 h ago"),
    ],
)
def test_a_moment_in_the_last_day_reads_as_how_long_ago(ago, text):
    now = datetime(2026, 12, 7, 15, 0, tzinfo=NEW_YORK)

    assert dates.moment_text(now - ago, now=now) == text


def test_an_older_moment_reads_as_one_date_format_in_the_clinics_time_zone(settings):
    settings.TIME_ZONE = "America/New_York"
    # 03:30 UTC on the 5th is 22:30 on the 4th in New York.
    moment = datetime(2026, 12, 5, 3, 30, tzinfo=ZoneInfo("UTC"))
    now = datetime(2026, 12, 7, 15, 0, tzinfo=NEW_YORK)

    assert dates.moment_text(moment, now=now) == "Dec 4, 2026 22:30"
    assert dates.day_text(date(2026, 12, 5)) == "Dec 5, 2026"
    assert 'title="Dec 4, 2026 22:30"' in dates.moment_html(moment, now=now)


def test_the_admins_own_pages_write_dates_the_same_way(settings):
    from django.utils import formats

    moment = datetime(2026, 12, 4, 22, 30, tzinfo=NEW_YORK)

    assert formats.date_format(moment, "DATETIME_FORMAT") == "Dec 4, 2026 22:30"
    assert formats.date_format(moment.date()) == "Dec 4, 2026"


def test_the_queue_writes_dates_one_way(intake_client):
    now = timezone.now()
    make_inquiry(
        contact_attempts=1,
        last_attempt_at=now - timedelta(hours=3),
        follow_up_on=timezone.localdate() + timedelta(days=40),
    )
    make_inquiry(contact_attempts=2, last_attempt_at=now - timedelta(days=3))

    html = intake_client.get(queue_url()).content.decode()

    follow_up = timezone.localdate() + timedelta(days=40)
    assert f">{dates.day_text(follow_up)}</time>" in html
    assert ">3 h ago</time>" in html
    assert f">{dates.exact_text(now - timedelta(days=3))}</time>" in html
    # None of the other formats the CRM used to mix.
    text = re.sub(r"<[^>]+>", " ", html)
    assert not re.search(r"\b[A-Z][a-z]{2} 0\d, \d{4}\b", text)  # "Dec 06, 2026"
    assert not re.search(r"\b[A-Z][a-z]{2}\. \d", text)  # "Dec. 6"
    assert not re.search(r"[ap]\.m\.", text)  # "10:35 p.m."


def test_the_message_preview_is_two_lines_of_plain_text(intake_client):
    make_inquiry(message="First line.\n\nSecond line, " + "and more words " * 20)

    html = intake_client.get(queue_url()).content.decode()

    preview = re.search(r'<span class="crm-preview-2">([^<]*)</span>', html).group(1)
    assert preview.startswith("First line. Second line, and more words")
    assert preview.endswith("…")
    assert len(preview) <= 120


def test_the_source_is_shown_as_the_pages_title(intake_client):
    page = make_page(title="Ketamine for PTSD")
    make_inquiry(source_page=page, source_path=page.path)

    html = intake_client.get(queue_url()).content.decode()

    assert '<span class="crm-source">Ketamine for PTSD</span>' in html
