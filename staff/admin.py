from django.contrib import admin

from staff.models import AuditEntry
from staff.sites import ReadOnlyAdmin


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """Read-only: the audit trail is append-only, here as in the database."""

    list_display = ["created_at", "actor_username", "action", "object_type", "object_id", "detail"]
    list_filter = ["action", "object_type", "created_at"]
    search_fields = ["actor_username", "object_id"]
    date_hierarchy = "created_at"
    show_full_result_count = False
