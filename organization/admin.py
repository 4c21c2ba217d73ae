from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from core.admin import ScopedAdmin

from . import calendars
from .models import Building, CalendarDay, Company, Holding, Project, Region, Unit, User


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


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    """The working-day calendars (holidays off, 调休 working weekends): the group centre edits them
    (``organization.change_calendarday``, also for adding and removing a day); every write goes
    through ``organization.calendars`` so the clocks' cached calendars are forgotten."""

    list_display = ["day", "working", "name", "company"]
    list_filter = ["working", "company"]
    list_select_related = ["company"]
    search_fields = ["name"]
    date_hierarchy = "day"
    fields = ["company", "day", "working", "name"]

    def get_queryset(self, request):
        """The group's days and those of the companies the user sees."""
        visible = Company.objects.visible_to(request.user).values("pk")
        days = super().get_queryset(request)
        return days.filter(company__isnull=True) | days.filter(company__in=visible)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "company":
            kwargs["queryset"] = Company.objects.visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_add_permission(self, request):
        return request.user.has_perm(calendars.EDIT_CALENDARS)

    def has_delete_permission(self, request, obj=None):
        return request.user.has_perm(calendars.EDIT_CALENDARS)

    def get_readonly_fields(self, request, obj=None):
        return ["company", "day"] if obj is not None else []  # a day moves by removing and adding

    def save_model(self, request, obj, form, change):
        saved = calendars.calendar_day_set(
            by=request.user, company=obj.company, day=obj.day, working=obj.working, name=obj.name
        )
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        calendars.calendar_day_remove(by=request.user, company=obj.company, day=obj.day)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)
