from django.contrib import admin

from core.admin import ScopedAdmin

from .models import ImprovementPlan, Indicator, Question, Questionnaire, ScorecardWeights, SurveyPlan


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    """The group centre edits the three-level indicator tree here."""

    list_display = ["name", "code", "level", "parent", "department", "order"]
    list_filter = ["level"]


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0


@admin.register(Questionnaire)
class QuestionnaireAdmin(admin.ModelAdmin):
    list_display = ["name", "stage", "segment"]
    inlines = [QuestionInline]


@admin.register(SurveyPlan)
class SurveyPlanAdmin(ScopedAdmin):
    list_display = ["year", "name", "company", "project", "stage", "method", "status"]
    list_filter = ["year", "status"]
    readonly_fields = ["status"]


@admin.register(ImprovementPlan)
class ImprovementPlanAdmin(ScopedAdmin):
    list_display = ["goal", "company", "indicator", "department", "deadline", "status"]
    list_filter = ["status", "department"]


@admin.register(ScorecardWeights)
class ScorecardWeightsAdmin(admin.ModelAdmin):
    list_display = ["year", "satisfaction", "complaint_handling", "loyalty", "profit"]
