"""Importing the authority's exported case list: a job from the staff page, idempotent by the case
number (a re-import updates the deadline and never duplicates), bad rows reported by number."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from complaints.models import Complaint
from core.models import Job
from tests.factories import PASSWORD, ProjectFactory

pytestmark = pytest.mark.django_db

HEADER = "来源,工单号,受理时间,办理时限,诉求人,联系电话,诉求内容,项目"


def csv_bytes(*rows: str) -> bytes:
    return "\n".join([HEADER, *rows]).encode("utf-8")


@pytest.fixture
def staff_client(client, staff_a):
    client.login(username=staff_a.username, password=PASSWORD)
    return client


def upload(client, content: bytes, capture):
    with capture(execute=True):
        return client.post(reverse("government-import"), {"file": SimpleUploadedFile("12345.csv", content)})


def test_the_import_is_idempotent_by_case_number(
    staff_client, company_a, company_b, django_capture_on_commit_callbacks, eager_celery
):
    ProjectFactory(company=company_a, name="四季花城")
    ProjectFactory(company=company_b, name="金域蓝湾")
    first = csv_bytes(
        "12345,SZ-001,2026-12-01 09:00,2026-12-08 18:00,王芳,13600001111,外墙渗水,四季花城",
        "房管局,FG-9,2026-12-02 09:00,2026-12-09 18:00,,,,四季花城",  # no content
        "12345,SZ-002,2026-12-02 09:00,2026-12-10 18:00,李明,13600002222,电梯故障,金域蓝湾",  # other company
    )
    response = upload(staff_client, first, django_capture_on_commit_callbacks)
    job = Job.objects.get()
    assert response["Location"] == reverse("job-detail", args=[job.pk])
    job.refresh_from_db()
    assert (job.status, job.created_count, job.updated_count, job.error_count) == ("done", 1, 0, 2)
    assert [error["row"] for error in job.errors] == [3, 4]
    complaint = Complaint.objects.get()
    assert (complaint.channel, complaint.external_source, complaint.tier) == (
        "government",
        "12345",
        "important",
    )

    again = csv_bytes("12345,SZ-001,2026-12-01 09:00,2026-12-12 18:00,王芳,13600001111,外墙渗水,四季花城")
    upload(staff_client, again, django_capture_on_commit_callbacks)
    second = Job.objects.latest("id")
    assert (second.status, second.created_count, second.updated_count) == ("done", 0, 1)
    complaint.refresh_from_db()
    assert Complaint.objects.count() == 1
    assert complaint.external_deadline.isoformat().startswith("2026-12-12T10:00")  # 18:00 in Shanghai


def test_a_list_without_the_required_columns_fails_the_job(
    staff_client, django_capture_on_commit_callbacks, eager_celery
):
    upload(staff_client, "工单号,项目\nSZ-1,四季花城".encode(), django_capture_on_commit_callbacks)
    job = Job.objects.get()
    assert job.status == "failed" and "来源" in job.failure
