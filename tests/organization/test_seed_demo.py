from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F
from rest_framework.authtoken.models import Token

from complaints.models import Complaint
from customers.models import Customer, Purchase
from organization import demo
from organization.models import Company, Project, Unit, User


def seed(*args) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def test_seed_builds_the_organisation_users_customers_and_complaints(db):
    output = seed("--complaints", "300", "--customers", "400")
    assert set(Company.objects.values_list("name", flat=True)) >= {
        "深圳万科",
        "北京万科",
        "上海万科",
        "武汉万科",
    }
    assert {"四季花城", "城市花园", "金色家园"} <= set(Project.objects.values_list("name", flat=True))
    assert Unit.objects.count() == Project.objects.count() * demo.BUILDINGS_PER_PROJECT * demo.FLOORS * 4
    assert set(User.objects.values_list("username", flat=True)) == {u.username for u in demo.DEMO_USERS}
    assert Complaint.objects.count() == 300
    assert Customer.objects.count() == 400
    assert Customer.objects.filter(stage__in=["buyer", "owner"]).count() == Purchase.objects.count() > 50
    # Each purchase is on the unit's company's own file.
    assert not Purchase.objects.exclude(customer__company=F("unit__building__project__company")).exists()
    assert Customer.objects.exclude(segment="").count() > 300
    assert Token.objects.filter(user__username="integrator").exists()
    # Shenzhen's projects have a complaint duty handler; the other companies' wait for their managers.
    assert set(
        Project.objects.exclude(duty_handler=None).values_list("company__name", "duty_handler__username")
    ) == {("深圳万科", "staff_sz")}
    assert "300/300" in output
    assert "staff_sz" in output


def test_complaints_belong_to_their_projects_company_and_have_unique_numbers(db):
    seed("--complaints", "500")
    seed("--complaints", "500")
    assert Complaint.objects.count() == 1000
    assert Complaint.objects.values("number").distinct().count() == 1000
    assert not Complaint.objects.exclude(company_id=F("project__company_id")).exists()


def test_rerun_adds_customers_and_complaints_only(db):
    seed("--complaints", "0", "--customers", "50")
    counts = (Company.objects.count(), Unit.objects.count(), User.objects.count())
    seed("--complaints", "0", "--customers", "50")
    assert (Company.objects.count(), Unit.objects.count(), User.objects.count()) == counts
    assert Customer.objects.count() == 100


def test_if_empty_skips_a_seeded_database(db):
    seed("--complaints", "10")
    assert "演示数据已加载" in seed("--if-empty")
    assert Complaint.objects.count() == 10


def test_demo_users_can_sign_in_with_the_documented_password(db, client, settings):
    seed("--complaints", "0")
    assert client.login(username="staff_sz", password=settings.DEMO_PASSWORD)


def test_negative_count_is_refused(db):
    with pytest.raises(CommandError):
        seed("--complaints", "-1")
    with pytest.raises(CommandError):
        seed("--customers", "-1")


def test_live_intake_continues_the_numbers_after_demo_data(db):
    from complaints import services

    seed("--complaints", "200", "--customers", "0")
    project = Project.objects.first()
    for _ in range(3):
        services.complaint_create(
            intake=services.Intake(
                project=project, channel="hotline", category="other", title="x", description="x"
            )
        )
    assert Complaint.objects.values("number").distinct().count() == 203
