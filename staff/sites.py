from django.conf import settings
from django.contrib.admin import AdminSite, ModelAdmin

from staff.forms import StaffAuthenticationForm


class StaffAdminSite(AdminSite):
    """The admin, whose sign-in asks for a two-factor code from everyone who has turned it on.

    With DJANGO_REQUIRE_2FA every session must also have been verified by a code, as
    django_otp.admin.OTPAdminSite does; read at each request, so tests can switch it.
    """

    login_form = StaffAuthenticationForm
    login_template = "staff/login.html"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._screens = []

    def add_screens(self, patterns):
        """URL patterns of an app's own screens in this admin (the intake CRM's work
        screen, replies, dashboard): plain views wrapped in `admin_view`, tried before the
        ModelAdmins' URLs, so they need no `get_urls` of a ModelAdmin."""
        self._screens.extend(patterns)

    def get_urls(self):
        return [*self._screens, *super().get_urls()]

    def has_permission(self, request):
        verified = not settings.REQUIRE_STAFF_2FA or request.user.is_verified()
        return super().has_permission(request) and verified


class ReadOnlyAdmin(ModelAdmin):
    """A list staff read but never add to, change or delete from here (an audit trail,
    a record kept by its own service)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
