from io import BytesIO

from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.qr import write_qrcode_image

from staff import two_factor
from staff.forms import ConfirmDeviceForm


def may_change_two_factor(user):
    # Someone who found a session left open from before enrolment must not swap the
    # phone or mint backup codes: changes need a session signed in with a code.
    return user.is_verified() or not user_has_device(user)


@never_cache
@staff_member_required
def two_factor_page(request):
    """Let a staff member enrol an authenticator app as their second factor."""
    allowed = may_change_two_factor(request.user)
    # A session that may not change two-factor is never shown a key.
    device = two_factor.pending_app(request) if allowed else None
    form = ConfirmDeviceForm(request.POST or None, device=device)
    if request.method == "POST" and allowed and form.is_valid():
        codes = two_factor.confirm_app(request, device)
        messages.success(request, "Two-factor sign-in is on for your account.")
        return show_backup_codes(request, codes)
    context = {
        **admin.site.each_context(request),
        "title": "Two-factor sign-in",
        "form": form,
        "device": device,
        "may_change": allowed,
        "has_app": TOTPDevice.objects.filter(user=request.user, confirmed=True).exists(),
        "backup_codes_left": two_factor.backup_codes_left(request.user),
    }
    return TemplateResponse(request, "staff/two_factor.html", context)


@never_cache
@staff_member_required
@require_POST
def new_backup_codes(request):
    """Replace the staff member's backup codes with a new set and show it once."""
    if not may_change_two_factor(request.user):
        return redirect("staff:two_factor")
    codes = two_factor.issue_backup_codes(request.user)
    messages.success(request, "Your old backup codes no longer work.")
    return show_backup_codes(request, codes)


def show_backup_codes(request, codes):
    # Shown in the answer to the POST that made them, not after a redirect: the codes
    # are never stored anywhere they could be shown again (only as django-otp tokens).
    context = {
        **admin.site.each_context(request),
        "title": "Your backup codes",
        "codes": codes,
    }
    return TemplateResponse(request, "staff/backup_codes.html", context)


@never_cache
@staff_member_required
def enrolment_qr_code(request):
    if not may_change_two_factor(request.user):
        return HttpResponseForbidden("Sign in with your code to change two-factor sign-in.")
    buffer = BytesIO()
    write_qrcode_image(two_factor.pending_app(request).config_url, buffer)
    return HttpResponse(buffer.getvalue(), content_type="image/svg+xml")
