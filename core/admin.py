from django.contrib import admin

from .models import Heartbeat, MessageOptOut


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
