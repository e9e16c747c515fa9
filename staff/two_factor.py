"""Two-factor sign-in: a staff member's authenticator app and backup codes (django-otp devices).

An account has at most one authenticator app (a TOTP device) and one set of backup codes
(a static device whose tokens each work once). The code typed at sign-in says which of
the two it is for, so the login form needs no device menu.
"""

import re

from django.db import transaction
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

APP_NAME = "Authenticator app"
PENDING_APP_NAME = "Authenticator app (pending)"
BACKUP_CODES_NAME = "Backup codes"
BACKUP_CODE_COUNT = 10
APP_CODE = re.compile(r"\d{6}")


def normalise_code(code):
    """What a person typed, as stored: without spaces or dashes, in lower case."""
    return re.sub(r"[\s-]+", "", code or "").lower()


def device_for_code(user, code):
    """The one confirmed device a sign-in code is meant for, locked for verification.

    Six digits come from the app, anything else is a backup code. Trying the code on
    every device instead (django_otp.match_token) would count a failure against the
    backup codes each time the app's code is right, and throttle them for nothing.
    """
    model = TOTPDevice if APP_CODE.fullmatch(code or "") else StaticDevice
    devices = model.objects.devices_for_user(user, confirmed=True)
    return devices.select_for_update().order_by("-pk").first()


PENDING_APP_SESSION_KEY = "staff:pending-app"


def pending_app(request):
    """The unconfirmed authenticator app this session is enrolling, made on its first
    visit. Each session has its own: a key shown in another session (one left open on
    a shared computer, say) can never become the app this session confirms."""
    device = TOTPDevice.objects.filter(
        user=request.user, confirmed=False, pk=request.session.get(PENDING_APP_SESSION_KEY)
    ).first()
    if device is None:
        device = TOTPDevice.objects.create(
            user=request.user, confirmed=False, name=PENDING_APP_NAME
        )
        request.session[PENDING_APP_SESSION_KEY] = device.pk
    return device


def backup_codes_left(user):
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@transaction.atomic
def issue_backup_codes(user):
    """Replace the account's backup codes with a fresh set; returns the codes to show once."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=BACKUP_CODES_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def enrol_app_for(user, *, name=APP_NAME):
    """Give the account a new, already confirmed app (from the command line); the old one stops."""
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    return TOTPDevice.objects.create(user=user, name=name, confirmed=True)


def confirm_app(request, device):
    """Make a verified pending app the account's only one; returns new backup codes.

    The old app (a lost or replaced phone) stops working, and so do old backup codes.
    The session that confirmed the app counts as signed in with it.
    """
    with transaction.atomic():
        # The old app, and any key another session was shown but never confirmed.
        TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.name = APP_NAME
        device.save(update_fields=["confirmed", "name"])
        codes = issue_backup_codes(device.user)
    otp_login(request, device)
    return codes


@transaction.atomic
def remove_two_factor(user, *, dry_run=False):
    """Remove every device of the account (for a lost phone); returns (apps, backup codes)."""
    devices = list(devices_for_user(user, confirmed=None))
    apps = sum(1 for device in devices if isinstance(device, TOTPDevice) and device.confirmed)
    codes = StaticToken.objects.filter(device__user=user).count()
    if not dry_run:
        for device in devices:
            device.delete()
    return apps, codes
