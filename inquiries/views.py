import logging
from contextlib import suppress

from django.conf import settings
from django.core import signing
from django.db import InterfaceError, OperationalError
from django.http import HttpResponseRedirect
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_safe

from clinic import outages
from clinic.net import client_ip_hash
from clinic.views import page_from_settings
from inquiries.forms import InquiryForm
from inquiries.services import referrer_from, submit_inquiry
from inquiries.spam import check_rate_limit
from inquiries.topics import WITHDRAWN_MESSAGE, TopicWithdrawn

logger = logging.getLogger(__name__)

FORM_TEMPLATE = "inquiries/inquiry_form.html"
THANKS_SALT = "inquiries.thanks"


@outages.handles_database_outage
@sensitive_post_parameters()
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def inquiry_create(request):
    try:
        if request.method == "POST":
            return _receive(request, InquiryForm(request.POST))
        return _render_form(request, InquiryForm())
    except (OperationalError, InterfaceError) as error:
        # Keep what the patient typed and offer the phone instead; an outage is logged
        # once, not with a traceback per request, and any other failure (a deadlock, a
        # timeout) with a line of its own.
        if outages.is_database_down(error):
            outages.database.failed(error)
        else:
            logger.warning("Inquiry form: the database refused the request: %r", error)
        return _database_down(request)


def _receive(request, form):
    if not form.is_valid():
        return _render_form(request, form)
    if form.send_again:  # sent too fast, or a day after it was shown: show it again, store nothing
        return _render_form(request, form, send_again=True)
    try:
        return _store(request, form)
    except TopicWithdrawn:
        form.add_error("topic", WITHDRAWN_MESSAGE)
        return _render_form(request, form)


def _store(request, form):
    rate = check_rate_limit(client_ip_hash(request))
    if rate.limited:
        # Kept as spam (up to a cap, so a flood cannot fill the database) and answered
        # with the form as typed, so a real person loses nothing and can call us.
        if rate.keep:
            # A topic withdrawn meanwhile only costs the spam copy: still a 429.
            with suppress(TopicWithdrawn):
                submit_inquiry(form=form, request=request, rate_limited=True)
        else:
            logger.warning("Inquiry rate limit: submission %d in the window not kept", rate.count)
        response = _render_form(request, form, status=429, rate_limited=True)
        response["Retry-After"] = str(settings.INQUIRY_RATE_WINDOW_SECONDS)
        return response
    inquiry, _created = submit_inquiry(form=form, request=request)
    # 303 See Other: the browser follows with a GET, so a refresh cannot resubmit.
    response = HttpResponseRedirect(thanks_url(inquiry))
    response.status_code = 303
    return response


def _form_context(request, form, **extra):
    return {
        "form": form,
        "action": request.get_full_path(),
        "referrer": referrer_from(request),
        "retry_minutes": max(1, settings.INQUIRY_RATE_WINDOW_SECONDS // 60),
        **extra,
    }


def _render_form(request, form, *, status=200, **extra):
    return render(request, FORM_TEMPLATE, _form_context(request, form, **extra), status=status)


def _database_down(request):
    """The form as typed, rendered from settings alone (no context processors, which
    may query the database), with a 503 and the clinic's phone number."""
    form = InquiryForm(request.POST) if request.method == "POST" else InquiryForm()
    form.keep_input_without_database()
    context = _form_context(request, form, database_down=True)
    response = page_from_settings(
        FORM_TEMPLATE, status=503, csrf_token=get_token(request), **context
    )
    response["Retry-After"] = "120"
    return response


def thanks_url(inquiry):
    """The thank-you page for this inquiry: its reference signed, nothing else."""
    signed = signing.Signer(salt=THANKS_SALT).sign(inquiry.reference)
    return f"{reverse('inquiries:thanks')}?ref={signed}"


@require_safe
@never_cache
def inquiry_thanks(request):
    try:
        reference = signing.Signer(salt=THANKS_SALT).unsign(request.GET.get("ref", ""))
    except signing.BadSignature:
        reference = ""
    return render(request, "inquiries/inquiry_thanks.html", {"reference": reference})
