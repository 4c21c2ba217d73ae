from datetime import timedelta
from decimal import Decimal

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from complaints import rules as complaint_rules
from complaints.models import Category, Channel, Complaint
from complaints.services import ownership
from organization.models import Building, Company, Holding, Project, Region, Unit, User

PASSWORD = "correct-horse-battery"


class HoldingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Holding
        django_get_or_create = ["name"]

    name = "万科集团"


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region

    holding = factory.SubFactory(HoldingFactory)
    name = factory.Sequence(lambda n: f"区域{n}")


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company

    region = factory.SubFactory(RegionFactory)
    name = factory.Sequence(lambda n: f"城市{n}万科")
    city = factory.Sequence(lambda n: f"城市{n}")


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    company = factory.SubFactory(CompanyFactory)
    name = factory.Sequence(lambda n: f"四季花城{n}期")


class BuildingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Building

    project = factory.SubFactory(ProjectFactory)
    name = factory.Sequence(lambda n: f"{n + 1}栋")


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    building = factory.SubFactory(BuildingFactory)
    number = factory.Sequence(lambda n: f"{n + 101}")
    floor = 1
    layout = "三室两厅"
    area = Decimal("118.50")
    list_price = Decimal("3200000.00")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    name = factory.Sequence(lambda n: f"员工{n}")
    company = factory.SubFactory(CompanyFactory)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(Group.objects.get(name=extracted))
        if create:
            self.save()


class ComplaintFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Complaint

    number = factory.Sequence(lambda n: f"TS202611-{n + 1:06d}")
    project = factory.SubFactory(ProjectFactory)
    company = factory.SelfAttribute("project.company")
    channel = Channel.HOTLINE
    category = Category.CONSTRUCTION
    title = "卫生间天花板渗漏水"
    description = "业主反映卫生间天花板渗漏水，希望尽快处理。"
    received_at = factory.Sequence(lambda n: timezone.now() - timedelta(hours=n))
    resolve_by = factory.LazyAttribute(
        lambda c: complaint_rules.resolve_limit(received_at=c.received_at, paused_seconds=0)
    )

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        """With the report's response figures the services keep, for a complaint never paused (a test
        that adds pauses by hand then calls ``ownership.refresh_after_pause``)."""
        complaint = model_class(*args, **kwargs)
        ownership.set_response_figures(complaint, pauses=[])
        complaint.save(force_insert=True)
        return complaint


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "customers.Customer"

    company = factory.SubFactory(CompanyFactory)
    name = factory.Sequence(lambda n: f"客户{n}")
    phone = factory.Sequence(lambda n: f"139{n:08d}")
    phone_tail = factory.LazyAttribute(lambda c: c.phone[-4:])


class PurchaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "customers.Purchase"

    unit = factory.SubFactory(UnitFactory)
    # A company records its sales on its own file of the buyer.
    customer = factory.SubFactory(
        CustomerFactory, company=factory.SelfAttribute("..unit.building.project.company")
    )
    contract_date = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=400))
    price = Decimal("3000000")
    area = Decimal("118.50")
    layout = "三室两厅"


def member_for(company, *, points: int = 0, name: str | None = None, phone: str | None = None):
    """A club member of ``company`` (joined as a buyer would) holding ``points`` earned points."""
    from membership import services as club

    extra = {"name": name} if name else {}
    if phone:
        extra["phone"] = phone
    customer = CustomerFactory(company=company, **extra)
    member, _created = club.member_join(customer=customer, company=company, via="purchase")
    if points:
        club.points_earn(
            member=member,
            points=points,
            reason="开户赠送",
            source="test",
            idempotency_key=f"test:{member.pk}",
        )
        member.refresh_from_db()
    return member


class RiskSignalFactory(factory.django.DjangoModelFactory):
    """An open risk signal of a complaint, as reading the complaint's text would have raised it."""

    class Meta:
        model = "complaints.RiskSignal"

    complaint = factory.SubFactory(ComplaintFactory)
    signal = "litigation_possible"
    words = factory.LazyFunction(lambda: ["律师"])
    source = "intake"
    at = factory.LazyFunction(timezone.now)
    notify_due_at = factory.LazyAttribute(lambda s: s.at + timedelta(hours=24))
