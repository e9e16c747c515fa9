"""A staff member turns on two-factor sign-in, keeps the backup codes, and signs in with codes."""

from django.urls import reverse
from django_otp.oath import hotp, totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from inquiries.roles import INTAKE_STAFF
from tests.browser.a11y import assert_no_violations
from tests.browser.conftest import STAFF_PASSWORD, sign_in


def app_code(device):
    """What the phone shows now."""
    code = totp(device.bin_key, step=device.step, digits=device.digits)
    return f"{code:06d}"


def next_app_code(device):
    """The phone's next code: the step after the last one used.

    Counted from the step the server last accepted, not from the clock: when enrolment
    crossed a 30-second boundary the server synced its drift to the phone, and a code
    counted from the clock could then fall outside its one-step tolerance.
    """
    device.refresh_from_db()
    code = hotp(device.bin_key, device.last_t + 1, digits=device.digits)
    return f"{code:06d}"


def sign_in_with_code(page, user, code):
    page.goto(reverse("admin:login"))
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_label("Two-factor code").fill(code)
    page.get_by_role("button", name="Log in").click()


def sign_out(page):
    page.get_by_role("button", name="Log out").click()


def test_staff_member_turns_on_two_factor_and_signs_in_with_codes(
    page, live_server, shoot, make_staff_user
):
    staffer = make_staff_user("riley", INTAKE_STAFF)
    sign_in(page, staffer)

    # Enrol: the page shows the QR code; the code typed comes from the phone.
    page.goto(reverse("staff:two_factor"))
    phone = TOTPDevice.objects.get(user=staffer, confirmed=False)
    page.get_by_label("6-digit code from your authenticator app").fill(app_code(phone))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()

    # The backup codes, shown this once.
    expect(page.get_by_text("This is the only time they are shown.")).to_be_visible()
    codes = page.locator("ol.backup-codes code").all_inner_texts()
    assert len(codes) == 10
    assert_no_violations(page)
    shoot(page, "backup-codes")
    sign_out(page)

    # The password alone no longer opens the admin.
    sign_in(page, staffer)
    expect(page.locator(".errornote")).to_contain_text("Two-factor sign-in is on for this account")
    expect(page.get_by_label("Two-factor code")).to_be_visible()
    assert_no_violations(page)
    shoot(page, "password-alone-refused")

    # Username, password and code on one form, one step.
    sign_in_with_code(page, staffer, next_app_code(phone))
    expect(page.get_by_role("heading", level=1)).to_have_text("Intake and site content")
    sign_out(page)

    # A backup code works once, never twice.
    sign_in_with_code(page, staffer, codes[0])
    expect(page.get_by_role("heading", level=1)).to_have_text("Intake and site content")
    sign_out(page)
    sign_in_with_code(page, staffer, codes[0])
    expect(page.locator(".errornote")).to_contain_text("That code didn't match")
