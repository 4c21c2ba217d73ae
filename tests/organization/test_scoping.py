import pytest
from django.contrib.auth.models import AnonymousUser

from core.scoping import scope_for
from organization.models import Building, Company, Holding, Project, Region, Unit
from tests.factories import ComplaintFactory, UnitFactory, UserFactory


@pytest.fixture
def two_companies(company_a, company_b):
    unit_a = UnitFactory(building__project__company=company_a)
    unit_b = UnitFactory(building__project__company=company_b)
    ComplaintFactory(project=unit_a.building.project, unit=unit_a)
    ComplaintFactory(project=unit_b.building.project, unit=unit_b)
    return unit_a, unit_b


@pytest.mark.parametrize("model", [Company, Project, Building, Unit])
def test_company_staff_see_only_their_company(model, two_companies, staff_a, company_a):
    visible = model.objects.visible_to(staff_a)
    assert visible.count() == 1
    assert model.objects.count() == 2
    assert {obj.pk for obj in visible} == set(
        model.objects.filter(**{model.company_lookup: company_a.pk}).values_list("pk", flat=True)
    )


@pytest.mark.parametrize("fixture", ["group_user", "auditor"])
def test_group_level_roles_see_every_company(fixture, request, two_companies):
    user = request.getfixturevalue(fixture)
    assert scope_for(user).all_companies
    assert Unit.objects.visible_to(user).count() == 2


def test_regions_and_group_are_visible_through_the_users_company(two_companies, staff_a, company_a):
    assert list(Region.objects.visible_to(staff_a)) == [company_a.region]
    assert list(Holding.objects.visible_to(staff_a)) == [company_a.region.holding]


def test_user_without_company_or_group_permission_sees_nothing(two_companies):
    orphan = UserFactory(company=None, role="frontline_staff")
    assert scope_for(orphan).is_empty
    assert not Unit.objects.visible_to(orphan).exists()


def test_anonymous_and_inactive_users_see_nothing(two_companies, staff_a):
    assert not Company.objects.visible_to(AnonymousUser()).exists()
    staff_a.is_active = False
    staff_a.save()
    assert not Company.objects.visible_to(staff_a).exists()
