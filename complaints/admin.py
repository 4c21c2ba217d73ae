from django.contrib import admin

from core.admin import ScopedAdmin

from .models import Complaint, Contractor


@admin.register(Complaint)
class ComplaintAdmin(ScopedAdmin):
    list_display = ["number", "title", "project", "category", "tier", "status", "received_at"]
    list_filter = ["tier", "status", "category", "channel"]
    list_select_related = ["project"]
    search_fields = ["=number"]
    raw_id_fields = ["project", "unit", "company"]
    show_full_result_count = False


@admin.register(Contractor)
class ContractorAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "specialty", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name"]
