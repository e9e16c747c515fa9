import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
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
    assert b"Two-factor sign-in is on for your account" in response.content
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


def enrol(client, user):
    client.force_login(user)
    client.get(reverse("staff:two_factor"))
    device = TOTPDevice.objects.filter(user=user, confirmed=False).latest("pk")
    return device, client.post(reverse("staff:two_factor"), {"token": current_code(device)})


def shown_codes(response):
    return re.findall(r"<li><code>([a-z2-7]{8})</code></li>", response.content.decode())


def test_enrolment_shows_ten_backup_codes_once(client, staffer):
    device, response = enrol(client, staffer)
    page_afterwards = client.get(reverse("staff:two_factor"))

    codes = shown_codes(response)
    assert response.status_code == 200
    assert b"Keep them somewhere safe" in response.content
    assert len(set(codes)) == 10
    assert sorted(codes) == sorted(StaticToken.objects.values_list("token", flat=True))
    assert b"You have 10 unused backup codes" in page_afterwards.content
    assert not any(code.encode() in page_afterwards.content for code in codes)


def test_enrolment_signs_the_session_in_with_the_new_app(client, staffer):
    device, _ = enrol(client, staffer)

    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id


def test_new_backup_codes_replace_the_old_set(client, staffer):
    _, enrolment = enrol(client, staffer)

    response = client.post(reverse("staff:new_backup_codes"))

    old, new = shown_codes(enrolment), shown_codes(response)
    assert len(new) == 10 and not set(old) & set(new)
    assert sorted(new) == sorted(StaticToken.objects.values_list("token", flat=True))


def test_a_session_signed_in_without_a_code_cannot_change_two_factor(client, staffer):
    TOTPDevice.objects.create(user=staffer, name="phone", confirmed=True)
    client.force_login(staffer)  # e.g. a session left open from before enrolment

    page = client.get(reverse("staff:two_factor"))
    response = client.post(reverse("staff:new_backup_codes"))

    assert b"sign in again with a code" in page.content
    assert response.status_code == 302
    assert not StaticToken.objects.exists()


def test_confirming_a_new_phone_retires_the_old_one(client, staffer):
    old_phone, _ = enrol(client, staffer)

    new_phone, response = enrol(client, staffer)

    assert response.status_code == 200
    assert list(TOTPDevice.objects.filter(user=staffer, confirmed=True)) == [new_phone]
    assert old_phone not in TOTPDevice.objects.all()


def test_enrol_command_replaces_the_app_the_staff_member_had(staffer, capsys):
    old = TOTPDevice.objects.create(user=staffer, name="lost phone", confirmed=True)

    call_command("enrol_totp", "intake")

    assert "otpauth://totp/" in capsys.readouterr().out
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()
    assert TOTPDevice.objects.filter(user=staffer, confirmed=True).count() == 1


def test_reset_command_lets_a_staff_member_who_lost_their_phone_enrol_again(
    client, staffer, capsys
):
    enrol(client, staffer)
    client.logout()
    refused = sign_in(client)

    call_command("reset_two_factor", "intake")
    after_reset = sign_in(client)

    assert refused.status_code == 200
    assert "Removed 1 authenticator app and 10 backup codes" in capsys.readouterr().out
    assert after_reset.status_code == 302
    assert client.get(reverse("staff:two_factor")).status_code == 200


def test_reset_command_dry_run_changes_nothing(client, staffer, capsys):
    enrol(client, staffer)

    call_command("reset_two_factor", "intake", "--dry-run")

    assert "Would remove 1 authenticator app and 10 backup codes" in capsys.readouterr().out
    assert TOTPDevice.objects.filter(user=staffer, confirmed=True).exists()
    assert StaticToken.objects.count() == 10


def sign_in(client):
    return client.post(reverse("admin:login"), {"username": "intake", "password": PASSWORD})


def test_a_session_signed_in_without_a_code_is_never_shown_a_key(client, staffer):
    TOTPDevice.objects.create(user=staffer, name="phone", confirmed=True)
    client.force_login(staffer)  # a session left open on a shared computer, say

    page = client.get(reverse("staff:two_factor"))
    qr_code = client.get(reverse("staff:enrolment_qr_code"))

    assert b"otpauth" not in page.content
    assert qr_code.status_code == 403
    assert not TOTPDevice.objects.filter(user=staffer, confirmed=False).exists()


def test_a_key_shown_in_another_session_never_becomes_the_app(client, staffer):
    from django.test import Client

    elsewhere = Client()
    elsewhere.force_login(staffer)
    elsewhere.get(reverse("staff:enrolment_qr_code"))  # a key someone else has seen
    seen_elsewhere = TOTPDevice.objects.get(user=staffer, confirmed=False)

    device, response = enrol(client, staffer)

    assert response.status_code == 200
    assert device != seen_elsewhere
    assert list(TOTPDevice.objects.filter(user=staffer)) == [device]
