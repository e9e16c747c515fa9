import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django_otp.admin import OTPAdminSite
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

PASSWORD = "correct horse battery staple"


@pytest.fixture
def staffer(db):
    return get_user_model().objects.create_user("intake", password=PASSWORD, is_staff=True)


def current_code(device):
    return f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}"


def test_staff_member_enrols_an_authenticator_app(client, staffer):
    client.force_login(staffer)
    page = client.get(reverse("staff:two_factor"))
    device = TOTPDevice.objects.get(user=staffer)

    response = client.post(reverse("staff:two_factor"), {"token": current_code(device)})

    assert page.status_code == 200 and b"Scan this code" in page.content
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed


def test_wrong_code_is_refused_with_a_message(client, staffer):
    client.force_login(staffer)
    client.get(reverse("staff:two_factor"))

    response = client.post(reverse("staff:two_factor"), {"token": "000000"})

    assert response.status_code == 200
    assert b"That code didn&#x27;t match" in response.content
    assert not TOTPDevice.objects.filter(user=staffer, confirmed=True).exists()


def test_qr_code_is_an_svg_for_staff_only(client, staffer):
    anonymous = client.get(reverse("staff:enrolment_qr_code"))
    client.force_login(staffer)
    response = client.get(reverse("staff:enrolment_qr_code"))

    assert anonymous.status_code == 302
    assert response["Content-Type"] == "image/svg+xml"
    assert b"<svg" in response.content


def test_enrol_command_prints_the_otpauth_address(staffer, capsys):
    call_command("enrol_totp", "intake")

    assert "otpauth://totp/" in capsys.readouterr().out
    assert TOTPDevice.objects.get(user=staffer).confirmed


@pytest.fixture
def two_factor_required():
    original = admin.site.__class__
    admin.site.__class__ = OTPAdminSite
    yield
    admin.site.__class__ = original


def test_when_required_the_admin_asks_for_a_code(client, staffer, two_factor_required):
    device = TOTPDevice.objects.create(user=staffer, name="phone", confirmed=True)
    login = reverse("admin:login")
    credentials = {"username": "intake", "password": PASSWORD, "otp_device": device.persistent_id}

    without_code = client.post(login, credentials)
    with_code = client.post(login, {**credentials, "otp_token": current_code(device)})

    assert without_code.status_code == 200
    assert with_code.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200
