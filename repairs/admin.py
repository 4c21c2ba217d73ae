from django.contrib import admin

from .models import RepairRequest, WarrantyPeriod


@admin.register(WarrantyPeriod)
class WarrantyPeriodAdmin(admin.ModelAdmin):
    """The group centre edits the periods (years after handover) of each part."""

    list_display = ["defect_type", "years"]
    list_editable = ["years"]


@admin.register(RepairRequest)
class RepairRequestAdmin(admin.ModelAdmin):
    """Read-only: repairs change through their pages and the API (services), never here."""

    list_display = ["number", "company", "unit", "defect_type", "status", "contractor", "reported_at"]
    list_filter = ["status", "warranty"]
    search_fields = ["number"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("company", "unit", "defect_type", "contractor")
