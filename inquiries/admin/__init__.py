"""The intake CRM in the Django admin: the lists (queue.py), the screens beyond them
(plain views, routed in urls.py), and the small admins beside them."""

from django.contrib import admin

from inquiries.admin.forms import ReplyTemplateForm
from inquiries.admin.queue import InquiryAdmin
from inquiries.admin.urls import screen_urls
from inquiries.models import Inquiry, ReplyTemplate, RetentionRun, Topic
from inquiries.roles import MANAGE_TEMPLATES_PERMISSION
from staff.sites import ReadOnlyAdmin

admin.site.register(Inquiry, InquiryAdmin)
admin.site.add_screens(screen_urls(admin.site))


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "order", "is_active"]
    list_editable = ["order", "is_active"]
    ordering = ["order", "name"]

    def has_delete_permission(self, request, obj=None):
        # Topics are PROTECTed by their inquiries; retire one with "is active" instead.
        return False


@admin.register(RetentionRun)
class RetentionRunAdmin(ReadOnlyAdmin):
    """The audit trail of purge_inquiries: read-only."""

    list_display = ["ran_at", "mode", "older_than_days", "cutoff", "inquiry_count", "run_by"]
    date_hierarchy = "ran_at"


@admin.register(ReplyTemplate)
class ReplyTemplateAdmin(admin.ModelAdmin):
    """Reply templates. Intake staff may read (and use) them; only the "manage reply
    templates" permission edits them, whatever the stock add/change permissions say."""

    form = ReplyTemplateForm
    list_display = ["name", "subject", "order", "is_active", "updated_at"]
    ordering = ["order", "name"]

    def _may_manage(self, request):
        return request.user.has_perm(MANAGE_TEMPLATES_PERMISSION)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) or self._may_manage(request)

    def has_add_permission(self, request):
        return self._may_manage(request)

    def has_change_permission(self, request, obj=None):
        return self._may_manage(request)

    def has_delete_permission(self, request, obj=None):
        return self._may_manage(request)
