"""The consent wording shown on the inquiry form, kept in one place with its version.

Each inquiry stores the exact wording and version the patient agreed to, so change
the version whenever the wording changes (old inquiries keep the wording they saw).
"""

CONSENT_VERSION = "2026-11"

CONSENT_TEXT = (
    "I agree that the clinic may store what I've written here and contact me about it "
    "by my preferred method."
)
