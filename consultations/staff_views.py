"""Staff book, move and cancel a consultation for the patient (during a call, say) with
the patient's own rules, and mark how it went. Plain views served through the admin site
(staff.sites.StaffAdminSite.add_screens), like the CRM's other screens; each action goes
through consultations/booking.py, so the timeline and the audit trail get it."""

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import include, path
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from consultations import booking as booking_service
from consultations.models import Booking
from consultations.picker import active_offers, chosen_slot, picker_context, request_token
from consultations.slots import Slot
from inquiries.admin.screens import (
    back_to_work_screen,
    changes_inquiry,
    inquiry_or_404,
    render_screen,
    url,
)
from inquiries.admin.work_screen import NO_RESPONSE_TEMPLATE
from inquiries.dates import when_text
from inquiries.models import ReplyTemplate

BOOK_PERMISSION = "consultations.change_booking"
TAKEN = "That time was just taken. These times are still free:"


def _require(request):
    if not (
        request.user.has_perm(BOOK_PERMISSION) and request.user.has_perm("inquiries.view_inquiry")
    ):
        raise PermissionDenied


def _booking(pk):
    if not str(pk).isdigit():
        raise Http404("No such consultation.")
    return get_object_or_404(
        Booking.objects.select_related("inquiry", "offer__location"), pk=int(pk)
    )


def _pick(request, *, inquiry, title, book, moving=None):
    offers = active_offers()
    key = request.POST.get("time") if request.method == "POST" else request.GET.get("time")
    context = {
        "inquiry": inquiry,
        "work_url": url("work", inquiry),
        "moving": moving,
        "opts": Booking._meta,
    }
    message = ""
    if key is not None:
        chosen = chosen_slot(key, offers)
        problem = (
            booking_service.refusal(inquiry, *chosen, by_staff=True)
            if chosen
            else "That time is not one we offer. Choose one of the times below."
        )
        if problem:
            message = problem
        elif request.method == "POST":
            try:
                return book(*chosen, request_token(request))
            except booking_service.TimeTaken:
                message = TAKEN
            except booking_service.BookingRefused as refused:
                message = refused.message
        else:
            offer, starts_at = chosen
            context.update(
                slot=Slot(offer, starts_at),
                when=when_text(starts_at),
                request_token=uuid.uuid4(),
            )
            return render_screen(request, "admin/consultations/confirm.html", title, context)
    context.update(message=message, **picker_context(request, offers))
    status = 400 if message else 200
    response = render_screen(request, "admin/consultations/pick.html", title, context)
    response.status_code = 409 if message == TAKEN else status
    return response


@changes_inquiry
@require_http_methods(["GET", "HEAD", "POST"])
def book_view(request, pk):
    _require(request)
    inquiry = inquiry_or_404(pk)

    def book(offer, starts_at, token):
        booking, created = booking_service.book(
            request, inquiry=inquiry, offer=offer, starts_at=starts_at, request_token=token
        )
        done = f"Consultation booked for {when_text(booking.starts_at)}." if created else None
        return back_to_work_screen(request, inquiry, done=done)

    return _pick(
        request, inquiry=inquiry, title=f"Book a consultation for {inquiry.full_name}", book=book
    )


@changes_inquiry
@require_http_methods(["GET", "HEAD", "POST"])
def move_view(request, pk):
    _require(request)
    booking = _booking(pk)
    inquiry = booking.inquiry
    if not booking.is_upcoming and request.method != "POST":
        messages.error(request, "This consultation is not upcoming, so it can't be moved.")
        return HttpResponseRedirect(url("work", inquiry))

    def book(offer, starts_at, token):
        try:
            moved, created = booking_service.move(
                request, booking, offer=offer, starts_at=starts_at, request_token=token
            )
        except booking_service.BookingRefused as refused:
            return back_to_work_screen(request, inquiry, refused=refused.message)
        done = f"Consultation moved to {when_text(moved.starts_at)}." if created else None
        return back_to_work_screen(request, inquiry, done=done)

    return _pick(
        request,
        inquiry=inquiry,
        title=f"Move {inquiry.full_name}'s consultation",
        book=book,
        moving=when_text(booking.starts_at),
    )


@changes_inquiry
@require_POST
def cancel_view(request, pk):
    _require(request)
    booking = _booking(pk)
    try:
        cancelled = booking_service.cancel(request, booking)
    except booking_service.BookingRefused as refused:
        return back_to_work_screen(request, booking.inquiry, refused=refused.message)
    done = "Consultation cancelled: the time is free again." if cancelled else None
    return back_to_work_screen(request, booking.inquiry, done=done)


@changes_inquiry
@require_POST
def outcome_view(request, pk):
    _require(request)
    booking = _booking(pk)
    status = request.POST.get("outcome", "")
    if status not in (Booking.Status.ATTENDED, Booking.Status.NO_SHOW):
        return back_to_work_screen(
            request, booking.inquiry, refused="Choose attended or did not attend."
        )
    try:
        booking_service.record_outcome(request, booking, status)
    except booking_service.BookingRefused as refused:
        return back_to_work_screen(request, booking.inquiry, refused=refused.message)
    done = f"Marked: {Booking.Status(status).label.lower()}."
    return back_to_work_screen(request, booking.inquiry, done=done)


def work_screen_panel(request, inquiry):
    """The work screen's consultation box: the booking (upcoming, else the latest) and
    what this staff member may do with it; None for staff who may not book."""
    if not request.user.has_perm("consultations.view_booking"):
        return None
    bookings = list(inquiry.bookings.select_related("offer__location").order_by("-starts_at")[:5])
    upcoming = next((b for b in bookings if b.status == Booking.Status.BOOKED), None)
    latest = upcoming or (bookings[0] if bookings else None)
    panel = {
        "booking": latest,
        "when": when_text(latest.starts_at) if latest else "",
        "can_book": request.user.has_perm(BOOK_PERMISSION),
        "started": latest is not None and latest.starts_at <= timezone.now(),
    }
    if latest is not None and latest.status == Booking.Status.NO_SHOW and not inquiry.reply_refusal:
        # A missed consultation: offer the reply that asks the patient to get in touch.
        template = ReplyTemplate.objects.filter(name=NO_RESPONSE_TEMPLATE, is_active=True).first()
        if template is not None and request.user.has_perm("inquiries.change_inquiry"):
            reply = url("reply", inquiry)
            panel["no_show_reply_url"] = f"{reply}?template={template.pk}"
    return panel


def screen_urls(site):
    wrap = site.admin_view
    patterns = [
        path("book/<int:pk>/", wrap(book_view), name="consultations_book"),
        path("booking/<int:pk>/move/", wrap(move_view), name="consultations_move"),
        path("booking/<int:pk>/cancel/", wrap(cancel_view), name="consultations_cancel"),
        path("booking/<int:pk>/outcome/", wrap(outcome_view), name="consultations_outcome"),
    ]
    return [path("consultations/", include(patterns))]
