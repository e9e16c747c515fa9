"""The inquiry dashboard: the latest snapshot of inquiries/dashboard.py's figures, made by
a job (inquiries/dashboard_snapshot.py), and the job engine's health, in the admin's look.
No request computes the figures: it reads one stored row and a few indexed counts."""

from clinic import jobs
from inquiries import dashboard_snapshot, outbox
from inquiries.admin.screens import render_screen, require
from inquiries.dates import waited_text
from inquiries.tasks import snapshot_dashboard_now
from staff.audit import record_access
from staff.models import AuditEntry


def dashboard_view(request):
    require(request, "view")
    figures = dashboard_snapshot.latest_figures()
    # None yet (a fresh install, a worker not yet started): ask for them now. Should the
    # queue be down, the page says so and the minute's job makes them later.
    queued = _queue_snapshot() if figures is None else None
    mail = outbox.health()
    oldest = mail["oldest_unsent_age"]
    job_rows = jobs.health()
    context = {
        "figures": figures,
        # The consultations app's closed funnel, computed with the figures.
        "funnel": figures.get("funnel") if figures else None,
        "snapshot_queued": queued,
        "health": {
            "oldest_unsent": waited_text(oldest) if oldest is not None else None,
            "failed_7_days": mail["failed_7_days"],
            "jobs": job_rows,
            # Said at the top too: the panel is at the foot of a long page.
            "attention": mail["failed_7_days"] > 0
            or any(
                row["overdue"] or row["last_error"] or (row["never"] and row["every_minute"])
                for row in job_rows
            ),
        },
    }
    record_access(request, AuditEntry.Action.VIEW, object_type="inquiry dashboard")
    return render_screen(
        request, "admin/inquiries/inquiry/dashboard.html", "Inquiry dashboard", context
    )


def _queue_snapshot():
    try:
        snapshot_dashboard_now()
    except outbox.QUEUE_DOWN:
        return False
    return True
