"""The staff new-complaint page shows possible duplicates before filing: picking the unit from the
project's lists and the category (static/js/intake.js) fetches the earlier complaint of that unit;
staff can still save."""

from datetime import timedelta

import pytest
from django.utils import timezone

from complaints.models import Complaint
from organization import roles
from tests.factories import (
    PASSWORD,
    BuildingFactory,
    CompanyFactory,
    ComplaintFactory,
    ProjectFactory,
    UnitFactory,
    UserFactory,
)

from .conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def earlier():
    company = CompanyFactory(name="深圳万科", city="深圳")
    project = ProjectFactory(company=company, name="四季花城")
    unit = UnitFactory(building=BuildingFactory(project=project, name="5栋"), number="801")
    UserFactory(username="staff_sz", name="陈晓丽", company=company, role=roles.FRONTLINE_STAFF)
    return ComplaintFactory(
        project=project,
        unit=unit,
        category="construction",
        contact_phone="13800001111",
        received_at=timezone.now() - timedelta(days=3),
    )


def test_duplicates_show_while_typing_and_staff_still_file(page, live_server, earlier):
    sign_in(page, live_server, "staff_sz", PASSWORD)
    page.goto(f"{live_server.url}/complaints/new/")
    assert page.inner_text("#intake-duplicates").strip() == ""
    page.select_option("#id_project", label="四季花城")
    page.select_option("#id_category", "construction")
    # The building and unit are picked from the project's lists (static/js/pickers.js); intake.js
    # follows the lists that replaced the text fields.
    page.locator("select#id_building:enabled").wait_for()
    page.select_option("#id_building", "5栋")
    page.select_option("#id_unit_number", "801")
    found = page.locator(f"#intake-duplicates li[data-duplicate='{earlier.pk}']")
    found.wait_for()
    assert earlier.number in found.inner_text()

    # Another category: the list empties.
    page.select_option("#id_category", "property")
    found.wait_for(state="detached")

    page.select_option("#id_category", "construction")
    found.wait_for()
    page.select_option("#id_channel", "hotline")
    page.fill("#id_title", "卫生间又漏水")
    page.fill("#id_description", "上次修过，又漏了。")
    page.click("section.card form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/complaints/*/")
    assert Complaint.objects.filter(unit=earlier.unit).count() == 2
    # After filing, the complaint page offers the same earlier complaint to decide on.
    assert page.locator(f"#duplicates li[data-duplicate='{earlier.pk}']").count() == 1
