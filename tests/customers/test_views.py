import pytest
from django.urls import reverse
from django.utils import translation

from customers.models import AccessLog, Communication, Customer
from customers.templatetags.customers import access_detail
from tests.factories import PASSWORD, CustomerFactory, PurchaseFactory


@pytest.fixture
def staff_client(client, staff_a):
    client.login(username=staff_a.username, password=PASSWORD)
    return client


def test_list_finds_by_phone_tail_and_masks(staff_client, customer_a, customer_b, company_a):
    CustomerFactory(name="陈静", phone="13700009999", company=company_a)
    page = staff_client.get(reverse("customer-list"), {"q": "5678"}).content.decode()
    assert "张伟" in page
    assert "138****5678" in page
    assert "13812345678" not in page
    assert "陈静" not in page
    assert "李娜" not in staff_client.get(reverse("customer-list")).content.decode()


def test_list_refuses_too_short_phone_fragments(staff_client, customer_a):
    page = staff_client.get(reverse("customer-list"), {"q": "56"}).content.decode()
    assert "至少输入手机号码的后 4 位" in page


def test_list_pages_without_counting(staff_client, company_a, django_assert_max_num_queries):
    for _ in range(55):
        CustomerFactory(company=company_a)
    first = staff_client.get(reverse("customer-list"))
    assert first.context["next_after"] is not None
    second = staff_client.get(reverse("customer-list"), {"after": first.context["next_after"]})
    assert len(first.context["customers"]) == 50
    assert len(second.context["customers"]) == 5
    with django_assert_max_num_queries(9):  # incl. one insert auditing the listed files
        staff_client.get(reverse("customer-list"))


def test_360_page_is_masked_audited_and_unmasks_on_request(
    staff_client, customer_a, company_a, unit_a, staff_a
):
    PurchaseFactory(customer=customer_a, unit=unit_a)
    Communication.objects.create(
        customer=customer_a,
        company=company_a,
        channel="phone",
        content="交付满意度回访",
        staff=staff_a,
        occurred_at="2026-01-05T10:00:00+08:00",
    )
    page = staff_client.get(reverse("customer-detail", args=[customer_a.pk])).content.decode()
    assert "138****5678" in page and "13812345678" not in page
    assert "交付满意度回访" in page
    assert "四季花城" in page
    unmasked = staff_client.post(
        reverse("customer-detail", args=[customer_a.pk]), {"action": "unmask"}, REMOTE_ADDR="10.9.8.7"
    ).content.decode()
    assert "13812345678" in unmasked and "11010519491231002X" in unmasked
    assert list(AccessLog.objects.order_by("id").values_list("action", "full_data", "ip_address")) == [
        ("view", False, "127.0.0.1"),
        ("unmask", True, "10.9.8.7"),
    ]


def test_roles_without_the_permission_cannot_unmask(client, customer_a, auditor):
    client.login(username=auditor.username, password=PASSWORD)
    page = client.get(reverse("customer-detail", args=[customer_a.pk])).content.decode()
    assert 'id="unmask"' not in page
    assert (
        client.post(reverse("customer-detail", args=[customer_a.pk]), {"action": "unmask"}).status_code == 403
    )
    assert not AccessLog.objects.filter(full_data=True).exists()


def test_360_outside_scope_is_404(staff_client, customer_b):
    assert staff_client.get(reverse("customer-detail", args=[customer_b.pk])).status_code == 404


def test_create_form_validates_in_chinese_and_writes_nothing(staff_client):
    response = staff_client.post(
        reverse("customer-create"),
        {
            "name": "王芳",
            "phone": "123",
            "gender": "female",
            "source": "sales",
            "children_count": 0,
            "birth_date": "2999-01-01",
        },
    )
    page = response.content.decode()
    assert "请输入中国大陆手机号码" in page
    assert "出生日期在未来" in page
    assert not Customer.objects.exists()


def test_create_then_edit(staff_client):
    response = staff_client.post(
        reverse("customer-create"),
        {
            "name": "王芳",
            "phone": "136 0000 1111",
            "gender": "female",
            "source": "sales",
            "children_count": 1,
        },
    )
    customer = Customer.objects.get()
    assert response["Location"] == reverse("customer-detail", args=[customer.pk])
    assert customer.segment == "family_children"
    edit = staff_client.post(
        reverse("customer-edit", args=[customer.pk]),
        {
            "name": "王芳",
            "phone": "13600001111",
            "gender": "female",
            "children_count": 1,
            "occupation": "护士",
            "version": customer.version,
        },
    )
    assert edit.status_code == 302
    customer.refresh_from_db()
    assert customer.occupation == "护士"


def test_edit_with_a_stale_version_is_refused(staff_client, customer_a):
    data = {
        "name": "张伟",
        "phone": "13812345678",
        "gender": "male",
        "children_count": 0,
        "version": customer_a.version,
    }
    assert staff_client.post(reverse("customer-edit", args=[customer_a.pk]), data).status_code == 302
    page = staff_client.post(reverse("customer-edit", args=[customer_a.pk]), {**data, "occupation": "x"})
    assert "其他人修改了该客户" in page.content.decode()


def test_existing_phone_on_create_points_to_the_file(staff_client, customer_a):
    page = staff_client.post(
        reverse("customer-create"),
        {"name": "张伟", "phone": "13812345678", "gender": "male", "source": "sales", "children_count": 0},
    ).content.decode()
    assert str(customer_a.pk) in page
    assert Customer.objects.count() == 1


def test_communication_from_the_360_page(staff_client, customer_a):
    staff_client.post(
        reverse("communication-add", args=[customer_a.pk]), {"channel": "visit", "content": "上门拜访"}
    )
    assert Communication.objects.get().content == "上门拜访"


def test_manager_merges_duplicates(client, manager_a, customer_a, company_a):
    duplicate = CustomerFactory(name="张伟", phone="13800000001", company=company_a)
    client.login(username=manager_a.username, password=PASSWORD)
    preview = client.get(reverse("customer-merge"), {"keep": customer_a.pk, "duplicate": duplicate.pk})
    assert preview.context["pair"] == (customer_a, duplicate)
    response = client.post(reverse("customer-merge"), {"keep": customer_a.pk, "duplicate": duplicate.pk})
    assert response.status_code == 302
    assert list(Customer.objects.values_list("pk", flat=True)) == [customer_a.pk]


def test_merge_outside_scope_is_refused(client, manager_a, customer_a, customer_b):
    client.login(username=manager_a.username, password=PASSWORD)
    client.post(reverse("customer-merge"), {"keep": customer_a.pk, "duplicate": customer_b.pk})
    assert Customer.objects.count() == 2


def test_segment_shares_per_project(staff_client, customer_a, unit_a, company_a):
    other = CustomerFactory(company=company_a, segment="affluent")
    customer_a.segment = "family_children"
    customer_a.save()
    PurchaseFactory(customer=customer_a, unit=unit_a)
    PurchaseFactory(customer=other, unit=unit_a)
    response = staff_client.get(reverse("customer-segments"))
    row = response.context["rows"][0]
    assert (row.total, row.share("family_children"), row.share("affluent")) == (2, 50.0, 50.0)


def test_auditor_browses_and_filters_the_access_log(client, auditor, customer_a, staff_a):
    AccessLog.objects.create(user=staff_a, customer=customer_a, action="view")
    AccessLog.objects.create(user=staff_a, customer=customer_a, action="unmask", full_data=True)
    client.login(username=auditor.username, password=PASSWORD)
    response = client.get(reverse("access-log"), {"action": "unmask", "user": "staff_a"})
    assert [entry.action for entry in response.context["entries"]] == ["unmask"]


def test_staff_cannot_read_the_access_log(staff_client):
    assert staff_client.get(reverse("access-log")).status_code == 403


def test_the_admin_change_form_masks_personal_data_and_is_audited(client, company_a, group_user):
    group_user.is_staff = True
    group_user.save()
    customer = CustomerFactory(phone="13912345678", id_number="11010519491231002X", company=company_a)
    client.login(username=group_user.username, password=PASSWORD)
    page = client.get(f"/admin/customers/customer/{customer.pk}/change/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "13912345678" not in body and "139****5678" in body
    assert "11010519491231002X" not in body
    log = AccessLog.objects.get(customer=customer)
    assert (log.user, log.action, log.full_data) == (group_user, "view", False)


@pytest.mark.parametrize("page", ["create", "edit"])
def test_an_id_number_another_file_of_the_company_has_is_a_form_error(staff_client, company_a, page):
    CustomerFactory(company=company_a, phone="13800000001", id_number="11010519491231002X")
    other = CustomerFactory(company=company_a, phone="13800000002")
    body = {
        "name": "王芳",
        "phone": "13800000003" if page == "create" else other.phone,
        "gender": "female",
        "source": "sales",
        "children_count": 0,
        "id_number": "11010519491231002X",
        "version": other.version,
    }
    url = reverse("customer-create") if page == "create" else reverse("customer-edit", args=[other.pk])
    response = staff_client.post(url, body)
    assert response.status_code == 200
    assert "贵公司的另一位客户已登记此身份证号码" in response.content.decode()
    assert Customer.objects.filter(id_number="11010519491231002X").count() == 1
    assert not Customer.objects.filter(phone="13800000003").exists()


def test_the_access_log_names_a_reveal_on_a_complaint_in_words():
    with translation.override("zh-hans"):
        assert access_detail("complaint TS202612-000042") == "投诉页查看投诉人号码 TS202612-000042"
