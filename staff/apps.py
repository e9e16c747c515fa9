from django.apps import AppConfig
from django.conf import settings


class StaffConfig(AppConfig):
    name = "staff"
    verbose_name = "Staff accounts and audit"

    def ready(self):
        if settings.REQUIRE_STAFF_2FA:
            # Every admin sign-in then asks for a code from an enrolled TOTP device.
            from django.contrib import admin
            from django_otp.admin import OTPAdminSite

            admin.site.__class__ = OTPAdminSite
