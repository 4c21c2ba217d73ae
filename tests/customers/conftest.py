import pytest

from tests.factories import CustomerFactory, UnitFactory


@pytest.fixture
def unit_a(company_a):
    return UnitFactory(
        building__project__company=company_a,
        building__project__name="四季花城",
        building__name="1栋",
        number="101",
    )


@pytest.fixture
def unit_b(company_b):
    return UnitFactory(
        building__project__company=company_b,
        building__project__name="城市花园",
        building__name="2栋",
        number="202",
    )


@pytest.fixture
def customer_a(company_a):
    return CustomerFactory(
        name="张伟", phone="13812345678", id_number="11010519491231002X", company=company_a
    )


@pytest.fixture
def customer_b(company_b):
    return CustomerFactory(name="李娜", phone="13987654321", company=company_b)
