from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from core.exceptions import Conflict, DomainError
from customers import services
from customers.models import AccessLog, Communication, Customer, CustomerSource, Purchase, Stage
from tests.factories import CustomerFactory, PurchaseFactory


def test_same_phone_from_two_sources_is_one_customer(company_a):
    first, created = services.customer_upsert(
        company=company_a,
        phone="138 1234 5678",
        source="sales",
        profile={"name": "张伟", "occupation": "教师"},
    )
    again, created_again = services.customer_upsert(
        company=company_a,
        phone="+8613812345678",
        source="community_event",
        profile={"name": "张伟", "email": ""},
    )
    assert created and not created_again
    assert first.pk == again.pk
    assert Customer.objects.count() == 1
    assert again.occupation == "教师"  # a source that knows less does not erase
    assert set(CustomerSource.objects.values_list("channel", flat=True)) == {"sales", "community_event"}


def test_a_second_company_gets_a_file_of_its_own(company_a, company_b):
    shenzhen, _ = services.customer_upsert(
        company=company_a, phone="13812345678", source="sales", profile={"name": "张伟", "occupation": "教师"}
    )
    beijing, created = services.customer_upsert(
        company=company_b, phone="13812345678", source="sales", profile={"name": "张三"}
    )
    assert created and beijing.pk != shenzhen.pk
    assert (beijing.company, beijing.name, beijing.occupation) == (company_b, "张三", "")
    shenzhen.refresh_from_db()
    assert (shenzhen.name, shenzhen.occupation, shenzhen.version) == ("张伟", "教师", 1)


def test_an_id_number_is_unique_within_a_company_only(company_a, company_b, customer_a):
    other, _ = services.customer_upsert(
        company=company_b, phone="13700000001", source="sales", profile={"id_number": customer_a.id_number}
    )
    assert other.id_number == customer_a.id_number
    with pytest.raises(Conflict) as error:
        services.customer_upsert(
            company=company_a,
            phone="13700000001",
            source="sales",
            profile={"id_number": customer_a.id_number},
        )
    assert error.value.code == "id_number_taken"
    assert not Customer.objects.filter(company=company_a, phone="13700000001").exists()


def test_a_purchase_is_recorded_on_the_units_company_file(customer_b, unit_a):
    with pytest.raises(DomainError) as error:
        services.purchase_record(
            customer=customer_b, unit=unit_a, contract_date=timezone.localdate(), price=Decimal(1)
        )
    assert error.value.code == "customer_other_company"
    assert not Purchase.objects.exists()


def test_files_of_two_companies_are_not_merged(customer_a, customer_b, staff_a):
    with pytest.raises(DomainError):
        services.customers_merge(keep=customer_a, duplicate=customer_b, user=staff_a, ip_address=None)
    assert Customer.objects.filter(pk=customer_b.pk).exists()


def test_stage_follows_purchases(customer_a, unit_a):
    today = timezone.localdate()
    services.purchase_record(
        customer=customer_a, unit=unit_a, contract_date=today - timedelta(days=30), price=Decimal("3000000")
    )
    customer_a.refresh_from_db()
    assert customer_a.stage == Stage.BUYER
    services.purchase_record(
        customer=customer_a,
        unit=unit_a,
        contract_date=today - timedelta(days=30),
        price=Decimal("3000000"),
        delivery_date=today - timedelta(days=2),
    )
    customer_a.refresh_from_db()
    assert (customer_a.stage, customer_a.moved_in_on) == (Stage.OWNER, today - timedelta(days=2))
    assert Purchase.objects.count() == 1


@pytest.mark.parametrize(
    ("contract_days_ago", "delivery_days_ago", "code"),
    [(-1, None, "contract_in_future"), (10, 20, "delivery_before_contract"), (10, -3, "delivery_in_future")],
)
def test_impossible_purchase_dates_are_refused(
    customer_a, unit_a, contract_days_ago, delivery_days_ago, code
):
    today = timezone.localdate()
    with pytest.raises(DomainError) as error:
        services.purchase_record(
            customer=customer_a,
            unit=unit_a,
            contract_date=today - timedelta(days=contract_days_ago),
            price=Decimal(1),
            delivery_date=None if delivery_days_ago is None else today - timedelta(days=delivery_days_ago),
        )
    assert error.value.code == code
    assert not Purchase.objects.exists()


def test_concurrent_edit_is_a_conflict(customer_a):
    loaded_version = customer_a.version
    services.customer_update(
        customer=customer_a, expected_version=loaded_version, profile={"occupation": "医生"}
    )
    with pytest.raises(Conflict):
        services.customer_update(
            customer=customer_a, expected_version=loaded_version, profile={"occupation": "律师"}
        )
    customer_a.refresh_from_db()
    assert customer_a.occupation == "医生"


def test_segment_override_needs_a_reason_and_can_be_undone(customer_a):
    services.customer_update(
        customer=customer_a, expected_version=customer_a.version, profile={"children_count": 2}
    )
    customer_a.refresh_from_db()
    assert customer_a.segment == "family_children"
    with pytest.raises(DomainError):
        services.customer_set_segment(customer=customer_a, segment="affluent", reason=" ")
    services.customer_set_segment(customer=customer_a, segment="affluent", reason="业主自述为改善型高端需求")
    customer_a.refresh_from_db()
    assert (customer_a.segment, customer_a.segment_overridden) == ("affluent", True)
    services.customer_update(
        customer=customer_a, expected_version=customer_a.version, profile={"children_count": 3}
    )
    customer_a.refresh_from_db()
    assert customer_a.segment == "affluent"  # an override survives later edits
    services.customer_set_segment(customer=customer_a, segment="", reason="")
    customer_a.refresh_from_db()
    assert (customer_a.segment, customer_a.segment_overridden) == ("family_children", False)


def test_merge_moves_everything_to_the_kept_file(customer_a, company_a, unit_a, staff_a):
    duplicate = CustomerFactory(name="张伟", phone="13800000001", occupation="工程师", company=company_a)
    PurchaseFactory(customer=duplicate, unit=unit_a, delivery_date=timezone.localdate() - timedelta(days=5))
    services.communication_log(customer=duplicate, channel="phone", content="回访", staff=staff_a)
    kept = services.customers_merge(keep=customer_a, duplicate=duplicate, user=staff_a, ip_address="10.0.0.8")
    assert not Customer.objects.filter(pk=duplicate.pk).exists()
    assert kept.occupation == "工程师"
    assert kept.stage == Stage.OWNER
    assert Purchase.objects.get().customer == kept
    assert Communication.objects.get().customer == kept
    assert AccessLog.objects.get().action == "merge"


def test_merging_a_customer_with_itself_is_refused(customer_a, staff_a):
    with pytest.raises(DomainError):
        services.customers_merge(keep=customer_a, duplicate=customer_a, user=staff_a, ip_address=None)


def test_communications_cannot_be_in_the_future_or_empty(customer_a, company_a, staff_a):
    with pytest.raises(DomainError):
        services.communication_log(
            customer=customer_a,
            channel="phone",
            content="x",
            staff=staff_a,
            occurred_at=timezone.now() + timedelta(hours=1),
        )
    with pytest.raises(DomainError):
        services.communication_log(customer=customer_a, channel="phone", content="  ", staff=staff_a)
    assert not Communication.objects.exists()
