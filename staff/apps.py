from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class StaffConfig(AppConfig):
    name = "staff"
    verbose_name = "Staff accounts and audit"


class StaffAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with our site (two-factor sign-in); listed in INSTALLED_APPS."""

    # Not chosen for the "staff" entry: that one is StaffConfig.
    default = False
    default_site = "staff.sites.StaffAdminSite"
