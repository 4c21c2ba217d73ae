"""Canned replies (短语): kept per company by its managers (the group centre for any company), used by
everyone who handles complaints; a reply outside the caller's companies is not found."""

import pytest
from django.urls import reverse

from complaints import services
from complaints.models import CannedReply
from core.exceptions import DomainError
from organization import roles

pytestmark = pytest.mark.django_db


def reply_of(company, title="上门安排", body="已安排维修师傅上门检查。", *, by, active=True) -> CannedReply:
    return CannedReply.objects.create(company=company, title=title, body=body, active=active, created_by=by)


# --- Services -----------------------------------------------------------------------------------------


def test_a_manager_creates_for_their_own_company_only(manager_a, company_a, company_b):
    reply = services.canned_reply_create(company=None, title=" 上门安排 ", body=" 已安排。 ", by=manager_a)
    assert (reply.company, reply.title, reply.body, reply.active, reply.created_by) == (
        company_a,
        "上门安排",
        "已安排。",
        True,
        manager_a,
    )
    with pytest.raises(DomainError) as refused:
        services.canned_reply_create(company=company_b, title="x", body="y", by=manager_a)
    assert refused.value.code == "own_company_only"


def test_the_group_centre_names_the_company(group_user, company_b):
    with pytest.raises(DomainError) as refused:
        services.canned_reply_create(company=None, title="x", body="y", by=group_user)
    assert refused.value.code == "company_required"
    reply = services.canned_reply_create(company=company_b, title="x", body="y", by=group_user)
    assert reply.company == company_b


@pytest.mark.parametrize(
    ("title", "body", "code"),
    [
        ("", "正文", "title_required"),
        ("   ", "正文", "title_required"),
        ("标题", " ", "body_required"),
        ("标" * 61, "正文", "too_long"),
    ],
)
def test_a_reply_needs_a_title_and_a_text(manager_a, title, body, code):
    with pytest.raises(DomainError) as refused:
        services.canned_reply_create(company=None, title=title, body=body, by=manager_a)
    assert refused.value.code == code
    assert not CannedReply.objects.exists()


def test_titles_are_unique_per_company(manager_a, company_a, company_b, staff_b):
    first = reply_of(company_a, "上门安排", by=manager_a)
    reply_of(company_b, "上门安排", by=staff_b)  # another company may use the same title
    with pytest.raises(DomainError) as refused:
        services.canned_reply_create(company=None, title="上门安排", body="y", by=manager_a)
    assert refused.value.code == "duplicate_title"
    other = reply_of(company_a, "结案回复", by=manager_a)
    with pytest.raises(DomainError) as refused:
        services.canned_reply_update(reply=other, title="上门安排", body="y", by=manager_a)
    assert refused.value.code == "duplicate_title"
    services.canned_reply_update(reply=first, title="上门安排", body="新的说法", by=manager_a)
    first.refresh_from_db()
    assert first.body == "新的说法"


def test_frontline_staff_may_not_change_replies(staff_a, manager_a, company_a):
    reply = reply_of(company_a, by=manager_a)
    for attempt in (
        lambda: services.canned_reply_create(company=None, title="x", body="y", by=staff_a),
        lambda: services.canned_reply_update(reply=reply, title="x", body="y", by=staff_a),
        lambda: services.canned_reply_set_active(reply=reply, active=False, by=staff_a),
    ):
        with pytest.raises(DomainError) as refused:
            attempt()
        assert refused.value.code == "not_allowed"


def test_only_managers_and_the_group_centre_hold_the_permission():
    holders = [
        role for role, codes in roles.ROLE_PERMISSIONS.items() if "complaints.manage_cannedreply" in codes
    ]
    assert holders == [roles.COMPANY_MANAGER, roles.GROUP_CENTRE]


# --- The management pages ----------------------------------------------------------------------------


def test_a_manager_lists_adds_edits_and_deactivates_their_companys_replies(client, manager_a, company_a):
    client.force_login(manager_a)
    response = client.post(
        reverse("canned-reply-new"), {"title": "上门安排", "body": "已安排维修师傅上门检查。"}
    )
    assert response["Location"] == reverse("canned-replies")
    reply = CannedReply.objects.get()
    assert (reply.company, reply.created_by) == (company_a, manager_a)

    listed = client.get(reverse("canned-replies")).content.decode()
    assert f'data-reply="{reply.pk}" data-active="1"' in listed and "已安排维修师傅上门检查。" in listed

    edit_url = reverse("canned-reply-edit", args=[reply.pk])
    assert "已安排维修师傅上门检查。" in client.get(edit_url).content.decode()
    client.post(edit_url, {"title": "上门安排", "body": "师傅将于周六上午上门。"})
    reply.refresh_from_db()
    assert reply.body == "师傅将于周六上午上门。"

    client.post(reverse("canned-reply-active", args=[reply.pk]), {"active": "0"})
    reply.refresh_from_db()
    assert reply.active is False
    assert (
        f'data-reply="{reply.pk}" data-active="0"' in client.get(reverse("canned-replies")).content.decode()
    )
    client.post(reverse("canned-reply-active", args=[reply.pk]), {"active": "1"})
    reply.refresh_from_db()
    assert reply.active is True


def test_form_errors_are_translated_and_keep_what_was_typed(client, manager_a, company_a):
    reply_of(company_a, "上门安排", by=manager_a)
    client.force_login(manager_a)
    response = client.post(
        reverse("canned-reply-new"), {"title": "上门安排", "body": "另一种说法"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "already has a canned reply with this title" in html and "另一种说法" in html
    assert CannedReply.objects.count() == 1
    assert client.post(reverse("canned-reply-new"), {"title": "", "body": ""}).status_code == 400


def test_replies_are_scoped_to_the_company(client, manager_a, company_a, company_b, staff_b):
    own = reply_of(company_a, "深圳的短语", by=manager_a)
    theirs = reply_of(company_b, "北京的短语", by=staff_b)
    client.force_login(manager_a)
    listed = client.get(reverse("canned-replies")).content.decode()
    assert "深圳的短语" in listed and "北京的短语" not in listed
    assert client.get(reverse("canned-reply-edit", args=[theirs.pk])).status_code == 404
    assert (
        client.post(reverse("canned-reply-edit", args=[theirs.pk]), {"title": "x", "body": "y"}).status_code
        == 404
    )
    assert client.post(reverse("canned-reply-active", args=[theirs.pk]), {"active": "0"}).status_code == 404
    theirs.refresh_from_db()
    assert (theirs.title, theirs.active) == ("北京的短语", True)
    # A company manager writes for their own company; there is no company field to choose another.
    client.post(reverse("canned-reply-new"), {"title": "新短语", "body": "正文", "company": company_b.pk})
    assert CannedReply.objects.get(title="新短语").company == company_a
    assert own.company == company_a


def test_the_group_centre_manages_every_company(client, group_user, company_a, company_b, manager_a, staff_b):
    reply_of(company_a, "深圳的短语", by=manager_a)
    reply_of(company_b, "北京的短语", by=staff_b)
    client.force_login(group_user)
    listed = client.get(reverse("canned-replies")).content.decode()
    assert "深圳的短语" in listed and "北京的短语" in listed and company_b.name in listed
    assert client.post(reverse("canned-reply-new"), {"title": "集团短语", "body": "正文"}).status_code == 400
    response = client.post(
        reverse("canned-reply-new"), {"title": "集团短语", "body": "正文", "company": company_b.pk}
    )
    assert response.status_code == 302
    assert CannedReply.objects.get(title="集团短语").company == company_b


@pytest.mark.parametrize("who", ["staff_a", "auditor", "integrator_a"])
def test_others_may_not_manage_replies(client, who, staff_a, auditor, integrator_a, manager_a, company_a):
    reply = reply_of(company_a, by=manager_a)
    client.force_login({"staff_a": staff_a, "auditor": auditor, "integrator_a": integrator_a}[who])
    assert client.get(reverse("canned-replies")).status_code == 403
    assert client.get(reverse("canned-reply-new")).status_code == 403
    assert client.post(reverse("canned-reply-new"), {"title": "x", "body": "y"}).status_code == 403
    assert client.get(reverse("canned-reply-edit", args=[reply.pk])).status_code == 403
    assert client.post(reverse("canned-reply-active", args=[reply.pk]), {"active": "0"}).status_code == 403
    reply.refresh_from_db()
    assert reply.active is True and CannedReply.objects.count() == 1


def test_a_deactivated_reply_leaves_the_picker(client, manager_a, staff_a, company_a):
    from tests.factories import ComplaintFactory

    complaint = ComplaintFactory(project__company=company_a, status="in_progress")
    reply = reply_of(company_a, body="已安排维修师傅上门检查。", by=manager_a)
    client.force_login(staff_a)
    url = reverse("complaint-detail", args=[complaint.pk])
    assert "已安排维修师傅上门检查。" in client.get(url).content.decode()
    services.canned_reply_set_active(reply=reply, active=False, by=manager_a)
    assert "已安排维修师傅上门检查。" not in client.get(url).content.decode()
