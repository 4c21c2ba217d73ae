"""A project's complaint duty handler: chosen by managers and the group centre on the project page,
only among people who may handle the company's complaints."""

import pytest
from django.urls import reverse

from core.exceptions import DomainError
from organization import services
from tests.factories import PASSWORD, ProjectFactory


@pytest.fixture
def project(company_a):
    return ProjectFactory(company=company_a, name="四季花城")


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_a_manager_chooses_the_duty_handler_on_the_project_page(client, project, manager_a, staff_a):
    login(client, manager_a)
    page = client.get(reverse("project-detail", args=[project.pk])).content.decode()
    url = reverse("project-duty-handler", args=[project.pk])
    assert url in page
    response = client.post(url, {"duty_handler": staff_a.pk})
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.duty_handler == staff_a
    assert str(staff_a) in client.get(reverse("project-detail", args=[project.pk])).content.decode()
    client.post(url, {"duty_handler": ""})
    project.refresh_from_db()
    assert project.duty_handler is None


def test_only_people_who_may_handle_the_companys_complaints_are_offered(
    client, project, manager_a, staff_a, staff_b, auditor, integrator_a, group_user
):
    login(client, manager_a)
    offered = client.get(reverse("project-duty-handler", args=[project.pk])).context["form"]
    offered = offered.fields["duty_handler"].queryset
    assert staff_a in offered and group_user in offered
    assert not {staff_b, auditor, integrator_a} & set(offered)
    refused = client.post(
        reverse("project-duty-handler", args=[project.pk]), {"duty_handler": integrator_a.pk}
    )
    assert refused.status_code == 200 and refused.context["form"].errors
    project.refresh_from_db()
    assert project.duty_handler is None


def test_the_service_refuses_someone_of_another_company(project, manager_a, staff_b):
    with pytest.raises(DomainError) as refused:
        services.project_set_duty_handler(project=project, handler=staff_b, by=manager_a)
    assert refused.value.code == "duty_handler_outside"


def test_frontline_staff_cannot_and_other_companies_do_not_see_it(
    client, project, staff_a, staff_b, company_b
):
    from organization import roles
    from tests.factories import UserFactory

    login(client, staff_a)
    url = reverse("project-duty-handler", args=[project.pk])
    assert url not in client.get(reverse("project-detail", args=[project.pk])).content.decode()
    assert client.get(url).status_code == 403
    manager_b = UserFactory(username="manager_b", company=company_b, role=roles.COMPANY_MANAGER)
    login(client, manager_b)
    assert client.get(url).status_code == 404
    assert client.post(url, {"duty_handler": staff_b.pk}).status_code == 404
