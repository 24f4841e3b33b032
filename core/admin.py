from django.contrib import admin

from core.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the trail is evidence, so nobody edits or deletes it, support staff included."""

    list_display = ["occurred_at", "actor_name", "action", "target_label", "from_state", "to_state"]
    list_filter = ["target_type", "action"]
    search_fields = ["actor_name", "target_label", "reason"]
    date_hierarchy = "occurred_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
