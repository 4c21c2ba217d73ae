"""The Content-Security-Policy holds on the real pages: Chromium reports no violation (no inline
script, event handler or style attribute is blocked) while the pages still work."""

import pytest
from django.urls import reverse

from organization import roles
from tests.factories import (
    PASSWORD,
    BuildingFactory,
    CompanyFactory,
    ComplaintFactory,
    CustomerFactory,
    ProjectFactory,
    UnitFactory,
    UserFactory,
)

from .conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COLLECT_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  const where = `${event.sourceFile}:${event.lineNumber}`;
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI} ${where}`);
});
"""


@pytest.fixture
def organisation():
    company = CompanyFactory(name="深圳万科", city="深圳")
    project = ProjectFactory(company=company, name="四季花城")
    unit = UnitFactory(building=BuildingFactory(project=project, name="1栋"), number="101")
    complaint = ComplaintFactory(project=project, unit=unit, tier="major")
    customer = CustomerFactory(company=company)
    UserFactory(username="manager_sz", company=company, role=roles.COMPANY_MANAGER)
    UserFactory(username="root", company=None, role=roles.GROUP_CENTRE, is_staff=True, is_superuser=True)
    return {"project": project, "complaint": complaint, "customer": customer}


def violations(page) -> list[str]:
    return page.evaluate("window.__cspViolations || []")


def watch(page) -> list[str]:
    page.add_init_script(COLLECT_VIOLATIONS)
    console = []
    page.on(
        "console",
        lambda message: console.append(message.text) if "Content Security Policy" in message.text else None,
    )
    return console


def test_staff_pages_raise_no_csp_violation(page, live_server, organisation):
    console = watch(page)
    sign_in(page, live_server, "manager_sz", PASSWORD)
    page.wait_for_url(f"{live_server.url}/")
    pages = [
        reverse("home"),
        reverse("organisation"),
        reverse("complaint-list"),
        reverse("complaint-create"),
        reverse("complaint-detail", args=[organisation["complaint"].pk]),
        reverse("reports"),
        reverse("customer-list"),
        reverse("customer-detail", args=[organisation["customer"].pk]),
        reverse("my-tasks"),
        reverse("survey-plans"),
        reverse("survey-report"),
        reverse("survey-indicators"),
        reverse("club-members"),
        reverse("club-events"),
        reverse("notifications"),
    ]
    seen = {}
    for path in pages:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        assert "Content-Security-Policy" in {
            name.title() for name in response.headers
        } or response.headers.get("content-security-policy"), path
        seen[path] = violations(page)
    assert {path: found for path, found in seen.items() if found} == {}
    assert console == []
    # Scripts from static files still run: the language switch submits on change.
    with page.expect_navigation():
        page.select_option("#language-select", "en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert violations(page) == []


def test_public_admin_and_api_pages_raise_no_csp_violation(page, live_server, organisation):
    console = watch(page)
    page.goto(f"{live_server.url}{reverse('public-complaint')}")
    page.locator("form").first.wait_for()
    assert violations(page) == []
    sign_in(page, live_server, "root", PASSWORD)
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/admin/")
    assert violations(page) == []
    page.goto(f"{live_server.url}{reverse('swagger-ui')}")
    page.locator(".swagger-ui .info").wait_for()
    assert violations(page) == []
    assert console == []
