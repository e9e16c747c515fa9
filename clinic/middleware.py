"""A database outage answered with the clinic's phone number, never a 500."""

from clinic import outages
from clinic.views import service_unavailable


class DatabaseOutageMiddleware:
    """A view that can't reach the database answers 503 with the site's outage page
    (rendered from settings alone) instead of a 500; the outage is logged once, and its
    end once, by clinic.outages. Pages with a cached copy never get here: the page
    cache, further out, answers them.

    While the database is known to be down, a page view is answered at once instead of
    waiting for a connection that may hang, except for one probe a second. Views marked
    `handles_database_outage` (the patient's form, which keeps what was typed) and
    anything but GET and HEAD still go to their view.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view, view_args, view_kwargs):
        if (
            outages.database.is_down
            and request.method in ("GET", "HEAD")
            and not getattr(view, "handles_database_outage", False)
            and not (outages.database.worth_trying() and outages.database_answers())
        ):
            return service_unavailable(request)
        return None

    def process_exception(self, request, exception):
        if outages.is_database_down(exception):
            outages.database.failed(exception)
            return service_unavailable(request)
        return None
