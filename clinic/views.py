import sys

from django.http import HttpResponse
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from clinic import outages
from clinic.context_processors import clinic_details

# How long a client (or a load balancer) is asked to wait before trying again.
RETRY_AFTER_SECONDS = 60


@require_safe
@never_cache
def healthz(request):
    """For load balancers: 200 when the database answers, 503 when it does not."""
    if not outages.database_answers():
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


def page_from_settings(template_name, *, status, **context):
    """A page in the site's design rendered from settings alone: no context processors,
    so no database or cache, for the answers that must work when those are down."""
    content = loader.get_template(template_name).render({**clinic_details(), **context})
    return HttpResponse(content, status=status)


def service_unavailable(request):
    """The outage page: the site's design, the phone number and the crisis lines,
    rendered from settings alone (no database, no cache), never stored by a cache."""
    response = page_from_settings("503.html", status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def server_error(request):
    """The 500 page, rendered from settings alone so it works with the database down.
    An error that is a database outage (met outside a view, say while saving a staff
    session) gets the outage page and its 503 instead."""
    error = sys.exc_info()[1]
    if outages.is_database_down(error):
        outages.database.failed(error)
        return service_unavailable(request)
    return page_from_settings("500.html", status=500)
