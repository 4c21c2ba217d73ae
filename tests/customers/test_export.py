import io

from django.urls import reverse
from openpyxl import load_workbook

from core.models import Job
from customers.models import AccessLog
from tests.factories import PASSWORD, CustomerFactory


def export(client, user, django_capture_on_commit_callbacks, **filters):
    client.login(username=user.username, password=PASSWORD)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("customer-export"), filters)
    job = Job.objects.latest("id")
    assert response["Location"] == reverse("job-detail", args=[job.pk])
    download = client.get(reverse("job-download", args=[job.pk]))
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_export_is_scoped_filtered_and_audited(
    client, manager_a, customer_a, customer_b, company_a, django_capture_on_commit_callbacks, eager_celery
):
    CustomerFactory(name="陈静", phone="13700009999", company=company_a, segment="affluent")
    rows = export(client, manager_a, django_capture_on_commit_callbacks, segment="affluent")
    assert [row[0] for row in rows[1:]] == ["陈静"]
    assert rows[1][1] == "13700009999"  # managers may see personal data; the export is audited
    entry = AccessLog.objects.get(action="export")
    assert entry.full_data is True
    assert "segment=affluent" in entry.detail


def test_export_without_personal_data_permission_is_masked(
    client, group_user, customer_a, django_capture_on_commit_callbacks, eager_celery
):
    group_user.user_permissions.clear()
    from django.contrib.auth.models import Permission

    group_user.groups.first().permissions.remove(Permission.objects.get(codename="view_personal_data"))
    rows = export(client, group_user, django_capture_on_commit_callbacks)
    assert rows[1][1] == "138****5678"
    assert rows[1][6] == "1101**********002X"


def test_staff_without_export_permission_cannot_export(client, staff_a, customer_a):
    client.login(username=staff_a.username, password=PASSWORD)
    assert client.post(reverse("customer-export")).status_code == 403
    assert not Job.objects.exists()
