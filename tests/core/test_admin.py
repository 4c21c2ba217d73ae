"""The admin shows the outbox masked (reveals are audited) and keeps complaint status and tier to the
services, so that every change of either is an event."""

import pytest

from complaints.models import Complaint, ComplaintEvent, Status, Tier
from core.models import OutboundMessage
from customers.models import AccessLog
from tests.factories import PASSWORD, ComplaintFactory, CustomerFactory, UserFactory

PHONE = "13912345678"
TOKEN = "Zq3vX8kP0aLmN4rT7yUw2bCdEfGhIjKlMnOpQrStUvW"


@pytest.fixture
def admin_client(client, db):
    user = UserFactory(username="root", company=None, is_staff=True, is_superuser=True)
    client.login(username=user.username, password=PASSWORD)
    client.user = user
    return client


@pytest.fixture
def message(db):
    return OutboundMessage.objects.create(
        channel="sms",
        recipient=PHONE,
        topic="club_news",
        body=f"您的会员页 https://crm.example.com/m/{TOKEN}/ 请勿转发。如有疑问请致电 {PHONE}。",
        dedupe_key="test:1",
    )


def test_the_outbox_list_and_page_show_the_recipient_and_links_masked(admin_client, message):
    for url in ("/admin/core/outboundmessage/", f"/admin/core/outboundmessage/{message.pk}/change/"):
        page = admin_client.get(url)
        assert page.status_code == 200
        body = page.content.decode()
        assert PHONE not in body, url
        assert TOKEN not in body, url
    body = admin_client.get(f"/admin/core/outboundmessage/{message.pk}/change/").content.decode()
    assert "139****5678" in body
    assert "/m/***/" in body
    assert not AccessLog.objects.exists()  # a masked read of a message names nobody in full


def test_a_reveal_in_the_outbox_shows_the_phone_but_never_the_link_and_is_audited(admin_client, message):
    customer = CustomerFactory(phone=PHONE)
    page = admin_client.get(f"/admin/core/outboundmessage/{message.pk}/change/?unmask=1")
    body = page.content.decode()
    assert PHONE in body
    assert TOKEN not in body  # a private link is a key, not personal data: nobody reads it here
    log = AccessLog.objects.get()
    assert (log.user, log.customer, log.action, log.full_data) == (
        admin_client.user,
        customer,
        "unmask",
        True,
    )
    assert str(message.pk) in log.detail


def test_a_reveal_without_the_personal_data_permission_stays_masked(client, message, company_a):
    from django.contrib.auth.models import Permission

    user = UserFactory(username="ops", company=None, is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_outboundmessage"))
    client.login(username=user.username, password=PASSWORD)
    page = client.get(f"/admin/core/outboundmessage/{message.pk}/change/?unmask=1")
    assert page.status_code == 200
    assert PHONE not in page.content.decode()
    assert not AccessLog.objects.exists()


def test_complaint_status_and_tier_cannot_be_changed_in_the_admin(admin_client):
    complaint = ComplaintFactory(contact_phone=PHONE)
    url = f"/admin/complaints/complaint/{complaint.pk}/change/"
    page = admin_client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert 'name="status"' not in body and 'name="tier"' not in body
    assert PHONE not in body and "139****5678" in body
    events_before = ComplaintEvent.objects.filter(complaint=complaint).count()
    form = {
        "status": Status.CLOSED,
        "tier": Tier.MAJOR,
        "title": complaint.title,
        "description": complaint.description,
    }
    answer = admin_client.post(url, form)
    assert answer.status_code in (302, 403)
    complaint.refresh_from_db()
    assert (complaint.status, complaint.tier) == (Status.RECEIVED, Tier.NORMAL)
    assert ComplaintEvent.objects.filter(complaint=complaint).count() == events_before


def test_complaints_are_neither_added_nor_deleted_nor_bulk_changed_in_the_admin(admin_client):
    complaint = ComplaintFactory()
    assert admin_client.get("/admin/complaints/complaint/add/").status_code == 403
    assert admin_client.get(f"/admin/complaints/complaint/{complaint.pk}/delete/").status_code == 403
    listing = admin_client.get("/admin/complaints/complaint/").content.decode()
    assert 'name="action"' not in listing  # no actions that bypass the services
    assert Complaint.objects.filter(pk=complaint.pk).exists()


# Audit trails and service-owned rows: no add, change or delete in the admin, whoever asks.
READ_ONLY_IN_ADMIN = {
    "complaints.complaint",
    "complaints.complaintcost",
    "complaints.complaintpause",
    "complaints.cannedreply",
    "customers.accesslog",
    "repairs.repairrequest",
}


def test_the_read_only_admins_refuse_add_change_and_delete_to_a_superuser(admin_client, rf):
    from django.contrib import admin

    from core.admin import ReadOnlyAdminMixin

    request = rf.get("/admin/")
    request.user = admin_client.user
    read_only = {
        model._meta.label_lower
        for model, model_admin in admin.site._registry.items()
        if isinstance(model_admin, ReadOnlyAdminMixin)
    }
    assert read_only == READ_ONLY_IN_ADMIN
    for model in admin.site._registry:
        if model._meta.label_lower in READ_ONLY_IN_ADMIN:
            model_admin = admin.site._registry[model]
            assert not model_admin.has_add_permission(request), model
            assert not model_admin.has_change_permission(request, None), model
            assert not model_admin.has_delete_permission(request, None), model


def test_an_access_log_entry_is_only_read_in_the_admin(admin_client):
    entry = AccessLog.objects.create(user=admin_client.user, customer=CustomerFactory(), action="view")
    url = "/admin/customers/accesslog/"
    assert admin_client.get(f"{url}add/").status_code == 403
    assert admin_client.get(f"{url}{entry.pk}/delete/").status_code == 403
    page = admin_client.get(f"{url}{entry.pk}/change/")
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert f'href="{url}add/"' not in admin_client.get(url).content.decode()
    answer = admin_client.post(f"{url}{entry.pk}/change/", {"action": "export", "detail": "edited"})
    assert answer.status_code == 403
    entry.refresh_from_db()
    assert (entry.action, entry.detail) == ("view", "")
