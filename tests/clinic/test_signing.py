"""Signers are reused (clinic/signing.py), but always with the current secret keys."""

import time

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
