"""Signers are reused (clinic/signing.py), but always with the current secret keys, and
sign exactly as Django's do."""

import time

import pytest
from django.core import signing

from clinic.signing import signer
from inquiries.spam import check_form_token, issue_form_token

SHOWN = time.time() - 60


def test_forms_shown_before_a_key_rotation_are_still_accepted(settings):
    token = issue_form_token(now=SHOWN)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-for-this-test-only-" + "x" * 20

    assert check_form_token(token).spam_reason == ""


def test_a_token_signed_with_a_retired_key_is_refused(settings):
    token = issue_form_token(now=SHOWN)
    settings.SECRET_KEY = "a-new-secret-key-for-this-test-only-" + "x" * 20
    settings.SECRET_KEY_FALLBACKS = []

    assert check_form_token(token).spam_reason == "form token invalid"


VALUES = ["", "ABC-1234", "0f3a.1732700000", "naïve ☃ text", "x" * 5000]


def test_signatures_are_djangos_byte_for_byte(settings):
    for salt in ("inquiries.thanks", "inquiries.form-token", "another"):
        for value in VALUES:
            ours = signer(salt).sign(value)
            assert ours == signing.Signer(salt=salt).sign(value)
            assert signing.Signer(salt=salt).unsign(ours) == value


def test_each_secret_key_checks_with_its_own_hmac_key(settings):
    old_key = settings.SECRET_KEY
    signed_with_old = signer("inquiries.thanks").sign("ABC-1234")
    settings.SECRET_KEY = "a-new-secret-key-for-this-test-only-" + "y" * 20
    settings.SECRET_KEY_FALLBACKS = [old_key]
    signed_with_new = signer("inquiries.thanks").sign("ABC-1234")

    assert signed_with_new != signed_with_old
    assert signer("inquiries.thanks").unsign(signed_with_old) == "ABC-1234"
    assert signer("inquiries.thanks").unsign(signed_with_new) == "ABC-1234"
    assert signer("inquiries.thanks").sign("ABC-1234") == signed_with_new
    forged = signed_with_new[:-1] + ("A" if signed_with_new[-1] != "A" else "B")
    with pytest.raises(signing.BadSignature):
        signer("inquiries.thanks").unsign(forged)
