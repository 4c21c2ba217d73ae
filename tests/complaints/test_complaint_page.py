"""The staff complaint page (issue 15 §5): the complainant's phone masked with an audited reveal and
click-to-call, progress updates internal by default, resolving only with a summary (page and API),
picture previews, one merged handling history in words, and the canned-reply pickers."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from complaints import attachments, services
from complaints.models import CannedReply, Complaint, ComplaintEvent, Contractor, Repair, Status
from customers.models import AccessLog
from organization import roles
from tests.conftest import api_as
from tests.factories import ComplaintFactory, CustomerFactory, ProjectFactory, UserFactory

from .test_attachments import HEIC, JPEG, PDF, PNG

pytestmark = pytest.mark.django_db

PHONE = "13812345678"


@pytest.fixture(autouse=True)
def site_language():
    yield
    translation.deactivate()


@pytest.fixture
def complaint(company_a, staff_a) -> Complaint:
    customer = CustomerFactory(company=company_a, phone=PHONE, name="张伟")
    return ComplaintFactory(
        project=ProjectFactory(company=company_a),
        status=Status.IN_PROGRESS,
        handler=staff_a,
        first_responder=staff_a,
        customer=customer,
        contact_name="张伟",
        contact_phone=PHONE,
    )


def page_of(client, user, complaint, **extra):
    client.force_login(user)
    return client.get(reverse("complaint-detail", args=[complaint.pk]), **extra)


def history_kinds(html: str) -> list[str]:
    section = html[html.index('id="complaint-events"') :]
    return re.findall(r'<li class="entry[^"]*" data-kind="([a-z_]+)"', section)


def history_text(html: str) -> str:
    """The history's visible text: tags and their attributes removed."""
    section = html[html.index('id="complaint-events"') :]
    section = section[: section.index("</ol>")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", section))


# --- The phone: masked, an audited reveal, click-to-call ------------------------------------------


def test_the_phone_is_masked_until_revealed_and_the_reveal_is_audited_once(client, complaint, staff_a):
    page = page_of(client, staff_a, complaint).content.decode()
    assert "138****5678" in page and PHONE not in page
    assert 'id="reveal-phone-form"' in page
    assert AccessLog.objects.count() == 0

    revealed = client.post(reverse("complaint-reveal-phone", args=[complaint.pk]), REMOTE_ADDR="10.1.2.3")
    assert revealed.status_code == 200
    html = revealed.content.decode()
    assert f'href="tel:{PHONE}"' in html
    assert 'id="reveal-phone-form"' not in html
    entry = AccessLog.objects.get()
    assert (entry.user, entry.customer, entry.action, entry.full_data, entry.ip_address) == (
        staff_a,
        complaint.customer,
        "unmask",
        True,
        "10.1.2.3",
    )
    assert complaint.number in entry.detail
    # The next view is masked again and writes nothing.
    again = page_of(client, staff_a, complaint).content.decode()
    assert PHONE not in again and AccessLog.objects.count() == 1


def test_a_complaint_without_a_customer_file_is_audited_too(client, complaint, staff_a):
    Complaint.objects.filter(pk=complaint.pk).update(customer=None)
    client.force_login(staff_a)
    response = client.post(reverse("complaint-reveal-phone", args=[complaint.pk]))
    assert f'href="tel:{PHONE}"' in response.content.decode()
    assert list(AccessLog.objects.values_list("customer", "action", "full_data")) == [(None, "unmask", True)]


def test_a_role_without_personal_data_sees_the_mask_and_gets_no_reveal(client, complaint, auditor):
    page = page_of(client, auditor, complaint).content.decode()
    assert "138****5678" in page and PHONE not in page
    assert 'id="reveal-phone-form"' not in page and "tel:" not in page
    assert client.post(reverse("complaint-reveal-phone", args=[complaint.pk])).status_code == 403
    assert not AccessLog.objects.exists()


def test_another_companys_complaint_is_not_found_for_the_reveal(client, complaint, staff_b):
    client.force_login(staff_b)
    assert client.post(reverse("complaint-reveal-phone", args=[complaint.pk])).status_code == 404
    # A GET (a reload, the language switch) is an ordinary view: the page, masked.
    assert client.get(reverse("complaint-reveal-phone", args=[complaint.pk]))["Location"] == reverse(
        "complaint-detail", args=[complaint.pk]
    )
    assert not AccessLog.objects.exists()


# --- Progress updates are internal unless the complainant is told ---------------------------------


def test_progress_is_internal_by_default_and_told_only_when_ticked(client, complaint, staff_a):
    page = page_of(client, staff_a, complaint).content.decode()
    box = re.search(r'<input[^>]*id="id_progress_visible_to_complainant"[^>]*>', page).group(0)
    assert "checked" not in box
    url = reverse("complaint-progress", args=[complaint.pk])
    client.post(url, {"note": "内部：责任在总包"})
    client.post(url, {"note": "已安排师傅周六上门", "visible_to_complainant": "on"})
    internal, told = complaint.events.filter(kind="progress").order_by("id")
    assert (internal.visible_to_complainant, told.visible_to_complainant) == (False, True)

    html = page_of(client, staff_a, complaint).content.decode()
    entries = re.findall(r'<li class="entry kind-progress([^"]*)" data-kind="progress"([^>]*)>', html)
    assert [("owner-visible" in classes, "data-owner-visible" in attrs) for classes, attrs in entries] == [
        (False, False),
        (True, True),
    ]


def test_progress_through_the_api_is_internal_unless_asked(complaint, integrator_a):
    client = api_as(integrator_a)
    url = f"/api/v1/complaints/{complaint.pk}/progress/"
    internal = client.post(url, {"note": "内部说明"}, format="json")
    told = client.post(url, {"note": "已上门", "visible_to_complainant": True}, format="json")
    assert (internal.status_code, internal.json()["visible_to_complainant"]) == (201, False)
    assert (told.status_code, told.json()["visible_to_complainant"]) == (201, True)


# --- Resolving needs a summary ----------------------------------------------------------------------


def test_resolving_on_the_page_without_a_summary_is_refused_and_nothing_changes(client, complaint, staff_a):
    client.force_login(staff_a)
    events = complaint.events.count()
    response = client.post(
        reverse("complaint-transition", args=[complaint.pk]),
        {"status": "resolved", "note": "   "},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Write the resolution summary" in html
    assert 'id="resolve-form"' in html and 'id="id_resolve_note_errors"' in html
    complaint.refresh_from_db()
    assert (complaint.status, complaint.resolved_at, complaint.events.count()) == (
        "in_progress",
        None,
        events,
    )


def test_resolving_on_the_page_stores_the_summary_and_shows_it_first(client, complaint, staff_a):
    client.force_login(staff_a)
    response = client.post(
        reverse("complaint-transition", args=[complaint.pk]),
        {"status": "resolved", "note": "已更换卫生间防水层，闭水试验48小时无渗漏。"},
    )
    assert response.status_code == 302
    complaint.refresh_from_db()
    resolve = complaint.events.get(kind="status", to_value="resolved")
    assert (complaint.status, resolve.note, resolve.visible_to_complainant) == (
        "resolved",
        "已更换卫生间防水层，闭水试验48小时无渗漏。",
        True,
    )
    html = page_of(client, staff_a, complaint).content.decode()
    summary = html[html.index('id="resolution"') :]
    assert summary.index("闭水试验48小时无渗漏") < summary.index('id="complaint-events"')
    assert 'class="entry kind-status owner-visible summary"' in html


def test_resolving_through_the_api_needs_the_summary(complaint, integrator_a):
    client = api_as(integrator_a)
    url = f"/api/v1/complaints/{complaint.pk}/transition/"
    for body in ({"status": "resolved"}, {"status": "resolved", "note": "  "}):
        refused = client.post(url, body, format="json", HTTP_ACCEPT_LANGUAGE="en")
        assert (refused.status_code, refused.json()["code"]) == (400, "summary_required")
        assert refused.json()["detail"].startswith("Write the resolution summary")
    complaint.refresh_from_db()
    assert (complaint.status, complaint.events.filter(kind="status").count()) == ("in_progress", 0)
    done = client.post(url, {"status": "resolved", "note": "已修复"}, format="json")
    assert (done.status_code, done.json()["status"]) == (200, "resolved")


def test_other_steps_still_need_no_note(complaint, staff_a):
    services.complaint_transition(complaint=complaint, status="awaiting_customer", by=staff_a)
    complaint.refresh_from_db()
    assert complaint.status == "awaiting_customer"


# --- Files: thumbnails for pictures, chips for documents ---------------------------------------------


def test_pictures_get_thumbnails_and_documents_chips(client, complaint, staff_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    files = [
        SimpleUploadedFile("客厅.jpg", JPEG),
        SimpleUploadedFile("墙角.png", PNG),
        SimpleUploadedFile("检测报告.pdf", PDF),
    ]
    attachments.attachment_add(complaint=complaint, files=files, by=staff_a)
    attachments.attachment_add(complaint=complaint, files=[SimpleUploadedFile("手机.heic", HEIC)], by=staff_a)
    html = page_of(client, staff_a, complaint).content.decode()
    files_html = html[html.index('id="attachments"') : html.index('id="add-files-form"')]
    images = re.findall(r"<img [^>]*>", files_html)
    assert len(images) == 2
    by_name = {a.original_name: a for a in complaint.attachments.all()}
    for name in ("客厅.jpg", "墙角.png"):
        url = reverse("complaint-attachment", args=[complaint.pk, by_name[name].pk])
        (image,) = [tag for tag in images if f'src="{url}?preview=1"' in tag]
        assert 'loading="lazy"' in image and name in image and "alt=" in image
        assert f'href="{url}?preview=1" class="thumb"' in files_html
    chips = re.findall(r'<a href="([^"]+)" class="file-chip"', files_html)
    assert chips == [
        reverse("complaint-attachment", args=[complaint.pk, by_name[name].pk])
        for name in ("检测报告.pdf", "手机.heic")
    ]


# --- One history: events, progress, call-backs and repairs, in order and in words --------------------


def at(minutes: int):
    return timezone.now() - timedelta(hours=2) + timedelta(minutes=minutes)


def test_the_history_merges_events_and_repairs_in_time_order(client, complaint, staff_a):
    contractor = Contractor.objects.create(name="甲防水")
    plan = services.complaint_add_plan(
        complaint=complaint, measures="更换防水层", deadline=timezone.now() + timedelta(days=3), by=staff_a
    )
    progress = services.complaint_add_progress(
        complaint=complaint, note="师傅已上门", visible_to_complainant=False, by=staff_a
    )
    repair = services.repair_record(
        complaint=complaint,
        contractor=contractor,
        work="更换防水层",
        started_on=timezone.localdate(),
        finished_on=None,
        fixed_first_time=None,
        by=staff_a,
    )
    services.complaint_transition(complaint=complaint, status="resolved", note="已修复", by=staff_a)
    callback = services.complaint_callback(complaint=complaint, outcome="satisfied", note="满意", by=staff_a)
    resolve = complaint.events.get(kind="status")
    # Recorded out of order on purpose: the repair was done between the plan and the progress note.
    ComplaintEvent.objects.filter(pk=plan.pk).update(at=at(0))
    Repair.objects.filter(pk=repair.pk).update(recorded_at=at(10))
    ComplaintEvent.objects.filter(pk=progress.pk).update(at=at(20))
    ComplaintEvent.objects.filter(pk=resolve.pk).update(at=at(30))
    ComplaintEvent.objects.filter(pk=callback.pk).update(at=at(40))
    html = page_of(client, staff_a, complaint).content.decode()
    assert history_kinds(html) == ["plan", "repair", "progress", "status", "callback"]
    # Local time (Asia/Shanghai), the author, the labels.
    local = timezone.localtime(at(10)).strftime("%Y-%m-%d %H:%M")
    text = history_text(html)
    assert local in text and str(staff_a) in text and "甲防水" in text


def test_the_history_says_names_and_labels_not_ids_and_codes(client, complaint, staff_a, manager_a):
    services.complaint_handover(complaint=complaint, to_user=manager_a, note="休假交接", by=staff_a)
    services.complaint_transition(complaint=complaint, status="resolved", note="已修复", by=staff_a)
    services.complaint_callback(complaint=complaint, outcome="unreachable", note="", by=staff_a)
    html = page_of(client, staff_a, complaint).content.decode()
    text = history_text(html)
    assert f"{staff_a} → {manager_a}" in text
    assert f"{staff_a.pk} → {manager_a.pk}" not in text
    # zh-hans: the labels from the catalogue, no status or outcome codes.
    assert "处理中 → 已解决" in text and "未联系上" in text and "已移交" in text
    for code in ("in_progress", "resolved", "unreachable", "satisfied", "handover", "callback"):
        assert code not in text
    with translation.override("en"):
        english = history_text(
            page_of(client, staff_a, complaint, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        )
    assert "In progress → Resolved" in english and "Could not be reached" in english
    assert "Handed over" in english and f"{staff_a} → {manager_a}" in english


def test_the_page_reads_the_history_in_a_fixed_number_of_queries(client, complaint, staff_a, manager_a):
    contractor = Contractor.objects.create(name="甲防水")
    client.force_login(staff_a)
    url = reverse("complaint-detail", args=[complaint.pk])

    def one_round(person, other):
        services.complaint_handover(complaint=complaint, to_user=other, note="交接", by=person)
        services.repair_record(
            complaint=complaint,
            contractor=contractor,
            work="维修",
            started_on=timezone.localdate(),
            finished_on=None,
            fixed_first_time=None,
            by=person,
        )
        services.complaint_add_progress(
            complaint=complaint, note="进展", visible_to_complainant=True, by=person
        )

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    one_round(staff_a, manager_a)
    client.get(url)
    before = queries()
    one_round(manager_a, staff_a)
    one_round(staff_a, manager_a)
    # Handover ends and repair recorders are read in one query, however many there are.
    assert queries() == before


# --- Canned replies on the complaint page ------------------------------------------------------------


def canned(company, title, body, *, by, active=True):
    return CannedReply.objects.create(company=company, title=title, body=body, active=active, created_by=by)


def test_the_picker_offers_the_companys_active_replies_beside_each_text_area(
    client, complaint, staff_a, manager_a, company_b, staff_b
):
    canned(complaint.company, "上门安排", "已安排维修师傅上门检查。", by=manager_a)
    canned(complaint.company, "旧说法", "不再使用", by=manager_a, active=False)
    canned(company_b, "北京的短语", "北京万科的说法", by=staff_b)
    html = page_of(client, staff_a, complaint).content.decode()
    pickers = re.findall(r'<details class="canned" data-canned-target="([a-z_]+)">', html)
    assert pickers == ["id_resolve_note", "id_progress_note", "id_plan_measures"]
    assert html.count("已安排维修师傅上门检查。") == 3
    assert "不再使用" not in html and "北京万科的说法" not in html
    # Frontline staff use them; the management link is for managers.
    assert reverse("canned-replies") not in html
    assert reverse("canned-replies") in page_of(client, manager_a, complaint).content.decode()


def test_no_picker_for_those_who_do_not_handle_complaints(client, complaint, auditor, manager_a):
    canned(complaint.company, "上门安排", "已安排维修师傅上门检查。", by=manager_a)
    html = page_of(client, auditor, complaint).content.decode()
    assert 'class="canned"' not in html and "已安排维修师傅上门检查。" not in html


def test_a_group_centre_user_gets_the_complaints_company_replies(client, complaint, group_user, manager_a):
    canned(complaint.company, "上门安排", "已安排维修师傅上门检查。", by=manager_a)
    other = UserFactory(company=None, role=roles.GROUP_CENTRE)
    assert "已安排维修师傅上门检查。" in page_of(client, other, complaint).content.decode()
