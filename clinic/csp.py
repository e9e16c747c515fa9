"""The Content-Security-Policy header: django-csp's, with the usual header built once.

django-csp builds the header from the settings for every response, which was 5% of a
form POST's instructions. Nothing on this site asks for a nonce or changes the policy
per view, so a response that doesn't gets the header built once (again after a settings
change); any other response goes to django-csp exactly as before.
"""

import functools

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as DjangoCSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

# What a view or decorator sets to change or skip the policy for one response.
PER_RESPONSE_CHANGES = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_exempt",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
    "_csp_exempt_ro",
)
POLICIES = (
    (HEADER, "CONTENT_SECURITY_POLICY", False),
    (HEADER_REPORT_ONLY, "CONTENT_SECURITY_POLICY_REPORT_ONLY", True),
)


@functools.cache
def usual_headers():
    """(header, value, path prefixes it skips) for each policy the settings set."""
    headers = []
    for header, setting, report_only in POLICIES:
        value = build_policy(report_only=report_only)
        if value:
            policy = getattr(settings, setting, None) or {}
            headers.append((header, value, tuple(policy.get("EXCLUDE_URL_PREFIXES") or ())))
    return headers


@receiver(setting_changed)
def forget_usual_headers(*, setting, **kwargs):
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        usual_headers.cache_clear()


class CSPMiddleware(DjangoCSPMiddleware):
    def process_response(self, request, response):
        if not self._is_usual(request, response):
            return super().process_response(request, response)
        for header, value, skipped_prefixes in usual_headers():
            if header not in response and not request.path_info.startswith(skipped_prefixes):
                response[header] = value
        # As django-csp does: a nonce asked for after this would be missing from the header.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response

    @staticmethod
    def _is_usual(request, response):
        return (
            getattr(request, "_csp_nonce", None) is None
            and not (settings.DEBUG and response.status_code in (404, 500))
            and not any(hasattr(response, name) for name in PER_RESPONSE_CHANGES)
        )
