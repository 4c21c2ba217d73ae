from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from core.admin import ScopedAdmin

from .models import Building, Company, Holding, Project, Region, Unit, User


@admin.register(Holding)
class HoldingAdmin(ScopedAdmin):
    list_display = ["name"]


@admin.register(Region)
class RegionAdmin(ScopedAdmin):
    list_display = ["name", "holding"]


@admin.register(Company)
class CompanyAdmin(ScopedAdmin):
    list_display = ["name", "city", "region", "hotline"]
    list_filter = ["region"]


@admin.register(Project)
class ProjectAdmin(ScopedAdmin):
    list_display = ["name", "company", "duty_handler"]
    list_filter = ["company"]
    search_fields = ["name"]
    # Chosen on the project's page, where the service checks who may handle the company's complaints.
    readonly_fields = ["duty_handler", "customer_manager"]


@admin.register(Building)
class BuildingAdmin(ScopedAdmin):
    list_display = ["name", "project"]
    list_select_related = ["project"]
    search_fields = ["name", "project__name"]
    autocomplete_fields = ["project"]
    # Chosen on the project's customer-managers page or the API (the service moves the open tasks).
    readonly_fields = ["customer_manager"]


@admin.register(Unit)
class UnitAdmin(ScopedAdmin):
    list_display = ["number", "building", "floor", "layout", "area", "list_price"]
    list_select_related = ["building__project"]
    search_fields = ["number", "building__name", "building__project__name"]
    autocomplete_fields = ["building"]
    show_full_result_count = False


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "name", "company", "is_active", "is_staff"]
    list_filter = ["company", "groups", "is_active"]
    search_fields = ["username", "name", "email"]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Organisation"), {"fields": ("name", "company")}),
    )
