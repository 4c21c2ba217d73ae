"""The webhooks page at 1366 and 390 pixels: no serious or critical axe violation, no sideways
scroll, and 「重新发送」 sends a failed delivery again."""

import pytest

from core.webhook_models import WebhookDelivery
from core.webhooks import services
from organization import roles
from tests.factories import PASSWORD, CompanyFactory, ComplaintFactory, UserFactory

from .a11y import WIDTHS, axe_violations, describe, page_overflow
from .conftest import SCREENSHOTS, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def failed_delivery(live_server, settings):
    settings.WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    company = CompanyFactory(name="深圳万科")
    UserFactory(username="manager_sz", company=company, role=roles.COMPANY_MANAGER)
    integrator = UserFactory(username="integrator_sz", company=company, role=roles.INTEGRATOR)
    services.subscription_create(
        user=integrator,
        url="http://127.0.0.1:9/a-rather-long-path/for/the/call-centre/webhook-receiver",
        event_types=["complaint.created", "complaint.status_changed", "complaint.closed"],
    )
    services.emit("complaint.created", ComplaintFactory(project__company=company), company_id=company.pk)
    delivery = WebhookDelivery.objects.get()
    delivery.status, delivery.attempts, delivery.last_error = (
        "failed",
        31,
        "ConnectionRefusedError: [Errno 111]",
    )
    delivery.save()
    return delivery


def test_the_page_is_accessible_and_sends_again(browser, live_server, failed_delivery):
    problems = []
    for width in WIDTHS:
        context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
        context.set_default_timeout(10_000)
        page = context.new_page()
        sign_in(page, live_server, "manager_sz", PASSWORD)
        page.wait_for_url(f"{live_server.url}/")
        page.goto(f"{live_server.url}/webhooks/")
        violations = axe_violations(page)
        if violations:
            problems.append(f"{width}px: axe\n{describe(violations)}")
        page.screenshot(path=str(SCREENSHOTS / f"webhooks-{width}.png"), full_page=True)
        overflow = page_overflow(page)
        if overflow > 0:
            problems.append(f"{width}px: the page scrolls sideways by {overflow}px")
        if width == WIDTHS[-1]:
            page.click(f'[data-resend="{failed_delivery.pk}"]')
            page.wait_for_url(f"{live_server.url}/webhooks/")
            assert page.locator('[data-status="pending"]').count() == 1
        context.close()
    assert not problems, "\n".join(problems)
    assert WebhookDelivery.objects.filter(status="pending").count() == 1
