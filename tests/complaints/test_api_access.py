"""Every API action on one complaint asks organization.access (``access_complaint``) for it: outside
the caller's companies is 404, visible but not the caller's to change is 403 (the answers the API
gave when it fetched the complaint itself)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from complaints import attachments
from complaints.models import Status
from organization import access
from tests.complaints.test_attachments import PNG
from tests.conftest import api_as
from tests.factories import ComplaintFactory

pytestmark = pytest.mark.django_db
OWN, OTHER = "own", "other"


@pytest.fixture
def complaints(company_a, company_b, staff_a):
    found = {}
    for where, company in ((OWN, company_a), (OTHER, company_b)):
        complaint = ComplaintFactory(project__company=company, status=Status.ASSIGNED, handler=staff_a)
        (added,) = attachments.attachment_add(complaint=complaint, files=[SimpleUploadedFile("a.png", PNG)])
        found[where] = (complaint, added)
    return found


def transition(client, complaint, added):
    return client.post(
        f"/api/v1/complaints/{complaint.pk}/transition/", {"status": "in_progress"}, format="json"
    )


def files(client, complaint, added):
    return client.get(f"/api/v1/complaints/{complaint.pk}/attachments/")


def upload(client, complaint, added):
    return client.post(
        f"/api/v1/complaints/{complaint.pk}/attachments/",
        {"file": SimpleUploadedFile("b.png", PNG)},
        format="multipart",
    )


def download(client, complaint, added):
    return client.get(f"/api/v1/complaints/{complaint.pk}/attachments/{added.pk}/")


# endpoint, the action access is asked for, role: (answer for the role's company, for company B)
ANSWERS = {
    (transition, "change"): {
        "staff_a": (200, 404),
        "integrator_a": (200, 404),
        "group_user": (200, 200),
        "auditor": (403, 403),
    },
    (files, "view"): {
        "staff_a": (200, 404),
        "integrator_a": (200, 404),
        "auditor": (200, 200),
    },
    (upload, "change"): {
        "staff_a": (201, 404),
        "integrator_a": (201, 404),
        "group_user": (201, 201),
        "auditor": (403, 403),
    },
    (download, "view"): {
        "staff_a": (200, 404),
        "integrator_a": (200, 404),
        "auditor": (200, 200),
    },
}
ROWS = [
    pytest.param(call, action, role, own, other, id=f"{call.__name__}-{role}")
    for (call, action), answers in ANSWERS.items()
    for role, (own, other) in answers.items()
]


@pytest.mark.parametrize(("call", "action", "role", "own", "other"), ROWS)
def test_each_action_asks_access_and_answers_as_before(
    request, complaints, monkeypatch, call, action, role, own, other
):
    asked = []
    original = access.access_complaint

    def spy(user, complaint_id, action="view"):
        asked.append((user.pk, int(complaint_id), action))
        return original(user, complaint_id, action)

    monkeypatch.setattr(access, "access_complaint", spy)
    user = request.getfixturevalue(role)
    client = api_as(user)
    for where, expected in ((OWN, own), (OTHER, other)):
        complaint, added = complaints[where]
        asked.clear()
        assert call(client, complaint, added).status_code == expected
        assert asked == [(user.pk, complaint.pk, action)]


def test_a_missing_complaint_is_404_for_every_action(complaints, group_user):
    client = api_as(group_user)
    complaint, added = complaints[OWN]
    complaint.pk = 987654321
    for call in (transition, files, upload, download):
        response = call(client, complaint, added)
        assert response.status_code == 404
        assert "Complaint" not in response.json()["detail"]  # the generic answer, no model name


def test_anonymous_callers_are_refused_before_anything_is_looked_up(complaints):
    complaint, added = complaints[OWN]
    for call in (transition, files, upload, download):
        assert call(APIClient(), complaint, added).status_code == 401
