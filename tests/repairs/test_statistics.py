from datetime import timedelta

import pytest
from django.utils import timezone

from complaints.models import Contractor, Repair
from complaints.reports.periods import Period
from repairs import services
from repairs.models import Confirmation
from repairs.statistics import contractor_statistics
from tests.factories import ComplaintFactory

from .conftest import window

pytestmark = pytest.mark.django_db


def _this_month():
    today = timezone.localdate()
    return Period.month(today.year, today.month)


def _fixed(repair, contractor, by, *, first_time=True):
    repair = services.repair_dispatch(repair=repair, contractor=contractor, by=by, **window())
    if not first_time:
        repair = services.repair_record_visit(repair=repair, outcome="not_fixed", by=by)
        repair = services.repair_dispatch(repair=repair, contractor=contractor, by=by, **window())
    repair = services.repair_record_visit(repair=repair, outcome="fixed", by=by)
    return services.repair_confirm(repair=repair, fixed=True, via=Confirmation.OWNER)


def test_repairs_and_complaint_repairs_together_ranked(make_repair, contractor, staff_a, unit_a, staff_b):
    other = Contractor.objects.create(name="某电气安装公司")
    _fixed(make_repair(), contractor, staff_a)
    _fixed(make_repair(), contractor, staff_a, first_time=False)
    _fixed(make_repair(), other, staff_a)
    complaint = ComplaintFactory(project=unit_a.building.project, unit=unit_a)
    today = timezone.localdate()
    Repair.objects.create(
        complaint=complaint,
        contractor=contractor,
        work="补做防水层",
        started_on=today.replace(day=1),
        finished_on=today.replace(day=1) + timedelta(days=2),
        fixed_first_time=True,
        recorded_by=staff_a,
    )

    rows = contractor_statistics(user=staff_a, period=_this_month())
    assert [(row["name"], row["rank"]) for row in rows] == [(other.name, 1), (contractor.name, 2)]
    mine = rows[1]
    assert (mine["repairs"], mine["complaint_repairs"], mine["volume"]) == (2, 1, 3)
    assert mine["judged"] == 3 and mine["fixed_first_time"] == 2
    assert mine["first_time_fix_rate"] == pytest.approx(66.7)
    assert mine["average_days_to_fix"] is not None
    assert rows[0]["first_time_fix_rate"] == 100.0

    assert contractor_statistics(user=staff_b, period=_this_month()) == []


def test_the_owners_not_fixed_counts_against_the_first_time_fix(make_repair, contractor, staff_a):
    repair = services.repair_dispatch(repair=make_repair(), contractor=contractor, by=staff_a, **window())
    repair = services.repair_record_visit(repair=repair, outcome="fixed", by=staff_a)
    (row,) = contractor_statistics(user=staff_a, period=_this_month())
    assert row["first_time_fix_rate"] == 100.0
    services.repair_confirm(repair=repair, fixed=False, via=Confirmation.OWNER)
    (row,) = contractor_statistics(user=staff_a, period=_this_month())
    assert row["first_time_fix_rate"] == 0.0
