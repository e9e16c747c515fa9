"""Django's session, authentication and messages middleware, passing over the views
named in settings.SESSIONLESS_URL_NAMES: the public inquiry form and its thank-you page.

Those views serve patients and read no session, user or flash message; the three
middlewares set up all three on every request all the same, 3% of a form POST's
instructions. Passed over, a signed-in staff member's session is neither read nor
refreshed there, so the form page sets no cookie but the CSRF one for staff too. The
classes are subclasses of Django's, so the admin's checks for them still pass.
"""

import functools

from django.conf import settings
from django.contrib.auth import middleware as auth
from django.contrib.messages import middleware as messages
from django.contrib.sessions import middleware as sessions
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, reverse


def is_sessionless(request):
    return request.path_info in sessionless_paths()


@functools.cache
def sessionless_paths():
    """The views' paths as request.path_info has them: without the script prefix that
    reverse() puts in front. Worked out once (each of the three middlewares asks on
    each request), and again after a settings change."""
    prefix_length = len(get_script_prefix()) - 1
    return frozenset(reverse(name)[prefix_length:] for name in settings.SESSIONLESS_URL_NAMES)


@receiver(setting_changed)
def forget_sessionless_paths(*, setting, **kwargs):
    if setting in ("ROOT_URLCONF", "SESSIONLESS_URL_NAMES"):
        sessionless_paths.cache_clear()


class PassOverSessionlessViews:
    def __call__(self, request):
        if is_sessionless(request):
            return self.get_response(request)
        return super().__call__(request)


class SessionMiddleware(PassOverSessionlessViews, sessions.SessionMiddleware):
    pass


class AuthenticationMiddleware(PassOverSessionlessViews, auth.AuthenticationMiddleware):
    pass


class MessageMiddleware(PassOverSessionlessViews, messages.MessageMiddleware):
    pass
