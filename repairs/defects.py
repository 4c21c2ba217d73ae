"""Warranty repairs as a source of the defect register (``complaints.defect_sources``): each repair
request has a defect type and a unit; its project and building are the unit's, its date the day it
was reported. Registered in ``RepairsConfig.ready()``."""

from django.utils.translation import gettext as _

from complaints.defect_sources import DefectSource

from .models import RepairRequest


def _rows(user):
    return RepairRequest.objects.visible_to(user)


def _label() -> str:
    return _("warranty repairs")


REPAIR_SOURCE = DefectSource(
    key="repairs",
    label=_label,
    rows=_rows,
    type="defect_type_id",
    project="unit__building__project_id",
    building="unit__building_id",
    unit="unit_id",
    at="reported_at",
)
