"""`make run` uses SQLite: the demo's hours offer times there and a patient can book one
(no exclusion constraint there: the check inside the booking's transaction refuses a
second booking of the same time)."""

from tests.inquiries.test_form_on_sqlite import manage

BOOK = """
import uuid
from urllib.parse import urlencode
from django.test import Client
from django.test.utils import setup_test_environment
from consultations.links import booking_url
from consultations.models import Booking
from consultations.picker import active_offers, first_week_with_times
from tests.inquiries.crm_factories import make_inquiry

setup_test_environment()
_, days = first_week_with_times(active_offers())
slot = days[0][1][0]
codes = []
for name in ("Ada", "Grace"):
    link = booking_url(make_inquiry(first_name=name, status="contacted")).split("8000", 1)[1]
    response = Client().post(
        link,
        urlencode({"time": slot.key, "request_token": str(uuid.uuid4())}),
        content_type="application/x-www-form-urlencoded",
    )
    codes.append(response.status_code)
print(*codes, Booking.objects.count())
"""


def test_a_patient_books_on_the_development_database(tmp_path):
    for command in (["migrate", "--noinput"], ["load_demo_content"]):
        result = manage(tmp_path, *command)
        assert result.returncode == 0, result.stderr

    result = manage(tmp_path, "shell", "--verbosity", "0", "-c", BOOK)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-3:] == ["303", "409", "1"]
