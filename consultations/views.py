"""The patient's booking pages, reached only through a personal link.

Phone first, no JavaScript needed: a week of free times as links (step one), then the
chosen time with one button (step two). No session and no cookie but the CSRF one on
step two's form. Whatever goes wrong with a link says what to do: call the clinic.
"""

import uuid

from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from consultations import booking as booking_service
from consultations.emails import where_text
from consultations.links import (
    LinkProblem,
    booking_from_token,
    booking_url,
    link_from_token,
    manage_token,
)
from consultations.models import Booking
from consultations.picker import active_offers, chosen_slot, picker_context, request_token
from consultations.slots import Slot, free_slots
from inquiries.dates import when_text

TAKEN = "That time was just taken by someone else. These times are still free:"
NOT_OFFERED = "That time is not one we offer. Please choose one of the times below."


def _problem(request, reason):
    status = 404 if reason == "invalid" else 410
    return render(request, "consultations/link_problem.html", {"reason": reason}, status=status)


def _manage_redirect(booking, done):
    path = reverse("consultations:manage", args=[manage_token(booking)])
    response = HttpResponseRedirect(f"{path}?done={done}")
    response.status_code = 303  # a refresh of the next page can't post again
    return response


def _times_page(request, *, heading, offers, message="", status=200, moving=None):
    context = {
        "heading": heading,
        "message": message,
        "moving": moving,
        **picker_context(request, offers),
    }
    return render(request, "consultations/times.html", context, status=status)


def _is_free(offer, starts_at):
    day = Slot(offer, starts_at).local.date()
    return any(slot.starts_at == starts_at for slot in free_slots([offer], day, day))


def _pick(request, *, inquiry, heading, book, moving=None):
    """Step one (the week's times), step two (?time=: confirm) and the POST that books,
    for a first booking and a move alike. `book(offer, starts_at, token)` books."""
    offers = active_offers()
    key = request.POST.get("time") if request.method == "POST" else request.GET.get("time")
    if key is None:
        return _times_page(request, heading=heading, offers=offers, moving=moving)
    chosen = chosen_slot(key, offers)
    if chosen is None:
        return _times_page(
            request, heading=heading, offers=offers, message=NOT_OFFERED, status=400, moving=moving
        )
    offer, starts_at = chosen
    problem = booking_service.refusal(inquiry, offer, starts_at, by_staff=False)
    if problem:
        return _times_page(
            request, heading=heading, offers=offers, message=problem, status=400, moving=moving
        )
    if request.method == "POST":
        token = request_token(request)
        if token is None:
            # Not our form (it always carries one): show the times again, book nothing.
            return _times_page(
                request,
                heading=heading,
                offers=offers,
                message=NOT_OFFERED,
                status=400,
                moving=moving,
            )
        try:
            return book(offer, starts_at, token)
        except booking_service.TimeTaken:
            message, status = TAKEN, 409
        except booking_service.BookingRefused as refused:
            message, status = refused.message, 400
        return _times_page(
            request, heading=heading, offers=offers, message=message, status=status, moving=moving
        )
    if not _is_free(offer, starts_at):
        return _times_page(
            request, heading=heading, offers=offers, message=TAKEN, status=409, moving=moving
        )
    context = {
        "slot": Slot(offer, starts_at),
        "when": when_text(starts_at),
        "request_token": uuid.uuid4(),
        "moving": moving,
        "back_url": request.path,
    }
    return render(request, "consultations/confirm.html", context)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def book_view(request, token):
    if request.method == "POST":
        # A double tap: the first tap booked; the second is shown the same booking.
        with_token = _booked_with_this_form(request)
        if with_token is not None:
            return _manage_redirect(with_token, "booked")
    try:
        link = link_from_token(token)
    except LinkProblem as problem:
        return _problem(request, problem.reason)
    inquiry = link.inquiry
    if inquiry.is_urgent:
        return render(request, "consultations/urgent.html")
    if not (inquiry.is_open or inquiry.status == inquiry.Status.NO_RESPONSE):
        return _problem(request, "closed")
    upcoming = inquiry.bookings.filter(
        status=Booking.Status.BOOKED, starts_at__gt=timezone.now()
    ).first()
    if upcoming is not None:
        # Booked already (by staff during a call, say): the link shows that booking,
        # where it can be moved or cancelled, rather than offering a second one.
        return HttpResponseRedirect(reverse("consultations:manage", args=[manage_token(upcoming)]))

    def book(offer, starts_at, request_token):
        booking, _created = booking_service.book(
            request,
            inquiry=inquiry,
            offer=offer,
            starts_at=starts_at,
            request_token=request_token,
            link=link,
        )
        return _manage_redirect(booking, "booked")

    return _pick(request, inquiry=inquiry, heading="Choose a time for your consultation", book=book)


def _booked_with_this_form(request):
    """The booking this very form made (a double tap), or None. Never a booking without
    a token (staff's): a form with none must not lead to someone else's booking."""
    token = request_token(request)
    if token is None:
        return None
    return Booking.objects.filter(request_token=token).first()


def _booking_or_problem(request, token):
    try:
        return booking_from_token(token), None
    except LinkProblem as problem:
        return None, _problem(request, problem.reason)


@never_cache
@require_safe
def manage_view(request, token):
    booking, problem = _booking_or_problem(request, token)
    if problem:
        return problem
    context = {
        "booking": booking,
        "when": when_text(booking.starts_at),
        "done": request.GET.get("done", ""),
        "where": where_text(booking),
        "token": token,
    }
    if booking.status == Booking.Status.MOVED and hasattr(booking, "replaced_by"):
        context["new_url"] = reverse(
            "consultations:manage", args=[manage_token(booking.replaced_by)]
        )
    return render(request, "consultations/manage.html", context)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def move_view(request, token):
    booking, problem = _booking_or_problem(request, token)
    if problem:
        return problem
    if request.method == "POST":
        with_token = _booked_with_this_form(request)
        if with_token is not None:
            return _manage_redirect(with_token, "moved")
    if not booking.is_upcoming:
        return HttpResponseRedirect(reverse("consultations:manage", args=[token]))

    def book(offer, starts_at, request_token):
        moved, _created = booking_service.move(
            request, booking, offer=offer, starts_at=starts_at, request_token=request_token
        )
        return _manage_redirect(moved, "moved")

    return _pick(
        request,
        inquiry=booking.inquiry,
        heading="Choose a new time for your consultation",
        book=book,
        moving=when_text(booking.starts_at),
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def cancel_view(request, token):
    booking, problem = _booking_or_problem(request, token)
    if problem:
        return problem
    if not booking.is_upcoming:
        return HttpResponseRedirect(reverse("consultations:manage", args=[token]))
    when = when_text(booking.starts_at)
    if request.method == "POST":
        try:
            booking_service.cancel(request, booking)
        except booking_service.BookingRefused as refused:
            return render(
                request, "consultations/cancel.html", {"when": when, "error": refused.message}
            )
        inquiry = booking.inquiry
        inquiry.refresh_from_db()
        # A fresh link, so the patient can book again without waiting for a reply.
        again = booking_url(inquiry) if inquiry.is_open and not inquiry.is_urgent else ""
        return render(request, "consultations/cancelled.html", {"when": when, "again_url": again})
    return render(request, "consultations/cancel.html", {"when": when, "token": token})
