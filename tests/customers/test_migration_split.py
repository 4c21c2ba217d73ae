"""customers.0003 splits a file shared by two companies into one file per company."""

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

# Organisation models as they were then too (later ones copy the company onto units and purchases).
BEFORE = [("customers", "0002_alter_customer_birth_date"), ("organization", "0004_project_duty_handler")]
AFTER = [("customers", "0004_per_company_files")]


@pytest.mark.django_db(transaction=True)
def test_a_shared_file_becomes_one_file_per_company():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    executor.loader.build_graph()
    old = executor.loader.project_state(list(executor.loader.applied_migrations)).apps
    Holding, Region, Company = (old.get_model("organization", m) for m in ("Holding", "Region", "Company"))
    Project, Building, Unit = (old.get_model("organization", m) for m in ("Project", "Building", "Unit"))
    Customer, Link = old.get_model("customers", "Customer"), old.get_model("customers", "CustomerCompany")
    Purchase, Source = old.get_model("customers", "Purchase"), old.get_model("customers", "CustomerSource")
    region = Region.objects.create(holding=Holding.objects.create(name="集团"), name="南方")
    shenzhen = Company.objects.create(region=region, name="深圳", city="深圳")
    beijing = Company.objects.create(region=region, name="北京", city="北京")

    def unit_of(company):
        project = Project.objects.create(company=company, name=f"{company.name}项目")
        return Unit.objects.create(
            building=Building.objects.create(project=project, name="1栋"),
            number="101",
            floor=1,
            layout="x",
            area=1,
            list_price=1,
        )

    shared = Customer.objects.create(name="张伟", phone="13812345678", phone_tail="5678", occupation="教师")
    only_beijing = Customer.objects.create(name="李娜", phone="13900000000", phone_tail="0000")
    Link.objects.create(customer=shared, company=shenzhen)
    Link.objects.create(customer=shared, company=beijing)
    Link.objects.create(customer=only_beijing, company=beijing)
    for company in (shenzhen, beijing):
        Purchase.objects.create(
            customer=shared,
            unit=unit_of(company),
            contract_date=date(2025, 1, 1),
            price=1,
            area=1,
            layout="x",
        )
        Source.objects.create(customer=shared, company=company, channel="sales")

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    Customer, Purchase = new.get_model("customers", "Customer"), new.get_model("customers", "Purchase")
    files = {c.company_id: c for c in Customer.objects.filter(phone="13812345678")}
    assert set(files) == {shenzhen.pk, beijing.pk}
    assert files[shenzhen.pk].pk == shared.pk
    assert files[beijing.pk].occupation == "教师"
    for company_id, file in files.items():
        purchases = Purchase.objects.filter(customer=file)
        assert [p.unit.building.project.company_id for p in purchases] == [company_id]
        assert file.sources.count() == 1
    assert Customer.objects.get(pk=only_beijing.pk).company_id == beijing.pk
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    # The later migrations copy the company onto buildings, units and purchases.
    from customers.models import Purchase as CurrentPurchase
    from organization.models import Unit as CurrentUnit

    assert {(p.company_id, p.customer.company_id) for p in CurrentPurchase.objects.all()} == {
        (shenzhen.pk, shenzhen.pk),
        (beijing.pk, beijing.pk),
    }
    assert all(u.company_id == u.building.project.company_id for u in CurrentUnit.objects.all())
