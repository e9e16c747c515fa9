"""The inquiry dashboard: the figures of inquiries/dashboard.py, in the admin's look."""

from inquiries import dashboard
from inquiries.admin.screens import render_screen, require, url
from staff.audit import record_access
from staff.models import AuditEntry


def dashboard_view(request):
    require(request, "view")
    context = {
        "figures": dashboard.cached_figures(changelist_url=url("changelist")),
        "funnel": consultation_funnel(url("changelist")),
        "cache_seconds": dashboard.CACHE_SECONDS,
    }
    record_access(request, AuditEntry.Action.VIEW, object_type="inquiry dashboard")
    return render_screen(
        request, "admin/inquiries/inquiry/dashboard.html", "Inquiry dashboard", context
    )


def consultation_funnel(changelist_url):
    """Inquiries, consultations booked and attended: from the consultations app, which
    builds on this one."""
    from consultations.funnel import cached_funnel

    return cached_funnel(changelist_url=changelist_url)
