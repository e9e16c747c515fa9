"""Spam checks without a captcha: a one-time form token, a honeypot, the fill time and
a per-client rate limit.

The form token is one signed hidden value, "<uuid>.<unix time the form was shown>",
so checking it costs one HMAC and no database or cache round-trip. The uuid becomes
`Inquiry.submission_token` (unique), which makes a replayed form create nothing new.
"""

import time
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.cache import caches

SIGNED_FORM_SALT = "inquiries.form-token"
MIN_FILL_SECONDS = 3
MAX_FORM_AGE_SECONDS = 24 * 60 * 60

# Counts a submission and starts the window's clock on the first, in one atomic step:
# a count that was started is always given its end.
COUNT_IN_WINDOW = """
local count = redis.call("INCR", KEYS[1])
if count == 1 then
  redis.call("EXPIRE", KEYS[1], ARGV[1])
end
return count
"""

# Rate-limited submissions are kept (as spam) up to this many per client and window
# beyond the limit; past that a flood is answered 429 and logged but not stored, so
# one client cannot fill the database.
RATE_LIMITED_KEPT_PER_WINDOW = 20


def issue_form_token(*, now=None):
    """A fresh signed token for one rendered form; `now` lets tests and the benchmark
    pretend the form was shown earlier."""
    shown_at = int(time.time() if now is None else now)
    return signing.Signer(salt=SIGNED_FORM_SALT).sign(f"{uuid.uuid4().hex}.{shown_at}")


@dataclass(frozen=True)
class TokenCheck:
    token: uuid.UUID | None
    spam_reason: str


def check_form_token(value, *, now=None):
    """The submission's uuid and, when the form looks machine-filled, why."""
    if not value:
        return TokenCheck(None, "form token missing")
    try:
        raw_token, raw_shown_at = signing.Signer(salt=SIGNED_FORM_SALT).unsign(value).split(".")
        token = uuid.UUID(hex=raw_token)
        shown_at = int(raw_shown_at)
    except (signing.BadSignature, ValueError):
        return TokenCheck(None, "form token invalid")
    elapsed = (time.time() if now is None else now) - shown_at
    if elapsed < MIN_FILL_SECONDS:
        return TokenCheck(token, f"sent {max(elapsed, 0):.0f} s after the form was shown")
    if elapsed > MAX_FORM_AGE_SECONDS:
        return TokenCheck(token, "form shown more than a day before it was sent")
    return TokenCheck(token, "")


def count_submission(ip_hash):
    """Count one submission from this client in the current window; return the count.

    Shared by every worker through the cache. On Redis, one script (clinic.cache's
    run_script: Django's `incr` checks the key exists first, so a window ending in
    between would leave a count that never expires). Other caches use `add`, which
    starts a window exactly once, and `incr`, atomic in local memory.
    """
    cache = caches["default"]
    key = f"inquiries:rate:{ip_hash}"
    window = settings.INQUIRY_RATE_WINDOW_SECONDS
    if hasattr(cache, "run_script"):
        return cache.run_script(key, COUNT_IN_WINDOW, window)
    if cache.add(key, 1, timeout=window):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # the window ended between add and incr: start a new one
        cache.set(key, 1, timeout=window)
        return 1


@dataclass(frozen=True)
class RateCheck:
    limited: bool
    keep: bool
    count: int


def check_rate_limit(ip_hash):
    """Whether this client is over INQUIRY_RATE_LIMIT, and whether to keep what it sent."""
    limit = settings.INQUIRY_RATE_LIMIT
    if limit <= 0:
        return RateCheck(limited=False, keep=True, count=0)
    try:
        count = count_submission(ip_hash)
    except Exception:
        # The cache is down (clinic.outages has logged it once): let the submission
        # through rather than lose a patient's inquiry over a counter. The form token
        # and honeypot still apply.
        return RateCheck(limited=False, keep=True, count=0)
    return RateCheck(
        limited=count > limit,
        keep=count <= limit + RATE_LIMITED_KEPT_PER_WINDOW,
        count=count,
    )
