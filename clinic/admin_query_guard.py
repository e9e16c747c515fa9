"""Admin lists answer a query string they can't use with a message, never a 500.

Django's admin checks what it can before querying (an unknown field, a value of the wrong
type) and sends the staff member to the list with ``?e=1``. PostgreSQL refuses the rest
only when the query runs, often while the page renders: an invalid regular expression, a
value it can't cast (DataError), a NUL character (psycopg2's ValueError). One middleware
covers every admin screen, the project's and those of auth, axes and django-otp, rather
than a fix per list filter.
"""

import logging

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.views.main import ERROR_FLAG
from django.db import DatabaseError, DataError, connection, transaction
from django.http import HttpResponseRedirect
from django.template.response import SimpleTemplateResponse
from django.urls import reverse

logger = logging.getLogger(__name__)

NOTICE = "That search or filter couldn’t be used, so the list is shown without it."


def refused_by_the_database(error):
    """An error PostgreSQL (or its driver) raises for a value, not for our code."""
    if isinstance(error, DataError):
        return True
    # psycopg2 refuses a NUL before sending the query; psycopg 3 raises DataError.
    return isinstance(error, ValueError) and "NUL (0x00)" in str(error)


class AdminQueryGuardMiddleware:
    """Answers an admin GET whose query string the database refused with the list (and
    NOTICE) or a 400 page."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = "/" + settings.ADMIN_PATH

    def __call__(self, request):
        savepoint = self._savepoint(request)
        response = self.get_response(request)
        if savepoint:
            failed = response.status_code >= 500 or getattr(request, "query_refused", False)
            _end_savepoint(savepoint, keep=not failed)
        return response

    def _savepoint(self, request):
        """A refused query aborts the transaction it runs in. In autocommit (how the
        site runs) that is the query's own, and nothing else is lost. Inside a caller's
        transaction (a test's) every later query of the request (the session, the
        messages) would fail, so there the request gets a savepoint to roll back to."""
        if not (self._guarded(request) and connection.in_atomic_block):
            return None
        try:
            return transaction.savepoint()
        except DatabaseError:
            return None  # the database is down: the view meets that and answers it

    def _guarded(self, request):
        return (
            request.method in ("GET", "HEAD")
            and bool(request.GET)
            and request.path_info.startswith(self.admin_prefix)
        )

    def process_view(self, request, view_func, view_args, view_kwargs):
        # Django's own answer to a lookup it refused is the bare list at ?e=1: say why.
        user = request.user
        if _is_changelist(request) and list(request.GET) == [ERROR_FLAG] and user.is_staff:
            messages.warning(request, NOTICE)

    def process_exception(self, request, exception):
        if not (self._guarded(request) and refused_by_the_database(exception)):
            return None
        request.query_refused = True
        if not set(request.GET) - {ERROR_FLAG}:
            return None  # fails without any query of its own: a real fault, not input
        # The path and the error's class only: the query may hold a patient's details.
        logger.warning(
            "%s could not use its query string (%s)", request.path, type(exception).__name__
        )
        # Until the savepoint (if any) is rolled back the connection refuses every
        # query, so both answers are made without the database.
        if _is_changelist(request) and ERROR_FLAG not in request.GET:
            return HttpResponseRedirect(f"{request.path}?{ERROR_FLAG}=1")
        return bad_query_response(request)


def _end_savepoint(savepoint, *, keep):
    try:
        if keep:
            transaction.savepoint_commit(savepoint)
        else:
            transaction.savepoint_rollback(savepoint)
    except DatabaseError:
        pass  # the connection is gone; whoever owns the transaction finds out


def _is_changelist(request):
    match = request.resolver_match
    return (
        match is not None
        and match.namespace == admin.site.name
        and (match.url_name or "").endswith("_changelist")
    )


def bad_query_response(request):
    if _is_changelist(request):
        back = {"back_url": request.path, "back_label": "Show the list without it"}
    else:
        back = {"back_url": reverse("admin:index"), "back_label": "Go to the admin’s home page"}
    context = {
        "title": "That search or filter couldn’t be used",
        "site_header": admin.site.site_header,
        "site_title": admin.site.site_title,
        **back,
    }
    return SimpleTemplateResponse("admin/bad_query.html", context, status=400)
