"""Customers in the global search (customers/search.py): the customer list's rule for digits, phones
masked, every file shown written to the access log as a list read, and only the company's files."""

import pytest
from django.urls import reverse

from customers.models import AccessLog
from customers.search import _query
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def customer_group(client, user, query, **headers):
    client.force_login(user)
    data = client.get(reverse("search"), {"q": query, "format": "json"}, **headers).json()
    found = [group for group in data["groups"] if group["key"] == "customers"]
    return found[0] if found else None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("张伟", "张伟"),
        ("5678", "5678"),
        ("138 1234 5678", "13812345678"),
        ("TS202612-000123", None),
        ("3栋1502", None),
        ("张伟5678", None),
    ],
)
def test_what_the_customer_search_takes(text, expected):
    assert _query(text) == expected


def test_name_prefix_and_phone_tail_masked_and_audited(client, staff_a, customer_a, customer_b):
    by_name = customer_group(client, staff_a, "张")  # too short: nothing asked
    assert by_name is None
    by_name = customer_group(client, staff_a, "张伟", REMOTE_ADDR="10.1.2.3")
    assert [row["label"] for row in by_name["rows"]] == ["张伟"]
    row = by_name["rows"][0]
    assert row["url"] == reverse("customer-detail", args=[customer_a.pk])
    assert row["detail"].startswith("138****5678") and "13812345678" not in row["detail"]
    entry = AccessLog.objects.get()
    assert (entry.user, entry.customer, entry.action, entry.full_data, entry.detail, entry.ip_address) == (
        staff_a,
        customer_a,
        "list",
        False,
        "search",
        "10.1.2.3",
    )
    by_tail = customer_group(client, staff_a, "5678")
    assert [row["label"] for row in by_tail["rows"]] == ["张伟"]
    assert AccessLog.objects.count() == 2


def test_frontline_may_give_the_whole_number_the_auditor_only_the_last_four(
    client, staff_a, auditor, customer_a
):
    whole = customer_group(client, staff_a, "13812345678")
    assert [row["label"] for row in whole["rows"]] == ["张伟"]
    assert "138****5678" in whole["rows"][0]["detail"]

    refused = customer_group(client, auditor, "13812345678", HTTP_ACCEPT_LANGUAGE="en")
    assert refused["rows"] == [] and refused["note"] == "Search by the last 4 digits of the phone."
    assert not AccessLog.objects.filter(user=auditor).exists()

    seen = customer_group(client, auditor, "5678")
    assert [row["label"] for row in seen["rows"]] == ["张伟"]
    assert "138****5678" in seen["rows"][0]["detail"] and "13812345678" not in str(seen)
    assert (
        AccessLog.objects.filter(user=auditor, action="list", full_data=False, detail="search").count() == 1
    )

    too_few = customer_group(client, staff_a, "567", HTTP_ACCEPT_LANGUAGE="en")
    assert too_few["note"] == "Enter at least the last 4 digits of the phone."


def test_the_page_masks_too(client, auditor, customer_a):
    client.force_login(auditor)
    page = client.get(reverse("search"), {"q": "张伟"}).content.decode()
    assert "138****5678" in page and "13812345678" not in page


def test_only_the_company_files(client, staff_a, staff_b, group_user, customer_a, customer_b, company_b):
    CustomerFactory(company=company_b, name="张伟", phone="13812345678")  # the same person in Beijing
    assert [row["url"] for row in customer_group(client, staff_a, "张伟")["rows"]] == [
        reverse("customer-detail", args=[customer_a.pk])
    ]
    assert customer_group(client, staff_a, "李娜") is None
    assert [row["label"] for row in customer_group(client, staff_b, "李娜")["rows"]] == ["李娜"]
    assert len(customer_group(client, group_user, "张伟")["rows"]) == 2
    assert not AccessLog.objects.filter(user=staff_a, customer=customer_b).exists()


def test_more_than_eight_links_to_the_customer_list(client, staff_a, company_a):
    for index in range(9):
        CustomerFactory(company=company_a, name=f"王{index}", phone=f"1390000{index:04d}")
    group = customer_group(client, staff_a, "王")
    assert group is None  # one character
    CustomerFactory(company=company_a, name="王芳")
    group = customer_group(client, staff_a, "王芳")
    assert group["more_url"] == ""
    for index in range(9):
        CustomerFactory(company=company_a, name=f"王芳{index}")
    group = customer_group(client, staff_a, "王芳")
    assert len(group["rows"]) == 8
    assert group["more_url"] == f"{reverse('customer-list')}?q=%E7%8E%8B%E8%8A%B3"
    assert AccessLog.objects.filter(user=staff_a).count() == 1 + 8  # what was shown, not the ninth


def test_the_access_log_says_the_read_came_from_the_search(client, staff_a, auditor, customer_a):
    customer_group(client, staff_a, "张伟")
    client.force_login(auditor)
    page = client.get(reverse("access-log"), {"action": "list"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<td>Search</td>" in page
