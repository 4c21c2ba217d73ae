from django.contrib import admin

from core.admin import ScopedAdmin

from .models import ActionType, Holiday, PlanItem, Step


class ActionInline(admin.TabularInline):
    model = ActionType
    extra = 0


@admin.register(Step)
class StepAdmin(admin.ModelAdmin):
    """The group centre edits the 6+2 catalogue here."""

    list_display = ["order", "name", "moment"]
    inlines = [ActionInline]


@admin.register(PlanItem)
class PlanItemAdmin(ScopedAdmin):
    list_display = ["planned_on", "project", "action", "note"]
    list_filter = ["action__step"]


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    """The greeting calendar: the group centre adds next years' lunar holidays here."""

    list_display = ["day", "name", "greeting"]
    date_hierarchy = "day"
