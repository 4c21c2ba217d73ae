from datetime import timedelta

import pytest
from django.utils import timezone

from complaints.models import Contractor, DefectType
from repairs import services
from tests.factories import BuildingFactory, ProjectFactory, PurchaseFactory, UnitFactory


@pytest.fixture
def unit_a(company_a):
    return UnitFactory(building=BuildingFactory(project=ProjectFactory(company=company_a)))


@pytest.fixture
def owner_a(unit_a):
    """The buyer of unit_a, handed over a year ago."""
    today = timezone.localdate()
    return PurchaseFactory(
        unit=unit_a, contract_date=today - timedelta(days=700), delivery_date=today - timedelta(days=365)
    ).customer


@pytest.fixture
def leak():
    return DefectType.objects.get(code="WP-02")  # 卫生间渗水


@pytest.fixture
def contractor(db):
    return Contractor.objects.create(name="中建三局防水分包")


@pytest.fixture
def make_repair(unit_a, owner_a, leak):
    def make(**changes):
        report = services.Report(
            **{
                "unit": unit_a,
                "defect_type": leak,
                "description": "卫生间天花板漏水",
                "customer": owner_a,
                **changes,
            }
        )
        return services.repair_create(report=report)

    return make


def window():
    start = timezone.now() + timedelta(days=1)
    return {"window_from": start, "window_to": start + timedelta(hours=2)}
