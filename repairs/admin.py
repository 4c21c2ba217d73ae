from django.contrib import admin

from core.admin import ReadOnlyAdminMixin

from .models import RepairRequest, WarrantyPeriod


@admin.register(WarrantyPeriod)
class WarrantyPeriodAdmin(admin.ModelAdmin):
    """The group centre edits the periods (years after handover) of each part."""

    list_display = ["defect_type", "years"]
    list_editable = ["years"]


@admin.register(RepairRequest)
class RepairRequestAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: repairs change through their pages and the API (services), never here."""

    list_display = ["number", "company", "unit", "defect_type", "status", "contractor", "reported_at"]
    list_filter = ["status", "warranty"]
    search_fields = ["number"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("company", "unit", "defect_type", "contractor")
