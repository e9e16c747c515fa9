"""The CRM's screens beyond the list, as plain views served through the admin site:
`admin_view` signs people in and checks they are staff; each view checks its own
permission. Added to the admin site's URLs (staff.sites.StaffAdminSite.add_screens) ahead
of the ModelAdmins', under the names the admin's templates use: admin:inquiries_inquiry_*.
"""

from django.urls import include, path

from inquiries.admin import contact_screen, reply_screen, work_actions, work_screen
from inquiries.admin.dashboard_screen import dashboard_view
from inquiries.admin.export_screen import export_view

NAME = "inquiries_inquiry_{}"


def screen_urls(site):
    wrap = site.admin_view
    patterns = [
        path("dashboard/", wrap(dashboard_view), name=NAME.format("dashboard")),
        path("export/", wrap(export_view), name=NAME.format("export")),
        # Only a number is a work screen; anything else falls through to the admin's own
        # "no such object" handling. The actions below take any text and answer 404.
        path("<int:pk>/", wrap(work_screen.work_screen), name=NAME.format("work")),
        path(
            "<path:pk>/contact-details/",
            wrap(contact_screen.contact_details_view),
            name=NAME.format("contact_details"),
        ),
        path("<path:pk>/reply/", wrap(reply_screen.reply_view), name=NAME.format("reply")),
        path("<path:pk>/claim/", wrap(work_actions.claim_view), name=NAME.format("claim")),
        path(
            "<path:pk>/close-no-response/",
            wrap(work_actions.close_no_response_view),
            name=NAME.format("close_no_response"),
        ),
    ]
    for action in work_actions.ACTIONS:
        patterns.append(
            path(
                f"<path:pk>/{action}/",
                wrap(work_actions.action_view),
                {"action": action},
                name=NAME.format(action.replace("-", "_")),
            )
        )
    return [path("inquiries/inquiry/", include(patterns))]
