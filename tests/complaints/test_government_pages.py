"""The government channel on the staff pages: intake with the authority's case, its deadline and
verdict on the complaint page, the verdict form, and closing only after acceptance."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from complaints import services
from complaints.models import Complaint
from tests.complaints.test_views import intake_data, project, staff_client  # noqa: F401 - fixtures
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def site_language():
    yield
    translation.deactivate()


def local(at) -> str:
    return timezone.localtime(at).strftime("%Y-%m-%dT%H:%M")


def test_a_12345_referral_through_the_intake_page(staff_client, project):  # noqa: F811
    deadline = timezone.now() + timedelta(days=3)
    staff_client.post(
        reverse("complaint-create"),
        intake_data(
            project,
            channel="government",
            external_source="12345",
            external_ref="ZZ-0001",
            external_deadline=local(deadline),
        ),
    )
    complaint = Complaint.objects.get()
    assert (complaint.channel, complaint.external_source, complaint.external_ref, complaint.tier) == (
        "government",
        "12345",
        "ZZ-0001",
        "important",
    )
    page = staff_client.get(reverse("complaint-detail", args=[complaint.pk])).content.decode()
    assert 'id="external-deadline"' in page and "ZZ-0001" in page


def test_the_intake_page_refuses_a_referral_without_its_case(staff_client, project):  # noqa: F811
    response = staff_client.post(
        reverse("complaint-create"), intake_data(project, channel="government"), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert "needs the authority, its case number and its deadline" in response.content.decode()
    assert not Complaint.objects.exists()


def resolved_referral(project, staff):  # noqa: F811
    complaint = services.complaint_create(
        intake=services.Intake(
            project=project,
            channel="government",
            category="construction",
            title="外墙渗水",
            description="12345转办：外墙渗水",
            external_source="housing_bureau",
            external_ref="FG-77",
            external_deadline=timezone.now() + timedelta(days=2),
        ),
        received_by=staff,
    )
    services.complaint_assign(complaint=complaint, handler=staff, department="", deadline=None, by=staff)
    services.complaint_transition(complaint=complaint, status="in_progress", by=staff)
    return services.complaint_transition(complaint=complaint, status="resolved", note="已修复", by=staff)


def test_the_verdict_on_the_complaint_page(staff_client, project, staff_a):  # noqa: F811
    complaint = resolved_referral(project, staff_a)
    services.complaint_callback(complaint=complaint, outcome="satisfied", note="满意", by=staff_a)
    url = reverse("complaint-detail", args=[complaint.pk])
    page = staff_client.get(url).content.decode()
    assert 'id="verdict-form"' in page and 'id="needs-verdict"' in page
    refused = staff_client.post(
        reverse("complaint-transition", args=[complaint.pk]),
        {"status": "closed"},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "closes only after the authority accepted" in refused.content.decode()
    staff_client.post(
        reverse("complaint-external-verdict", args=[complaint.pk]), {"verdict": "sent_back", "note": "退回"}
    )
    complaint.refresh_from_db()
    assert (complaint.status, complaint.reopen_count) == ("in_progress", 1)
    services.complaint_transition(complaint=complaint, status="resolved", note="重新修复", by=staff_a)
    staff_client.post(reverse("complaint-external-verdict", args=[complaint.pk]), {"verdict": "accepted"})
    services.complaint_callback(complaint=complaint, outcome="satisfied", note="满意", by=staff_a)
    staff_client.post(reverse("complaint-transition", args=[complaint.pk]), {"status": "closed"})
    complaint.refresh_from_db()
    assert (complaint.status, complaint.external_verdict) == ("closed", "accepted")


def test_another_companys_referral_is_404_on_the_page(client, project, staff_a, staff_b):  # noqa: F811
    complaint = resolved_referral(project, staff_a)
    client.login(username=staff_b.username, password=PASSWORD)
    response = client.post(
        reverse("complaint-external-verdict", args=[complaint.pk]), {"verdict": "accepted"}
    )
    assert response.status_code == 404


def test_the_queue_and_home_show_the_authoritys_deadline_at_risk(staff_client, project, staff_a):  # noqa: F811
    complaint = resolved_referral(project, staff_a)
    services.complaint_transition(complaint=complaint, status="in_progress", note="重新处理", by=staff_a)
    Complaint.objects.filter(pk=complaint.pk).update(external_deadline=timezone.now() + timedelta(hours=5))
    queue = staff_client.get(reverse("complaint-list") + "?urgency=at_risk").content.decode()
    assert complaint.number in queue and 'class="authority-deadline"' in queue
    assert 'data-urgency="at_risk"' in queue
    home = staff_client.get("/").content.decode()
    assert 'class="authority-deadline"' in home
