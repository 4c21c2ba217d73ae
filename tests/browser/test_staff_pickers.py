"""A clerk on the phone records a repair by picking the project, building and unit from lists (the
owners' pickers, fed by the staff endpoint), at a desk (1366 px) and on a phone (390 px, where the
lists must fit without sideways scrolling); axe finds nothing serious on the form."""

import pytest

from organization import roles
from repairs.models import RepairRequest
from tests.factories import (
    PASSWORD,
    BuildingFactory,
    CompanyFactory,
    ProjectFactory,
    UnitFactory,
    UserFactory,
)

from .a11y import axe_violations, describe, page_overflow
from .conftest import SCREENSHOTS, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def estate():
    company = CompanyFactory(name="深圳万科", city="深圳")
    project = ProjectFactory(company=company, name="四季花城")
    ProjectFactory(company=company, name="万科城")
    for building_name in ("3栋", "10栋"):
        building = BuildingFactory(project=project, name=building_name)
        for number in ("902", "1201"):
            UnitFactory(building=building, number=number)
    staff = UserFactory(username="clerk_sz", name="陈晓丽", company=company, role=roles.FRONTLINE_STAFF)
    return {"project": project, "staff": staff}


@pytest.mark.parametrize("width", [1366, 390])
def test_staff_pick_the_building_and_unit_of_a_repair(browser, live_server, estate, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    context.set_default_timeout(10_000)
    page = context.new_page()
    sign_in(page, live_server, estate["staff"].username, PASSWORD)
    page.goto(f"{live_server.url}/repairs/new/")

    page.select_option("#id_project", str(estate["project"].pk))
    page.wait_for_selector("select#id_building:enabled")
    assert page.locator("select#id_building option").all_inner_texts()[1:3] == ["3栋", "10栋"]
    page.select_option("#id_building", "10栋")
    page.wait_for_selector("select#id_unit_number:enabled")
    page.select_option("#id_unit_number", "1201")
    page.select_option("#id_defect_type", label="防水 · 卫生间渗水")
    page.fill("#id_description", "业主来电：卫生间天花板漏水")
    page.select_option("#id_channel", "phone")

    serious = [v for v in axe_violations(page) if v["impact"] in ("serious", "critical")]
    assert serious == [], describe(serious)
    assert page_overflow(page) == 0
    for select in ("#id_project", "#id_building", "#id_unit_number"):
        box = page.locator(select).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"staff_repair_pickers_{width}.png"), full_page=True)

    with page.expect_navigation():
        page.click("#repair-form button[type=submit]")
    repair = RepairRequest.objects.select_related("unit__building").get()
    assert (repair.unit.building.name, repair.unit.number) == ("10栋", "1201")
    assert page.url.endswith(f"/repairs/{repair.pk}/")
    context.close()
