"""Signing in to the admin once a staff member has two-factor sign-in: one form, one step."""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

PASSWORD = "correct horse battery staple"
BACKUP_CODES = ["plumkite", "rivers22"]


@pytest.fixture
def staffer(db):
    return get_user_model().objects.create_user("intake", password=PASSWORD, is_staff=True)


@pytest.fixture
def app(staffer):
    return TOTPDevice.objects.create(user=staffer, name="Authenticator app", confirmed=True)


@pytest.fixture
def backup_codes(staffer):
    device = StaticDevice.objects.create(user=staffer, name="Backup codes")
    for code in BACKUP_CODES:
        device.token_set.create(token=code)
    return device


@pytest.fixture
def two_factor_required(settings):
    settings.REQUIRE_STAFF_2FA = True


def current_code(device):
    return f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}"


def sign_in(client, code=None, password=PASSWORD):
    data = {"username": "intake", "password": password}
    if code is not None:
        data["otp_token"] = code
    return client.post(reverse("admin:login"), data, REMOTE_ADDR="203.0.113.7")


def signed_in_with(client):
    """The device that verified this session, or None for a password-only session."""
    if "_auth_user_id" not in client.session:
        return "signed out"
    return client.session.get(DEVICE_ID_SESSION_KEY)


def test_login_form_asks_for_username_password_and_code_on_one_form(client, db):
    response = client.get(reverse("admin:login"))

    assert b'name="username"' in response.content
    assert b'name="password"' in response.content
    assert b'name="otp_token"' in response.content
    assert b"Two-factor code" in response.content
    assert b"otp_device" not in response.content


def test_enrolled_staff_member_is_refused_with_password_alone(client, app):
    response = sign_in(client)

    assert response.status_code == 200
    assert b"Two-factor sign-in is on for this account" in response.content
    assert signed_in_with(client) == "signed out"


@pytest.mark.parametrize("required", [False, True], ids=["optional", "required"])
def test_enrolled_staff_member_signs_in_with_password_and_code_in_one_step(
    client, app, settings, required
):
    settings.REQUIRE_STAFF_2FA = required

    response = sign_in(client, current_code(app))

    assert response.status_code == 302, response.content
    assert signed_in_with(client) == app.persistent_id
    assert client.get(reverse("admin:index")).status_code == 200


def test_wrong_code_is_refused(client, app):
    response = sign_in(client, "000000" if current_code(app) != "000000" else "111111")

    assert response.status_code == 200
    assert b"That code didn&#x27;t match" in response.content
    assert signed_in_with(client) == "signed out"


def test_wrong_codes_count_towards_the_lockout_like_wrong_passwords(client, app):
    for _ in range(4):
        assert sign_in(client, "abcdefgh").status_code == 200

    fifth = sign_in(client, "abcdefgh")
    with_right_code = sign_in(client, current_code(app))

    assert fifth.status_code == 429
    assert with_right_code.status_code == 429
    assert signed_in_with(client) == "signed out"


def test_a_failed_attempt_does_not_store_the_code_typed(client, app):
    sign_in(client, "rivers23")

    attempt = AccessAttempt.objects.get(username="intake")
    assert "rivers23" not in attempt.post_data


def test_backup_code_signs_in_once_and_never_again(client, app, backup_codes):
    first = sign_in(client, "PLUM-KITE")
    client.logout()
    second = sign_in(client, "plumkite")

    assert first.status_code == 302
    assert second.status_code == 200
    assert b"That code didn&#x27;t match" in second.content
    assert signed_in_with(client) == "signed out"
    assert list(backup_codes.token_set.values_list("token", flat=True)) == ["rivers22"]


def test_backup_code_alone_works_when_the_app_was_removed(client, backup_codes):
    response = sign_in(client, "rivers22")

    assert response.status_code == 302
    assert signed_in_with(client) == backup_codes.persistent_id


def test_unenrolled_staff_member_signs_in_with_password_when_two_factor_is_optional(
    client, staffer
):
    response = sign_in(client)

    assert response.status_code == 302
    assert signed_in_with(client) is None


def test_unenrolled_staff_member_is_told_to_ask_for_enrolment_when_two_factor_is_required(
    client, staffer, two_factor_required
):
    response = sign_in(client)

    assert response.status_code == 200
    assert b"ask the clinic&#x27;s administrator" in response.content
    assert signed_in_with(client) == "signed out"


def test_wrong_password_with_a_right_code_does_not_use_up_the_code(client, app, backup_codes):
    response = sign_in(client, "rivers22", password="not the password")

    assert response.status_code == 200
    assert backup_codes.token_set.filter(token="rivers22").exists()
