from django.contrib import admin

from .models import Heartbeat, MessageOptOut


class ReadOnlyAdminMixin:
    """An admin that only reads, even for a superuser: these rows are audit trails or workflow state
    that change only through the services (staff pages, API, tasks), which check the rules and
    record each change as an event; an add, edit or delete here would bypass both. Put it before
    the admin class in the bases."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ScopedAdmin(admin.ModelAdmin):
    """Admin pages go through the same scoping as every other surface."""

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)


@admin.register(Heartbeat)
class HeartbeatAdmin(admin.ModelAdmin):
    list_display = ["component", "beat_at", "hostname"]
    readonly_fields = ["component", "beat_at", "hostname"]


@admin.register(MessageOptOut)
class MessageOptOutAdmin(admin.ModelAdmin):
    list_display = ["recipient_key", "topic", "created_at"]
    list_filter = ["topic"]
