from io import BytesIO

from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.qr import write_qrcode_image

from staff.forms import ConfirmDeviceForm

PENDING_NAME = "Authenticator app (pending)"


def pending_device(user):
    """The unconfirmed device being enrolled, created on first visit."""
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, confirmed=False, defaults={"name": PENDING_NAME}
    )
    return device


@never_cache
@staff_member_required
def two_factor(request):
    """Let a staff member enrol an authenticator app as their second factor."""
    confirmed = TOTPDevice.objects.filter(user=request.user, confirmed=True)
    device = pending_device(request.user)
    form = ConfirmDeviceForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        device.confirmed = True
        device.name = "Authenticator app"
        device.save(update_fields=["confirmed", "name"])
        otp_login(request, device)
        messages.success(request, "Two-factor sign-in is on for your account.")
        return redirect("admin:index")
    context = {
        **admin.site.each_context(request),
        "title": "Two-factor sign-in",
        "form": form,
        "device": device,
        "confirmed_devices": confirmed,
    }
    return TemplateResponse(request, "staff/two_factor.html", context)


@never_cache
@staff_member_required
def enrolment_qr_code(request):
    buffer = BytesIO()
    write_qrcode_image(pending_device(request.user).config_url, buffer)
    return HttpResponse(buffer.getvalue(), content_type="image/svg+xml")
