import time
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.pages.factories import make_faq, make_page, make_reference


@pytest.fixture
def section(db):
    return make_page(title="Treatments", slug="treatments", body="Our treatments.")


@pytest.fixture
def article(section):
    page = make_page(parent=section)
    make_faq(page)
    make_reference(page, url="https://doi.org/10.1001/jamapsychiatry.2014.62")
    return page


@pytest.fixture
def travel(monkeypatch):
    """Move the clock forward: Django's timezone.now and time.time (cache expiry too)."""
    offset = {"seconds": 0}
    real_time, real_now = time.time, timezone.now

    monkeypatch.setattr(time, "time", lambda: real_time() + offset["seconds"])
    monkeypatch.setattr(timezone, "now", lambda: real_now() + timedelta(seconds=offset["seconds"]))

    def forward(seconds):
        offset["seconds"] += seconds

    return forward
