from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from complaints import services
from complaints.models import Attachment, Complaint
from organization.models import Unit
from tests.factories import PASSWORD, BuildingFactory, ProjectFactory, UnitFactory


@pytest.fixture
def project(company_a):
    project = ProjectFactory(company=company_a, name="四季花城")
    UnitFactory(building=BuildingFactory(project=project, name="3栋"), number="1201")
    return project


@pytest.fixture
def staff_client(client, staff_a):
    client.login(username=staff_a.username, password=PASSWORD)
    return client


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


def intake_data(project, **overrides):
    data = {
        "project": project.pk,
        "building": "3栋",
        "unit_number": "1201",
        "channel": "walk_in",
        "category": "construction",
        "title": "客厅墙面裂缝",
        "description": "入住半年客厅墙面出现裂缝",
        "complainant_count": 1,
        "litigation": "none",
        "media": "none",
    }
    return {**data, **overrides}


def test_staff_intake_records_the_first_responder(staff_client, project, staff_a):
    response = staff_client.post(reverse("complaint-create"), intake_data(project))
    complaint = Complaint.objects.get()
    assert response["Location"] == reverse("complaint-detail", args=[complaint.pk])
    assert (complaint.first_responder, complaint.unit.number, complaint.channel) == (
        staff_a,
        "1201",
        "walk_in",
    )


def test_staff_intake_reads_the_home_as_people_say_it(staff_client, project):
    """Typed without the lists, 「3号楼 1201室」 is the unit 3栋 1201, as on the owner and repair forms."""
    staff_client.post(
        reverse("complaint-create"), intake_data(project, building="3号楼", unit_number="1201室")
    )
    assert Complaint.objects.get().unit.number == "1201"
    page = staff_client.post(
        reverse("complaint-create"), intake_data(project, building="8栋")
    ).content.decode()
    assert "没有“8栋”这栋楼" in page and Complaint.objects.count() == 1


def test_staff_intake_offers_the_building_and_unit_pickers(staff_client):
    """The same lists as the repair form (static/js/pickers.js, fed by the staff /projects/homes/)."""
    page = staff_client.get(reverse("complaint-create")).content.decode()
    assert 'data-homes-url="/projects/homes/"' in page and "data-choose-unit=" in page
    assert page.index("js/pickers.js") < page.index("js/intake.js") and "<script>" not in page


def test_staff_intake_errors_are_translated_and_nothing_is_saved(staff_client, project):
    future = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    page = staff_client.post(
        reverse("complaint-create"),
        intake_data(
            project, unit_number="9999", received_at=future, complainant_count=0, contact_phone="123"
        ),
    ).content.decode()
    assert "3栋 没有“9999”这个房号" in page
    assert "受理时间在未来" in page
    assert "请输入中国大陆手机号码" in page
    assert not Complaint.objects.exists()


def test_staff_intake_refuses_a_received_time_before_2000(staff_client, project):
    page = staff_client.post(
        reverse("complaint-create"), intake_data(project, received_at="1999-12-31T08:00")
    ).content.decode()
    assert "受理时间不能早于 2000-01-01" in page
    assert not Complaint.objects.exists()


def test_detail_offers_possible_duplicates_and_links_them(staff_client, project):
    """The same unit and category (issue 19 §4): offered with the three choices until decided."""
    earlier = services.complaint_create(
        intake=services.Intake(
            project=project,
            channel="hotline",
            category="construction",
            title="客厅墙面裂缝严重",
            description="x",
            unit=Unit.objects.get(building__project=project, building__name="3栋", number="1201"),
        )
    )
    staff_client.post(reverse("complaint-create"), intake_data(project, category="construction"))
    complaint = Complaint.objects.exclude(pk=earlier.pk).get()
    page = staff_client.get(reverse("complaint-detail", args=[complaint.pk]))
    assert [found.complaint for found in page.context["duplicates"]] == [earlier]
    assert 'value="follow_up"' in page.content.decode()
    staff_client.post(
        reverse("complaint-duplicate-decision", args=[complaint.pk]),
        {"earlier": earlier.pk, "decision": "same_issue"},
    )
    complaint.refresh_from_db()
    assert complaint.issue_root == earlier
    assert staff_client.get(reverse("complaint-detail", args=[complaint.pk])).context["duplicates"] == []


def test_staff_move_a_complaint_through_the_flow(staff_client, project, staff_a):
    staff_client.post(reverse("complaint-create"), intake_data(project))
    complaint = Complaint.objects.get()
    staff_client.post(
        reverse("complaint-assign", args=[complaint.pk]), {"handler": staff_a.pk, "department": "engineering"}
    )
    staff_client.post(reverse("complaint-transition", args=[complaint.pk]), {"status": "in_progress"})
    deadline = (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    staff_client.post(
        reverse("complaint-plan", args=[complaint.pk]), {"measures": "更换防水层", "deadline": deadline}
    )
    response = staff_client.post(
        reverse("complaint-transition", args=[complaint.pk]), {"status": "closed"}, follow=True
    )
    assert "不能变为" in response.content.decode()
    staff_client.post(
        reverse("complaint-transition", args=[complaint.pk]), {"status": "resolved", "note": "已更换防水层"}
    )
    complaint.refresh_from_db()
    assert complaint.status == "resolved"
    assert list(complaint.events.values_list("kind", flat=True)) == [
        "created",
        "status",
        "status",
        "plan",
        "status",
    ]


def test_complaints_outside_scope_are_404(client, staff_b, project):
    complaint = services.complaint_create(
        intake=services.Intake(
            project=project, channel="hotline", category="construction", title="x", description="x"
        )
    )
    client.login(username=staff_b.username, password=PASSWORD)
    assert client.get(reverse("complaint-detail", args=[complaint.pk])).status_code == 404
    assert (
        client.post(reverse("complaint-transition", args=[complaint.pk]), {"status": "assigned"}).status_code
        == 404
    )


# --- The owners' form ------------------------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def public_data(project, **overrides):
    data = {
        "project": project.pk,
        "building": "3栋",
        "unit_number": "1201",
        "contact_name": "张伟",
        "contact_phone": "138 1234 5678",
        "category": "construction",
        "title": "卫生间漏水",
        "description": "<script>alert(1)</script> 卫生间天花板漏水",
        "website": "",
    }
    return {**data, **overrides}


def test_owner_files_tracks_and_rates(client, project, staff_a):
    response = client.post(
        reverse("public-complaint"),
        {**public_data(project), "files": SimpleUploadedFile("leak.png", PNG)},
        follow=True,
    )
    complaint = Complaint.objects.get()
    page = response.content.decode()
    assert complaint.number in page
    assert f"/complain/track/{complaint.tracking_token}/" in page
    assert complaint.channel == "online_form"
    assert Attachment.objects.get().content_type == "image/png"
    track = client.get(reverse("public-complaint-track", args=[complaint.tracking_token])).content.decode()
    assert "<script>alert(1)</script>" not in track
    assert 'id="rating-form"' not in track
    services.complaint_assign(
        complaint=complaint, handler=staff_a, department="engineering", deadline=None, by=staff_a
    )
    services.complaint_transition(complaint=complaint, status="in_progress", by=staff_a)
    services.complaint_add_progress(
        complaint=complaint, note="已安排维修师傅周六上门", visible_to_complainant=True, by=staff_a
    )
    services.complaint_add_progress(
        complaint=complaint, note="内部：责任在总包", visible_to_complainant=False, by=staff_a
    )
    services.complaint_transition(complaint=complaint, status="resolved", note="已修复", by=staff_a)
    track = client.get(reverse("public-complaint-track", args=[complaint.tracking_token])).content.decode()
    assert "已安排维修师傅周六上门" in track
    assert "内部" not in track
    client.post(
        reverse("public-complaint-track", args=[complaint.tracking_token]), {"rating": 5, "comment": "满意"}
    )
    complaint.refresh_from_db()
    assert complaint.rating == 5


def test_a_guessed_or_expired_token_shows_nothing(client, project):
    assert client.get(reverse("public-complaint-track", args=["guessed-token"])).status_code == 404
    complaint = services.complaint_create(
        intake=services.Intake(
            project=project, channel="online_form", category="construction", title="x", description="x"
        )
    )
    Complaint.objects.filter(pk=complaint.pk).update(
        status="closed", closed_at=timezone.now() - timedelta(days=400)
    )
    assert client.get(reverse("public-complaint-track", args=[complaint.tracking_token])).status_code == 404


def test_honeypot_refuses_bots(client, project):
    response = client.post(reverse("public-complaint"), public_data(project, website="http://spam.example"))
    assert response.status_code == 200
    assert not Complaint.objects.exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [("photo.png", b"MZ\x90\x00 pretending to be a png"), ("doc.pdf", b"<html>not a pdf</html>")],
)
def test_uploads_are_checked_by_content(client, project, name, content):
    page = client.post(
        reverse("public-complaint"), {**public_data(project), "files": SimpleUploadedFile(name, content)}
    ).content.decode()
    assert f"不接受“{name}”" in page
    assert not Complaint.objects.exists()


def test_rate_limit_per_ip_answers_429_in_chinese(client, project):
    for _ in range(5):
        client.post(reverse("public-complaint"), public_data(project), REMOTE_ADDR="10.0.0.9")
    response = client.post(reverse("public-complaint"), public_data(project), REMOTE_ADDR="10.0.0.9")
    assert response.status_code == 429
    assert "提交次数过多" in response.content.decode()
    assert Complaint.objects.count() == 5


def test_public_form_is_csrf_protected(project):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.post(reverse("public-complaint"), public_data(project)).status_code == 403
    assert not Complaint.objects.exists()


def test_bad_phone_on_the_public_form(client, project):
    page = client.post(
        reverse("public-complaint"), public_data(project, contact_phone="0755-1234")
    ).content.decode()
    assert "请输入中国大陆手机号码" in page


def test_notifications_page_shows_and_marks_read(staff_client, project, staff_a):
    services.complaint_create(
        intake=services.Intake(
            project=project,
            channel="hotline",
            category="construction",
            title="外墙渗水",
            description="x",
            media="exposed",
        ),
        received_by=staff_a,
    )
    home = staff_client.get("/").content.decode()
    assert 'id="notifications-link"' in home and 'class="badge">1<' in home
    page = staff_client.get(reverse("notifications")).content.decode()
    assert "外墙渗水" in page
    assert 'class="badge">1<' not in staff_client.get("/").content.decode()


def test_escalate_command_runs_the_sweep_as_of_a_time(project, capsys):
    from django.core.management import CommandError, call_command

    complaint = services.complaint_create(
        intake=services.Intake(
            project=project, channel="hotline", category="construction", title="x", description="x"
        )
    )
    as_of = (timezone.now() + timedelta(days=8)).isoformat()
    call_command("escalate_complaints", "--as-of", as_of)
    complaint.refresh_from_db()
    assert complaint.tier == "hot"
    with pytest.raises(CommandError):
        call_command("escalate_complaints", "--as-of", "next tuesday")
