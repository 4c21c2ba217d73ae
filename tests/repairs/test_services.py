from datetime import timedelta

import pytest
from django.utils import timezone

from complaints.models import Complaint, DefectType
from core.exceptions import Conflict, DomainError
from organization.customer_managers import customer_manager_set
from repairs import rules, services
from repairs.models import Confirmation, RepairEvent, RepairVisit, Status, WarrantyPeriod
from tests.factories import UnitFactory

from .conftest import window

pytestmark = pytest.mark.django_db


def test_default_periods_are_installed():
    periods = dict(WarrantyPeriod.objects.values_list("defect_type__code", "years"))
    assert periods["WP"] == 5 and periods["EL"] == 2 and periods["PL"] == 2 and periods["ST"] == 50
    assert "DS" not in periods


def test_a_report_is_numbered_and_judged(make_repair, unit_a):
    repair = make_repair()
    assert repair.number.startswith("BX") and repair.number.endswith(f"{repair.pk:06d}")
    assert repair.company_id == unit_a.company_id
    assert repair.warranty is True
    assert repair.warranty_ends_on is not None
    assert repair.status == Status.RECEIVED
    assert list(repair.events.values_list("kind", flat=True)) == [RepairEvent.Kind.CREATED]


def test_past_its_period_a_repair_is_paid(make_repair, owner_a):
    today = timezone.localdate()
    owner_a.purchases.update(
        contract_date=today - timedelta(days=4 * 365), delivery_date=today - timedelta(days=3 * 365)
    )
    repair = make_repair(defect_type=DefectType.objects.get(code="EL-01"))
    assert repair.warranty is False


def test_a_group_of_types_is_refused(make_repair):
    with pytest.raises(DomainError):
        make_repair(defect_type=DefectType.objects.get(code="WP"))


def test_fixed_then_confirmed_closes_and_routes_the_follow_up(
    make_repair, contractor, unit_a, staff_a, manager_a
):
    customer_manager_set(project=unit_a.building.project, manager=staff_a, by=manager_a)
    repair = services.repair_dispatch(repair=make_repair(), contractor=contractor, by=staff_a, **window())
    assert repair.status == Status.DISPATCHED and repair.version == 2
    repair = services.repair_record_visit(repair=repair, outcome=RepairVisit.Outcome.FIXED, by=staff_a)
    assert repair.status == Status.FIXED
    assert repair.follow_up_by == staff_a
    assert repair.follow_up_due_at == repair.fixed_at + rules.FOLLOW_UP_AFTER
    repair = services.repair_confirm(repair=repair, fixed=True, via=Confirmation.CALL, by=staff_a)
    assert repair.status == Status.CLOSED and repair.closed_at is not None
    assert repair.follow_up_due_at is None


def test_the_owner_says_not_fixed_then_it_is_redone(make_repair, contractor, staff_a):
    repair = services.repair_dispatch(repair=make_repair(), contractor=contractor, by=staff_a, **window())
    repair = services.repair_record_visit(repair=repair, outcome=RepairVisit.Outcome.FIXED, by=staff_a)
    repair = services.repair_confirm(repair=repair, fixed=False, via=Confirmation.OWNER)
    assert repair.status == Status.REDO
    assert list(repair.visits.values_list("outcome", flat=True)) == [RepairVisit.Outcome.NOT_FIXED]
    repair = services.repair_dispatch(repair=repair, contractor=contractor, by=staff_a, **window())
    repair = services.repair_record_visit(repair=repair, outcome=RepairVisit.Outcome.FIXED, by=staff_a)
    repair = services.repair_confirm(repair=repair, fixed=True, via=Confirmation.OWNER)
    assert repair.status == Status.CLOSED and repair.complaint is None


@pytest.mark.parametrize("outcome", [RepairVisit.Outcome.NOT_FIXED, RepairVisit.Outcome.MISSED])
def test_twice_not_fixed_or_missed_becomes_a_complaint(make_repair, contractor, staff_a, outcome):
    repair = make_repair()
    for _round in range(2):
        repair = services.repair_dispatch(repair=repair, contractor=contractor, by=staff_a, **window())
        repair = services.repair_record_visit(repair=repair, outcome=outcome, by=staff_a)
    assert repair.status == Status.CONVERTED
    complaint = repair.complaint
    assert complaint.category == "construction"
    assert complaint.defect_type_id == repair.defect_type_id
    assert complaint.unit_id == repair.unit_id and complaint.customer_id == repair.customer_id


def test_conversion_happens_once(make_repair, staff_a):
    repair = make_repair()
    services.repair_convert(repair=repair, by=None)
    with pytest.raises(Conflict):
        services.repair_convert(repair=repair, by=staff_a)
    assert Complaint.objects.count() == 1


def test_a_stale_version_is_a_conflict(make_repair, contractor, staff_a):
    repair = make_repair()
    services.repair_dispatch(repair=repair, contractor=contractor, by=staff_a, expected_version=1, **window())
    with pytest.raises(Conflict) as error:
        services.repair_record_visit(repair=repair, outcome="fixed", by=staff_a, expected_version=1)
    assert error.value.code == "stale_version"


def test_steps_out_of_order_are_refused(make_repair, staff_a):
    with pytest.raises(Conflict):
        services.repair_record_visit(repair=make_repair(), outcome="fixed", by=staff_a)


def test_another_companys_customer_is_refused(make_repair, company_b):
    from tests.factories import CustomerFactory

    with pytest.raises(DomainError):
        make_repair(customer=CustomerFactory(company=company_b))


def test_a_unit_not_handed_over_is_under_warranty(leak):
    unit = UnitFactory()
    repair = services.repair_create(report=services.Report(unit=unit, defect_type=leak, description="漏水"))
    assert repair.warranty is True and repair.warranty_ends_on is None


def test_a_new_customer_manager_takes_the_open_follow_ups(
    make_repair, contractor, unit_a, staff_a, manager_a
):
    customer_manager_set(project=unit_a.building.project, manager=staff_a, by=manager_a)
    repair = services.repair_dispatch(repair=make_repair(), contractor=contractor, by=staff_a, **window())
    repair = services.repair_record_visit(repair=repair, outcome=RepairVisit.Outcome.FIXED, by=staff_a)
    assert repair.follow_up_by == staff_a
    assignment = customer_manager_set(project=unit_a.building.project, manager=manager_a, by=manager_a)
    repair.refresh_from_db()
    assert repair.follow_up_by == manager_a
    assert assignment.change.tasks_moved == 1
