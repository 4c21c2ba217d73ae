"""The government import, continued: category and unit read from the file (unknown ones imported
with a warning), chunks that commit with the job's counters so a stopped job resumes where it
stopped, the management command over the same service, and who may import and see which job."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from complaints import government_import
from complaints.models import Complaint
from core import jobs as core_jobs
from core.models import Job
from tests.conftest import api_as
from tests.factories import PASSWORD, BuildingFactory, ProjectFactory, UnitFactory

pytestmark = pytest.mark.django_db

HEADER = "来源,工单号,办理时限,诉求人,联系电话,诉求内容,项目,类别,楼栋,房号"


def csv_bytes(*rows: str) -> bytes:
    return "\n".join([HEADER, *rows]).encode("utf-8")


def row(ref: str, category: str = "", building: str = "", unit: str = "") -> str:
    return f"12345,{ref},2026-12-08 18:00,王芳,13600001111,外墙渗水,四季花城,{category},{building},{unit}"


@pytest.fixture
def project(company_a):
    return ProjectFactory(company=company_a, name="四季花城")


def run_command(*args) -> str:
    out = io.StringIO()
    with translation.override("en"):
        call_command("import_government_cases", *args, stdout=out)
    return out.getvalue()


def write(tmp_path, content: bytes, name="12345.csv") -> str:
    path = tmp_path / name
    path.write_bytes(content)
    return str(path)


# --- Category and unit from the file ------------------------------------------------------------


def test_category_and_unit_are_read_from_the_file_and_unknown_ones_warn(tmp_path, project, staff_a):
    unit = UnitFactory(building=BuildingFactory(project=project, name="3栋"), number="1201")
    other_project_unit = UnitFactory(building=BuildingFactory(name="3栋"), number="1202")
    content = csv_bytes(
        row("SZ-1", "construction", "3栋", "1201"),  # a code, a known unit
        row("SZ-2", "物业管理"),  # the Chinese name, no unit
        row("SZ-3", "房屋质量"),  # one of the authority's words
        row("SZ-4", "Sales management"),  # the English name
        row("SZ-5", "噪音扰民", "3栋", "1202"),  # unknown category; the unit is in another project
        row("SZ-6"),  # no category: other, without a warning
    )
    run_command(write(tmp_path, content), "--user", staff_a.username)
    job = Job.objects.get()
    assert (job.status, job.created_count, job.error_count) == ("done", 6, 0)
    found = {c.external_ref: (c.category, c.unit_id) for c in Complaint.objects.all()}
    assert found == {
        "SZ-1": ("construction", unit.pk),
        "SZ-2": ("property", None),
        "SZ-3": ("construction", None),
        "SZ-4": ("sales", None),
        "SZ-5": ("other", None),
        "SZ-6": ("other", None),
    }
    assert other_project_unit.pk not in {unit_id for _c, unit_id in found.values()}
    assert [warning["row"] for warning in job.params["warnings"]] == [6]
    assert len(job.params["warnings"][0]["errors"]) == 2  # the category and the unit


def test_the_job_page_lists_the_warnings(client, tmp_path, project, staff_a):
    run_command(write(tmp_path, csv_bytes(row("SZ-1", "噪音扰民"))), "--user", staff_a.username)
    client.login(username=staff_a.username, password=PASSWORD)
    page = client.get(reverse("job-detail", args=[Job.objects.get().pk])).content.decode()
    assert 'id="job-warning-rows"' in page and "噪音扰民" in page


# --- Chunks and resuming --------------------------------------------------------------------------


def test_a_stopped_import_resumes_after_its_last_committed_chunk(tmp_path, project, staff_a, monkeypatch):
    monkeypatch.setattr(government_import, "CHUNK_SIZE", 2)
    real = government_import.services.referral_import

    def crash_on_the_fourth(*, company, intake, by):
        if intake.external_ref == "SZ-4":
            raise RuntimeError("the worker died")
        return real(company=company, intake=intake, by=by)

    monkeypatch.setattr(government_import.services, "referral_import", crash_on_the_fourth)
    path = write(tmp_path, csv_bytes(*(row(f"SZ-{n}") for n in range(1, 6))))
    with pytest.raises(CommandError):
        run_command(path, "--user", staff_a.username)
    job = Job.objects.get()
    # The first chunk (rows 1-2) committed with its counters; the second rolled back whole.
    assert (job.status, job.processed, job.created_count) == ("failed", 2, 2)
    assert Complaint.objects.count() == 2

    monkeypatch.setattr(government_import.services, "referral_import", real)
    output = run_command("--resume", str(job.pk))
    job.refresh_from_db()
    assert (job.status, job.processed, job.total, job.created_count, job.updated_count) == (
        "done",
        5,
        5,
        5,
        0,
    )
    assert "created 5" in output
    assert sorted(Complaint.objects.values_list("external_ref", flat=True)) == [
        f"SZ-{n}" for n in range(1, 6)
    ]

    # Running the whole file again only updates: idempotent by the case number.
    run_command(path, "--user", staff_a.username)
    again = Job.objects.latest("id")
    assert (again.created_count, again.updated_count) == (0, 5)
    assert Complaint.objects.count() == 5


def test_a_finished_job_is_not_resumed(tmp_path, project, staff_a):
    run_command(write(tmp_path, csv_bytes(row("SZ-1"))), "--user", staff_a.username)
    with pytest.raises(CommandError, match="finished or still running"):
        run_command("--resume", str(Job.objects.get().pk))


def test_progress_is_written_per_chunk(tmp_path, project, staff_a, monkeypatch):
    monkeypatch.setattr(government_import, "CHUNK_SIZE", 2)
    seen = []
    real = core_jobs.progress

    def watch(job, **fields):
        seen.append(fields.get("processed"))
        return real(job, **fields)

    monkeypatch.setattr(core_jobs, "progress", watch)  # the chunk loop is core.jobs.run_in_chunks
    run_command(
        write(tmp_path, csv_bytes(*(row(f"SZ-{n}") for n in range(1, 6)))), "--user", staff_a.username
    )
    assert [processed for processed in seen if processed is not None] == [2, 4, 5]


# --- The command ----------------------------------------------------------------------------------


def test_the_command_checks_the_user_and_the_company(
    tmp_path, project, staff_a, auditor, company_b, group_user
):
    path = write(tmp_path, csv_bytes(row("SZ-1")))
    with pytest.raises(CommandError, match="No active user"):
        run_command(path, "--user", "nobody")
    with pytest.raises(CommandError, match="may not record complaints"):
        run_command(path, "--user", auditor.username)
    with pytest.raises(CommandError, match="own company"):
        run_command(path, "--user", staff_a.username, "--company", company_b.name)
    with pytest.raises(CommandError, match="must say which company"):
        run_command(path, "--user", group_user.username)
    with pytest.raises(CommandError, match="No file"):
        run_command(str(tmp_path / "missing.csv"), "--user", staff_a.username)
    assert not Job.objects.exists()

    output = run_command(path, "--user", group_user.username, "--company", str(project.company_id))
    job = Job.objects.get()
    assert (job.company_id, job.created_by, job.created_count) == (project.company_id, group_user, 1)
    assert f"Job {job.pk} Done" in output


# --- Roles: the page, the API, the job ----------------------------------------------------------


def page_upload(client, user, capture, **extra):
    client.login(username=user.username, password=PASSWORD)
    data = {"file": SimpleUploadedFile("12345.csv", csv_bytes(row("SZ-1"))), **extra}
    with capture(execute=True):
        return client.post(reverse("government-import"), data)


@pytest.mark.parametrize("who", ["staff_a", "manager_a"])
def test_company_staff_import_on_the_page_into_their_company(
    request, who, client, project, django_capture_on_commit_callbacks, eager_celery
):
    user = request.getfixturevalue(who)
    response = page_upload(client, user, django_capture_on_commit_callbacks)
    job = Job.objects.get()
    assert response.status_code == 302 and (job.company_id, job.status) == (project.company_id, "done")
    assert client.get(reverse("job-status", args=[job.pk])).json()["created"] == 1


def test_the_group_centre_names_the_company_on_the_page(
    client, group_user, project, django_capture_on_commit_callbacks, eager_celery
):
    response = page_upload(client, group_user, django_capture_on_commit_callbacks)
    assert response.status_code == 200 and not Job.objects.exists()  # the company is required
    response = page_upload(client, group_user, django_capture_on_commit_callbacks, company=project.company_id)
    assert response.status_code == 302 and Job.objects.get().company_id == project.company_id


@pytest.mark.parametrize("who", ["auditor", "integrator_a"])
def test_auditors_and_integrators_cannot_use_the_page(request, who, client, project):
    user = request.getfixturevalue(who)
    client.login(username=user.username, password=PASSWORD)
    assert client.get(reverse("government-import")).status_code == 403


def test_a_job_is_seen_only_by_who_started_it(
    client, project, staff_a, staff_b, manager_a, django_capture_on_commit_callbacks, eager_celery
):
    page_upload(client, staff_a, django_capture_on_commit_callbacks)
    job = Job.objects.get()
    for other in (manager_a, staff_b):
        client.login(username=other.username, password=PASSWORD)
        assert client.get(reverse("job-detail", args=[job.pk])).status_code == 404
        assert client.get(reverse("job-status", args=[job.pk])).status_code == 404
        assert api_as(other).get(reverse("government-import-job-api", args=[job.pk])).status_code == 404


def api_upload(user, capture, **extra):
    data = {"file": SimpleUploadedFile("12345.csv", csv_bytes(row("SZ-1"))), **extra}
    with capture(execute=True):
        return api_as(user).post(reverse("government-import-api"), data, format="multipart")


def test_an_integrator_imports_over_the_api_and_follows_its_job(
    integrator_a, project, django_capture_on_commit_callbacks, eager_celery
):
    response = api_upload(integrator_a, django_capture_on_commit_callbacks)
    assert response.status_code == 202, response.content
    job_url = reverse("government-import-job-api", args=[response.json()["id"]])
    body = api_as(integrator_a).get(job_url).json()
    assert (body["status"], body["created_count"], body["company"]) == ("done", 1, project.company_id)
    assert Complaint.objects.get().channel == "government"


def test_the_api_keeps_callers_in_their_company(
    staff_a, company_b, auditor, group_user, project, django_capture_on_commit_callbacks, eager_celery
):
    response = api_upload(staff_a, django_capture_on_commit_callbacks, company=company_b.pk)
    assert response.status_code == 400 and not Job.objects.exists()
    assert api_upload(auditor, django_capture_on_commit_callbacks).status_code == 403
    assert api_upload(group_user, django_capture_on_commit_callbacks).status_code == 400
    response = api_upload(group_user, django_capture_on_commit_callbacks, company=project.company_id)
    assert response.status_code == 202 and Job.objects.get().company_id == project.company_id


def test_the_job_api_shows_only_government_imports(staff_a, project):
    other = Job.objects.create(kind=Job.Kind.CUSTOMER_IMPORT, created_by=staff_a, company=project.company)
    assert api_as(staff_a).get(reverse("government-import-job-api", args=[other.pk])).status_code == 404
