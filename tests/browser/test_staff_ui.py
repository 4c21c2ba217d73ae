import pytest

from organization import roles
from tests.factories import (
    PASSWORD,
    BuildingFactory,
    CompanyFactory,
    ProjectFactory,
    UnitFactory,
    UserFactory,
)

from .conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def organisation():
    shenzhen = CompanyFactory(name="深圳万科", city="深圳")
    beijing = CompanyFactory(name="北京万科", city="北京")
    project = ProjectFactory(company=shenzhen, name="四季花城")
    UnitFactory(building=BuildingFactory(project=project, name="1栋"), number="101")
    ProjectFactory(company=beijing, name="城市花园")
    staff = UserFactory(username="staff_sz", company=shenzhen, role=roles.FRONTLINE_STAFF)
    return {"project": project, "staff": staff}


def test_sign_in_and_see_only_the_own_company(page, live_server, organisation):
    sign_in(page, live_server, "staff_sz", PASSWORD)
    page.goto(f"{live_server.url}/organisation/")
    tree = page.locator("#org-tree")
    tree.wait_for()
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert "四季花城" in tree.inner_text()
    assert "城市花园" not in tree.inner_text()
    assert "深圳万科" in tree.inner_text()


def test_switch_language_and_back(page, live_server, organisation):
    sign_in(page, live_server, "staff_sz", PASSWORD)
    page.locator("#workbench").wait_for()
    with page.expect_navigation():
        page.select_option("#language-select", "en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Organisation" in page.content()
    assert "Sign out" in page.content()
    with page.expect_navigation():
        page.select_option("#language-select", "zh-hans")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert "组织架构" in page.content()


def test_open_a_project_from_the_org_tree(page, live_server, organisation):
    sign_in(page, live_server, "staff_sz", PASSWORD)
    page.goto(f"{live_server.url}/organisation/")
    page.click("#org-tree >> text=四季花城")
    page.wait_for_url(f"**/projects/{organisation['project'].pk}/")
    assert "1栋" in page.inner_text("main")


def test_integrators_cannot_sign_in(page, live_server, organisation):
    UserFactory(username="sales_api", company=organisation["staff"].company, role=roles.INTEGRATOR)
    sign_in(page, live_server, "sales_api", PASSWORD)
    page.locator("[role=alert]").wait_for()
    assert page.url.endswith("/login/")
    assert "API" in page.inner_text("[role=alert]")
