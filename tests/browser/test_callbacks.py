"""A resolved complaint in a real browser: staff cannot close it before the call-back, record one
that does not reach the owner, and the owner closes it from the tracking page."""

import pytest

from complaints import services
from complaints.models import Complaint
from organization import roles
from tests.factories import PASSWORD, CompanyFactory, ProjectFactory, UserFactory

from .conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def resolved():
    company = CompanyFactory(name="深圳万科", city="深圳")
    project = ProjectFactory(company=company, name="四季花城")
    staff = UserFactory(username="staff_sz", name="陈晓丽", company=company, role=roles.FRONTLINE_STAFF)
    complaint = services.complaint_create(
        intake=services.Intake(
            project=project,
            channel="hotline",
            category="construction",
            title="卫生间天花板漏水",
            description="楼上卫生间漏水，天花板已经发霉。",
        ),
        received_by=staff,
    )
    services.complaint_assign(
        complaint=complaint, handler=staff, department="engineering", deadline=None, by=staff
    )
    for status in ("in_progress", "resolved"):
        complaint = services.complaint_transition(
            complaint=complaint, status=status, note="已修复" if status == "resolved" else "", by=staff
        )
    return complaint


def test_call_back_then_the_owner_confirms_and_it_closes(page, phone_page, live_server, resolved):
    sign_in(page, live_server, "staff_sz", PASSWORD)
    page.goto(f"{live_server.url}/complaints/{resolved.pk}/")
    page.locator("#closing-state").wait_for()
    page.click("button[data-status=closed]")
    assert page.inner_text("#complaint-status") == "已解决"  # refused: no call-back yet
    page.check("input[name=outcome][value=unreachable]")
    page.click("form[action$='/callback/'] button[type=submit]")
    assert "callback" in page.get_attribute("#complaint-events li:last-child", "class")

    owner = phone_page
    owner.goto(f"{live_server.url}/complain/track/{resolved.tracking_token}/")
    owner.click("#confirm-form button[type=submit]")
    assert owner.inner_text("#track-status") == "已结案"
    assert owner.locator("#confirm-form").count() == 0

    page.reload()
    assert page.inner_text("#complaint-status") == "已结案"
    resolved.refresh_from_db()
    assert Complaint.objects.get(pk=resolved.pk).status == "closed"
    close = resolved.events.get(kind="status", to_value="closed")
    assert close.reasons == ["owner_confirmed"]
