"""The ceiling for scripts/bench.py: a bare Django app with no middleware whose one view
returns a fixed 28 KB HTML string. Served by gunicorn as `bench_ceiling:application`."""

import django
from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse
from django.urls import path

settings.configure(
    DEBUG=False,
    SECRET_KEY="bench-ceiling-only",  # noqa: S106 (a throwaway app with no secrets)
    ALLOWED_HOSTS=["*"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
)
django.setup()

PARAGRAPH = "<p>" + "Ketamine therapy is one option among several. " * 20 + "</p>\n"
BODY = (
    "<!doctype html><html lang='en'><head><title>Ceiling</title></head><body>"
    + PARAGRAPH * 40
    + "</body></html>"
)
BODY = BODY[: 28 * 1024].encode()


def fixed_page(request):
    return HttpResponse(BODY)


urlpatterns = [path("", fixed_page)]
application = get_wsgi_application()
