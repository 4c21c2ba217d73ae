from django.contrib import admin

from core.admin import ScopedAdmin

from .models import ActionType, PlanItem, Step


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
