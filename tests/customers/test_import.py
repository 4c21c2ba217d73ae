import csv
import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from core.models import Job
from customers import jobs
from customers.models import Customer, CustomerSource, Purchase, Stage
from tests.factories import PASSWORD

HEADER = [
    "姓名",
    "手机",
    "性别",
    "出生日期",
    "证件号码",
    "邮箱",
    "职业",
    "来源",
    "项目",
    "楼栋",
    "房号",
    "签约日期",
    "成交价",
    "面积",
    "户型",
    "交付日期",
]


def csv_bytes(rows, header=HEADER, encoding="utf-8-sig") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def good_rows():
    delivered = (timezone.localdate() - timedelta(days=30)).isoformat()
    return [
        [
            "张伟",
            "138 1234 5678",
            "男",
            "1985-03-02",
            "",
            "zw@example.com",
            "教师",
            "销售",
            "四季花城",
            "1栋",
            "101",
            "2024-05-01",
            "3,200,000",
            "118.5",
            "三室两厅",
            delivered,
        ],
        ["王芳", "13600001111", "女", "", "", "", "", "看房预约", "", "", "", "", "", "", "", ""],
    ]


def bad_rows():
    return [
        ["", "13600002222", "", "", "", "", "", "", "", "", "", "", "", "", "", ""],  # no name
        ["赵六", "12345", "", "", "", "", "", "", "", "", "", "", "", "", "", ""],  # bad phone
        [
            "钱七",
            "13600003333",
            "",
            "2990-01-01",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
        ],  # future birth
        [
            "孙八",
            "13600004444",
            "",
            "",
            "",
            "",
            "",
            "",
            "四季花城",
            "9栋",
            "909",
            "2024-01-01",
            "1",
            "",
            "",
            "",
        ],
        [
            "周九",
            "13600005555",
            "",
            "",
            "",
            "",
            "",
            "",
            "四季花城",
            "1栋",
            "101",
            "2024-01-01",
            "abc",
            "",
            "",
            "",
        ],
    ]


def run_import(user, company, content: bytes, name="sales.csv", capture=None) -> Job:
    job = jobs.customer_import_start(user=user, company=company, name=name, content=content)
    jobs.customer_import_run(job.pk)
    job.refresh_from_db()
    return job


def test_good_rows_are_imported_and_bad_rows_reported_with_row_numbers(manager_a, company_a, unit_a):
    job = run_import(manager_a, company_a, csv_bytes(good_rows() + bad_rows()))
    assert job.status == Job.Status.DONE
    assert (job.total, job.processed, job.created_count, job.error_count) == (7, 7, 2, 5)
    assert [error["row"] for error in job.errors] == [4, 5, 6, 7, 8]
    reasons = " ".join(" ".join(error["errors"]) for error in job.errors)
    assert "9栋" in reasons
    zhang = Customer.objects.get(phone="13812345678")
    assert (zhang.stage, zhang.occupation, zhang.gender) == (Stage.OWNER, "教师", "male")
    assert Purchase.objects.get().price == 3200000
    assert set(CustomerSource.objects.values_list("channel", flat=True)) == {"sales", "viewing_appointment"}
    assert Customer.objects.count() == 2


def test_reimport_is_idempotent(manager_a, company_a, unit_a):
    content = csv_bytes(good_rows())
    run_import(manager_a, company_a, content)
    snapshot = list(Customer.objects.order_by("pk").values("pk", "name", "phone", "stage", "version"))
    again = run_import(manager_a, company_a, content)
    assert (again.created_count, again.updated_count, again.error_count) == (0, 0, 0)
    assert list(Customer.objects.order_by("pk").values("pk", "name", "phone", "stage", "version")) == snapshot
    assert Purchase.objects.count() == 1


def test_a_changed_row_updates_the_same_customer(manager_a, company_a, unit_a):
    run_import(manager_a, company_a, csv_bytes(good_rows()))
    rows = good_rows()
    rows[1][6] = "护士"
    job = run_import(manager_a, company_a, csv_bytes(rows))
    assert (job.created_count, job.updated_count) == (0, 1)
    assert Customer.objects.get(phone="13600001111").occupation == "护士"


def test_gb18030_csv_from_excel(manager_a, company_a, unit_a):
    job = run_import(manager_a, company_a, csv_bytes(good_rows(), encoding="gb18030"))
    assert job.created_count == 2


def test_xlsx(manager_a, company_a, unit_a):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for row in good_rows():
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    job = run_import(manager_a, company_a, buffer.getvalue(), name="sales.xlsx")
    assert (job.status, job.created_count) == (Job.Status.DONE, 2)


def test_missing_required_columns_fail_the_job_and_write_nothing(manager_a, company_a):
    job = run_import(manager_a, company_a, csv_bytes([["张伟"]], header=["姓名"]))
    assert job.status == Job.Status.FAILED
    assert "手机" in job.failure
    assert not Customer.objects.exists()


def test_an_id_number_of_another_person_is_refused(manager_a, company_a, customer_a):
    rows = [["王芳", "13600001111", "", "", customer_a.id_number, "", "", "", "", "", "", "", "", "", "", ""]]
    job = run_import(manager_a, company_a, csv_bytes(rows))
    assert job.error_count == 1
    assert not Customer.objects.filter(phone="13600001111").exists()


@pytest.fixture
def logged_in_manager(client, manager_a):
    client.login(username=manager_a.username, password=PASSWORD)
    return client


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("customers.txt", b"a,b", "请上传 .csv 或 .xlsx 文件"),
        ("customers.xlsx", b"not a zip", "不是 Excel"),
        ("customers.csv", b"\x00\x01\x02binary", "不是文本"),
        ("customers.csv", b"", "空文件"),
    ],
)
def test_bad_uploads_are_refused_on_the_form(logged_in_manager, name, content, message):
    response = logged_in_manager.post(reverse("customer-import"), {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Job.objects.exists()


def test_oversized_upload_is_refused(logged_in_manager, monkeypatch):
    monkeypatch.setattr("customers.imports.MAX_UPLOAD_BYTES", 10)
    response = logged_in_manager.post(
        reverse("customer-import"), {"file": SimpleUploadedFile("big.csv", b"x" * 11)}
    )
    assert "大于" in response.content.decode()
    assert not Job.objects.exists()


@pytest.mark.parametrize(
    "page, own_text, other_text",
    [
        ("customer-import", "导入客户及购房记录", "工单号"),
        ("government-import", "导入政府转办", "证件号码"),
    ],
)
def test_each_import_page_offers_the_upload_form_with_its_own_texts(
    logged_in_manager, page, own_text, other_text
):
    body = logged_in_manager.get(reverse(page)).content.decode()
    assert own_text in body and other_text not in body
    assert 'enctype="multipart/form-data"' in body and 'name="file"' in body and "开始导入" in body


def test_upload_runs_the_task_after_commit_and_shows_progress(
    logged_in_manager, unit_a, django_capture_on_commit_callbacks, eager_celery
):
    with django_capture_on_commit_callbacks(execute=True):
        response = logged_in_manager.post(
            reverse("customer-import"), {"file": SimpleUploadedFile("sales.csv", csv_bytes(good_rows()))}
        )
    job = Job.objects.get()
    assert response["Location"] == reverse("job-detail", args=[job.pk])
    status = logged_in_manager.get(reverse("job-status", args=[job.pk])).json()
    assert (status["status"], status["percent"], status["created"]) == ("done", 100, 2)
    page = logged_in_manager.get(reverse("job-detail", args=[job.pk])).content.decode()
    assert 'id="job-progress"' in page


def test_a_job_runs_once_even_if_the_task_is_delivered_twice(manager_a, company_a, unit_a):
    job = run_import(manager_a, company_a, csv_bytes(good_rows()))
    jobs.customer_import_run(job.pk)
    job.refresh_from_db()
    assert job.created_count == 2


def test_someone_elses_job_is_404(client, manager_a, company_a, staff_a):
    job = run_import(manager_a, company_a, csv_bytes(good_rows()[1:]))
    client.login(username=staff_a.username, password=PASSWORD)
    assert client.get(reverse("job-status", args=[job.pk])).status_code == 404
