import subprocess
import sys
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

PROJECT_ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery staple"


@pytest.fixture
def staffer(db):
    return get_user_model().objects.create_user("intake", password=PASSWORD, is_staff=True)


def sign_in(client, password, ip="203.0.113.7"):
    return client.post(
        reverse("admin:login"),
        {"username": "intake", "password": password},
        REMOTE_ADDR=ip,
    )


def test_five_failed_sign_ins_lock_the_account_on_that_address(client, staffer):
    for _ in range(4):
        assert sign_in(client, "wrong password").status_code == 200

    fifth = sign_in(client, "wrong password")
    with_right_password = sign_in(client, PASSWORD)

    assert fifth.status_code == 429
    assert with_right_password.status_code == 429
    assert b"Sign-in paused for 15 minutes" in with_right_password.content
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_username_and_address(client, staffer):
    for _ in range(5):
        sign_in(client, "wrong password", ip="203.0.113.7")

    response = sign_in(client, PASSWORD, ip="198.51.100.20")

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(staffer.pk)


def test_successful_sign_in_resets_the_failure_count(client, staffer):
    for _ in range(4):
        sign_in(client, "wrong password")

    sign_in(client, PASSWORD)

    assert not AccessAttempt.objects.filter(username="intake").exists()


def test_staff_session_ends_when_the_browser_closes_and_after_15_idle_minutes(
    client, staffer, settings
):
    response = sign_in(client, PASSWORD)

    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["expires"] == "" and cookie["max-age"] == ""
    assert client.session.get_expiry_age() == 15 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST  # each request restarts the idle clock


@pytest.mark.parametrize("password", ["short-pass1", "12345678901234", "password1234"])
def test_weak_passwords_are_refused(password, db):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_twelve_character_passphrase_is_accepted(db):
    validate_password("plum kettle river")


def admin_index_with(admin_path):
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.urls import reverse; "
            "print(reverse('admin:index'))",
        ],
        cwd=PROJECT_ROOT,
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "clinic.settings",
            "DJANGO_DEBUG": "true",
            "DJANGO_ADMIN_PATH": admin_path,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_admin_path_comes_from_the_environment():
    result = admin_index_with("staff-desk")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "/staff-desk/"


@pytest.mark.parametrize("bad_path", ["/", "../etc", "a b"])
def test_bad_admin_path_stops_start_up_with_a_message(bad_path):
    result = admin_index_with(bad_path)

    assert result.returncode != 0
    assert "DJANGO_ADMIN_PATH must be a path" in result.stderr
