"""A database outage answered with the clinic's phone number, never a 500."""

from django.db import InterfaceError, OperationalError, connection

from clinic import outages
from clinic.views import service_unavailable

DATABASE_DOWN = (OperationalError, InterfaceError)


class DatabaseOutageMiddleware:
    """A view that can't reach the database answers 503 with the site's outage page
    (rendered from settings alone) instead of a 500; the outage is logged once, and its
    end once, by clinic.outages. Pages with a cached copy never get here: the page
    cache, further out, answers them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if outages.database.is_down and outages.database.worth_trying():
            probe_database()
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_DOWN):
            outages.database.failed(exception)
            return service_unavailable(request)
        return None


def probe_database():
    """One cheap query: records whether the database answers again."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DATABASE_DOWN as error:
        outages.database.failed(error)
        return False
    outages.database.answered()
    return True
