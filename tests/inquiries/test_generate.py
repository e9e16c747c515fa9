from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from inquiries.models import Inquiry


def test_generate_inquiries_creates_recognisably_fake_rows(db):
    out = StringIO()

    call_command("generate_inquiries", "300", "--seed", "7", stdout=out, stderr=StringIO())

    assert "Created 300 inquiries" in out.getvalue()
    inquiries = Inquiry.objects.all()
    assert inquiries.count() == 300
    year_ago = timezone.now() - timedelta(days=367)
    for inquiry in inquiries:
        assert inquiry.email.rsplit("@", 1)[1] in {"example.com", "example.org", "example.net"}
        assert inquiry.phone == "" or inquiry.phone[5:9] == "5550"
        assert inquiry.user_agent == "generate_inquiries"
        assert inquiry.consent_version == "generated"
        assert year_ago < inquiry.created_at <= timezone.now()
        assert (inquiry.closed_at is not None) == (not inquiry.is_open)
        # Reached when first contacted, after one to three attempts.
        assert (inquiry.reached_at is not None) == (inquiry.first_contacted_at is not None)
        if inquiry.reached_at:
            assert 1 <= inquiry.attempts_to_reach == inquiry.contact_attempts <= 3
    statuses = set(inquiries.values_list("status", flat=True))
    assert {"new", "contacted", "patient", "no_response"} <= statuses
    assert set(inquiries.values_list("priority", flat=True)) <= {1, 2, 3}


def test_generate_inquiries_refuses_a_count_below_one(db):
    with pytest.raises(CommandError, match="at least 1"):
        call_command("generate_inquiries", "0")
