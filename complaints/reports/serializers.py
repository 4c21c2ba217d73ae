"""The report API's query parameters and the documented shapes of its answers."""

from django.utils.translation import gettext_lazy
from rest_framework import serializers


class MonthQuery(serializers.Serializer):
    month = serializers.RegexField(
        r"^20\d{2}-(0[1-9]|1[0-2])$",
        error_messages={"invalid": gettext_lazy("Give the month as YYYY-MM, e.g. 2026-11.")},
    )
    company = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    region = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)


class WeekQuery(serializers.Serializer):
    week = serializers.RegexField(
        r"^20\d{2}-W(0[1-9]|[1-4]\d|5[0-3])$",
        error_messages={"invalid": gettext_lazy("Give the week as YYYY-Www, e.g. 2026-W47.")},
    )
    company = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    region = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)


class PeriodOut(serializers.Serializer):
    label = serializers.CharField()
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()


class CountsOut(serializers.Serializer):
    new = serializers.IntegerField()
    resolved = serializers.IntegerField()
    closed = serializers.IntegerField()
    open_at_end = serializers.IntegerField()


class ComparedCountsOut(CountsOut):
    label = serializers.CharField()


class DurationsOut(serializers.Serializer):
    count = serializers.IntegerField()
    median_hours = serializers.FloatField(allow_null=True)
    p90_hours = serializers.FloatField(allow_null=True)


class ResponseInWorkingTimeOut(serializers.Serializer):
    in_time = serializers.IntegerField(help_text="Answered within 24 hours on working days, pauses left out.")
    late = serializers.IntegerField()
    pending = serializers.IntegerField(help_text="Not answered yet and still within the promise (or paused).")
    in_time_percent = serializers.FloatField(allow_null=True)
    median_first_response_working_hours = serializers.FloatField(allow_null=True)


class PausedByHandlerOut(serializers.Serializer):
    handler = serializers.IntegerField(allow_null=True)
    name = serializers.CharField()
    pauses = serializers.IntegerField()
    hours = serializers.FloatField(help_text="Hours the response clock stood paused within the period.")


class SatisfactionOut(serializers.Serializer):
    rated = serializers.IntegerField()
    average = serializers.FloatField(allow_null=True)
    satisfied_percent = serializers.FloatField(allow_null=True)


class CallbacksOut(serializers.Serializer):
    resolved = serializers.IntegerField(help_text="Complaints resolved in the period.")
    called_back = serializers.IntegerField(help_text="Of those, called back after being resolved.")
    coverage_percent = serializers.FloatField(allow_null=True, help_text="called_back ÷ resolved.")
    reopened = serializers.IntegerField(help_text="Of those resolved, reopened after being resolved.")
    reopen_percent = serializers.FloatField(allow_null=True, help_text="reopened ÷ resolved.")
    calls = serializers.IntegerField(help_text="Call-backs made in the period.")
    answered = serializers.IntegerField(help_text="Of those, the ones that reached the complainant.")
    satisfied = serializers.IntegerField()
    satisfied_percent = serializers.FloatField(allow_null=True, help_text="satisfied ÷ answered.")


class ResolvedInTimeOut(serializers.Serializer):
    resolved = serializers.IntegerField(help_text="Complaints resolved in the period.")
    in_time = serializers.IntegerField(
        help_text="Of those, resolved by our deadlines and, for a government referral, by the "
        "authority's deadline too."
    )
    in_time_percent = serializers.FloatField(allow_null=True, help_text="in_time ÷ resolved.")


class GovernmentOut(serializers.Serializer):
    received = serializers.IntegerField(help_text="Government referrals received in the period.")
    resolved = serializers.IntegerField(help_text="Government referrals resolved in the period.")
    on_time = serializers.IntegerField(help_text="Of those, resolved by the authority's deadline.")
    on_time_percent = serializers.FloatField(allow_null=True, help_text="on_time ÷ resolved.")
    verdicts = serializers.IntegerField(help_text="The authority's verdicts given in the period.")
    sent_back = serializers.IntegerField(help_text="Of those, sent back to be redone.")
    sent_back_percent = serializers.FloatField(allow_null=True, help_text="sent_back ÷ verdicts.")


class ProjectCountOut(serializers.Serializer):
    project = serializers.IntegerField()
    name = serializers.CharField()
    company = serializers.CharField()
    count = serializers.IntegerField()


class EscalatedOut(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    project__name = serializers.CharField()
    company__name = serializers.CharField()
    title = serializers.CharField()
    tier = serializers.CharField()
    tier_label = serializers.CharField()
    tier_reasons = serializers.ListField(child=serializers.CharField())
    reason_labels = serializers.ListField(child=serializers.CharField())
    status = serializers.CharField()
    received_at = serializers.DateTimeField()
    resolved_at = serializers.DateTimeField(allow_null=True)
    days_open = serializers.IntegerField()
    current_plan = serializers.CharField(allow_null=True)
    last_update = serializers.DateTimeField(allow_null=True)


class CategoryShareOut(serializers.Serializer):
    category = serializers.CharField()
    count = serializers.IntegerField()
    percent = serializers.FloatField()


class CostFiguresOut(serializers.Serializer):
    spent = serializers.DecimalField(max_digits=14, decimal_places=2, help_text="Goodwill and repair cost.")
    back_charged = serializers.DecimalField(max_digits=14, decimal_places=2)
    recovered = serializers.DecimalField(
        max_digits=14, decimal_places=2, help_text="Back-charges deducted from the contractor."
    )
    net = serializers.DecimalField(max_digits=14, decimal_places=2, help_text="spent - recovered")


class ProjectCostOut(CostFiguresOut):
    project = serializers.IntegerField()
    name = serializers.CharField()


class CategoryCostOut(CostFiguresOut):
    category = serializers.CharField()


class ContractorCostOut(CostFiguresOut):
    contractor = serializers.IntegerField()
    name = serializers.CharField()


class CostsOut(serializers.Serializer):
    """Cost ledger entries recorded in the period (reversals included)."""

    totals = CostFiguresOut()
    by_project = ProjectCostOut(many=True)
    by_category = CategoryCostOut(many=True)
    by_contractor = ContractorCostOut(many=True)


class ComplaintReportOut(serializers.Serializer):
    period = PeriodOut()
    counts = CountsOut()
    previous = ComparedCountsOut()
    year_before = ComparedCountsOut()
    by_category = serializers.DictField(child=serializers.IntegerField())
    category_share = CategoryShareOut(many=True)
    by_tier = serializers.DictField(child=serializers.IntegerField())
    by_channel = serializers.DictField(child=serializers.IntegerField())
    by_status = serializers.DictField(child=serializers.IntegerField())
    by_company = serializers.DictField(child=serializers.IntegerField())
    by_project = ProjectCountOut(many=True)
    first_response = DurationsOut()
    response_in_working_time = ResponseInWorkingTimeOut()
    paused_by_handler = PausedByHandlerOut(many=True)
    resolution = DurationsOut()
    resolved_in_time = ResolvedInTimeOut(required=False)
    overdue = serializers.IntegerField()
    satisfaction = SatisfactionOut()
    callbacks = CallbacksOut()
    government = GovernmentOut(required=False)
    escalated = EscalatedOut(many=True)
    costs = CostsOut()


class ContractorRowOut(serializers.Serializer):
    contractor = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()
    complaints = serializers.IntegerField()
    repairs = serializers.IntegerField()
    fixed_first_time = serializers.IntegerField()
    repeat_repairs = serializers.IntegerField()
    first_time_fix_rate = serializers.FloatField(allow_null=True)
    rank = serializers.IntegerField()


class ContractorReportOut(serializers.Serializer):
    period = serializers.CharField()
    contractors = ContractorRowOut(many=True)
    back_charges = ContractorCostOut(
        many=True, help_text="Back-charges recorded in the month, by contractor."
    )
