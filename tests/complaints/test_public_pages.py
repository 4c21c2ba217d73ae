"""The owner's pages through HTTP (issue 15 §7, §8): the public form (projects by city, building and
unit as owners write them, the draft kept after an error), the pickers' JSON, the confirmation, and
the tracking page (timeline, reply, 「问题已解决 / 没有解决」, the labelled rating, the hotline)."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from complaints import services
from complaints.models import Complaint, ComplaintEvent, Notification, Status
from complaints.public_forms import RATING_CHOICES
from complaints.public_views import PUBLIC_REPLIES_PER_HOUR
from tests.factories import (
    PASSWORD,
    BuildingFactory,
    CompanyFactory,
    ComplaintFactory,
    ProjectFactory,
    UnitFactory,
)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def project(company_a):
    project = ProjectFactory(company=company_a, name="四季花城")
    three = BuildingFactory(project=project, name="3栋")
    UnitFactory(building=three, number="1201")
    UnitFactory(building=three, number="902")
    BuildingFactory(project=project, name="10号楼")  # no units on record yet
    return project


def form_data(project, **overrides):
    data = {
        "project": project.pk,
        "building": "3栋",
        "unit_number": "1201",
        "contact_name": "张伟",
        "contact_phone": "138 1234 5678",
        "category": "design",
        "title": "卫生间漏水",
        "description": "卫生间天花板漏水",
        "website": "",
    }
    return {**data, **overrides}


def page_of(response) -> str:
    return response.content.decode()


def filed_complaint(project, *, files=()) -> Complaint:
    return services.complaint_create(
        intake=services.Intake(
            project=project,
            channel="online_form",
            category="construction",
            title="卫生间漏水",
            description="卫生间天花板漏水，已经三个月了。",
            contact_name="张伟",
            contact_phone="13812345678",
        ),
        files=files,
    )


def move(complaint, staff, *statuses):
    services.complaint_assign(
        complaint=complaint, handler=staff, department="engineering", deadline=None, by=staff
    )
    for status in statuses:
        complaint = services.complaint_transition(
            complaint=complaint, status=status, note="已更换防水层" if status == "resolved" else "", by=staff
        )
    return complaint


def track_url(complaint) -> str:
    return reverse("public-complaint-track", args=[complaint.tracking_token])


def reply_url(complaint) -> str:
    return reverse("public-complaint-reply", args=[complaint.tracking_token])


# --- §7 The form ------------------------------------------------------------------------------------


def test_projects_are_grouped_by_city_and_a_shared_name_says_its_city(client, project, company_b):
    ProjectFactory(company=company_b, name="四季花城")
    ProjectFactory(company=company_b, name="金域华府")
    other_shenzhen = ProjectFactory(company=CompanyFactory(name="深圳万科二", city="深圳"), name="金色家园")
    with translation.override("en"):
        page = page_of(client.get(reverse("public-complaint"), HTTP_ACCEPT_LANGUAGE="en"))
    groups = re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', page, re.S)
    assert [label for label, _options in groups] == ["北京", "深圳"]
    beijing, shenzhen = (dict(re.findall(r'value="(\d+)"[^>]*>([^<]+)<', options)) for _l, options in groups)
    assert shenzhen[str(project.pk)] == "四季花城 (深圳)"
    assert "四季花城 (北京)" in beijing.values() and "金域华府" in beijing.values()
    assert shenzhen[str(other_shenzhen.pk)] == "金色家园"


def test_the_same_name_twice_in_one_city_says_the_company(client, project):
    twin = ProjectFactory(company=CompanyFactory(name="深圳万科二", city="深圳"), name="四季花城")
    with translation.override("en"):
        page = page_of(client.get(reverse("public-complaint"), HTTP_ACCEPT_LANGUAGE="en"))
    assert f'<option value="{project.pk}">四季花城 (深圳万科)</option>' in page
    assert f'<option value="{twin.pk}">四季花城 (深圳万科二)</option>' in page


def test_the_form_has_a_phone_keyboard_and_pickers_data(client, project):
    page = page_of(client.get(reverse("public-complaint")))
    phone = re.search(r'<input[^>]*name="contact_phone"[^>]*>', page)[0]
    assert 'type="tel"' in phone and 'inputmode="tel"' in phone and 'autocomplete="tel"' in phone
    assert 'autocomplete="name"' in page
    assert f'data-homes-url="{reverse("public-project-homes")}"' in page
    assert "js/owner.js" in page and "css/owner.css" in page


@pytest.mark.parametrize(
    ("building", "unit"),
    [
        ("3栋", "1201"),
        ("3", "1201"),
        ("3号楼", "1201室"),
        ("３栋", "１２０１"),
        (" 第3栋 ", " 1201 "),
        ("3栋1201", ""),
    ],
)
def test_the_building_and_unit_are_read_as_owners_write_them(client, project, building, unit):
    response = client.post(
        reverse("public-complaint"), form_data(project, building=building, unit_number=unit)
    )
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert (complaint.unit.building.name, complaint.unit.number) == ("3栋", "1201")


def test_no_building_and_no_unit_is_a_complaint_about_the_project(client, project):
    response = client.post(reverse("public-complaint"), form_data(project, building="", unit_number=""))
    assert response.status_code == 302
    assert Complaint.objects.get().unit is None


@pytest.mark.parametrize(
    ("building", "unit", "field", "message"),
    [
        ("5栋", "1201", "building", "四季花城 has no building “5栋”"),
        ("3栋", "9999", "unit_number", "Building 3栋 has no unit “9999”"),
        ("10栋", "101", "unit_number", "Building 10号楼 has no unit “101”"),
        ("3栋", "", "unit_number", "Enter the unit number too"),
        ("", "1201", "building", "Enter the building too"),
    ],
)
def test_an_unknown_building_or_unit_is_a_clear_error(client, project, building, unit, field, message):
    response = client.post(
        reverse("public-complaint"),
        form_data(project, building=building, unit_number=unit),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    page = page_of(response)
    assert message in page
    assert re.search(rf'<ul class="errorlist" id="id_{field}_error"><li>{re.escape(message)}', page)
    assert 'id="form-problems"' in page
    assert not Complaint.objects.exists()


def test_the_draft_survives_an_error(client, project):
    response = client.post(
        reverse("public-complaint"),
        {
            **form_data(project, building="3号楼", unit_number="1201室", contact_phone="0755-1234"),
            "files": SimpleUploadedFile("漏水.png", PNG),
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    page = page_of(response)
    assert response.status_code == 200 and not Complaint.objects.exists()
    assert f'<option value="{project.pk}" selected>' in page
    assert '<option value="design" selected>' in page
    # The home comes back as the project names it, so that the pickers select it again.
    assert 'name="building" value="3栋"' in page and 'name="unit_number" value="1201"' in page
    assert 'value="张伟"' in page and 'value="0755-1234"' in page and 'value="卫生间漏水"' in page
    assert ">\n卫生间天花板漏水</textarea>" in page
    # Files cannot be kept; the file field says so, and is described by that text.
    assert 'id="id_files_helptext"' in page
    assert "Photos and documents cannot be kept: choose them again when you send." in page
    assert re.search(r'<input type="file"[^>]*aria-describedby="id_files_helptext"', page)


def test_an_unknown_project_is_a_form_error(client, project):
    response = client.post(reverse("public-complaint"), {**form_data(project), "project": "99999"})
    assert response.status_code == 200 and not Complaint.objects.exists()
    assert 'id="id_project_error"' in page_of(response)


# --- The pickers' list --------------------------------------------------------------------------------


def test_the_homes_list_gives_names_and_numbers_only_in_one_query(client, project, django_assert_num_queries):
    BuildingFactory(project=project, name="2栋")
    with django_assert_num_queries(1):
        response = client.get(reverse("public-project-homes"), {"project": project.pk})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {
        "buildings": [
            {"name": "2栋", "units": []},
            {"name": "3栋", "units": ["902", "1201"]},
            {"name": "10号楼", "units": []},
        ]
    }
    assert "public" in response["Cache-Control"] and "max-age=" in response["Cache-Control"]
    with django_assert_num_queries(0):  # cached
        again = client.get(reverse("public-project-homes"), {"project": project.pk})
        not_modified = client.get(
            reverse("public-project-homes"), {"project": project.pk}, HTTP_IF_NONE_MATCH=response["ETag"]
        )
    assert again.content == response.content
    assert not_modified.status_code == 304 and not not_modified.content


@pytest.mark.parametrize("value", ["99999", "abc", "", "9" * 30])
def test_the_homes_list_of_no_project_is_404(client, project, value):
    assert client.get(reverse("public-project-homes"), {"project": value}).status_code == 404


# --- The confirmation -------------------------------------------------------------------------------


def test_the_confirmation_fits_a_phone(client, project):
    response = client.post(reverse("public-complaint"), form_data(project), follow=True)
    complaint = Complaint.objects.get()
    page = page_of(response)
    url = f"http://testserver/complain/track/{complaint.tracking_token}/"
    assert f'<p class="complaint-number" id="complaint-number" translate="no">{complaint.number}</p>' in page
    assert f'id="track-url" value="{url}" readonly' in page
    assert 'id="copy-link" data-copy="track-url"' in page and "hidden>" in page  # shown by the script
    assert f'id="track-link" class="button owner-wide" href="{url}"' in page
    assert page.count("<li>", page.index('id="what-next"')) >= 4
    assert 'href="tel:' in page


# --- §8 The tracking page ---------------------------------------------------------------------------


def test_the_page_shows_the_description_photos_and_visible_updates_in_local_time(client, project, staff_a):
    complaint = filed_complaint(project, files=[SimpleUploadedFile("墙.png", PNG)])
    complaint = move(complaint, staff_a, "in_progress")
    services.complaint_add_progress(
        complaint=complaint, note="已安排师傅周六上门", visible_to_complainant=True, by=staff_a
    )
    services.complaint_add_progress(
        complaint=complaint, note="责任在总包", visible_to_complainant=False, by=staff_a
    )
    event = complaint.events.get(note="已安排师傅周六上门")
    ComplaintEvent.objects.filter(pk=event.pk).update(at=datetime(2026, 3, 1, 1, 30, tzinfo=UTC))
    page = page_of(client.get(track_url(complaint)))
    assert "卫生间天花板漏水，已经三个月了。" in page.split('id="track-description"')[1]
    photo = complaint.attachments.get()
    assert (
        reverse("public-complaint-attachment", args=[complaint.tracking_token, photo.pk]) + "?preview=1"
        in page
    )
    updates = page.split('id="track-updates"')[1]
    assert "已安排师傅周六上门" in updates and "责任在总包" not in page
    assert '<time datetime="2026-03-01T09:30:00+08:00">2026-03-01 09:30</time>' in updates  # Beijing time
    assert staff_a.username not in page


def test_a_description_staff_took_down_is_not_shown(client, project):
    complaint = ComplaintFactory(
        project=project, channel="hotline", description="业主情绪激动", tracking_token="h" * 43
    )
    page = page_of(client.get(track_url(complaint)))
    assert 'id="track-description"' not in page and "业主情绪激动" not in page


def test_the_hotline_is_a_tel_link(client, project, company_a):
    company_a.hotline = "0755-2560 0000"
    company_a.save()
    page = page_of(client.get(track_url(filed_complaint(project))))
    assert '<a href="tel:0755-25600000">0755-2560 0000</a>' in page.split('id="track-hotline"')[1]


def test_a_reply_is_one_event_even_when_posted_twice(client, project, staff_a):
    complaint = move(filed_complaint(project), staff_a, "in_progress")
    data = {"text": "天花板的霉点越来越大了", "files": SimpleUploadedFile("霉点.png", PNG)}
    first = client.post(reply_url(complaint), data)
    assert first.status_code == 302 and first.url == track_url(complaint) + "#track-updates"
    again = client.post(reply_url(complaint), {**data, "files": SimpleUploadedFile("霉点.png", PNG)})
    assert again.status_code == 302
    assert complaint.events.filter(kind="feedback", note="天花板的霉点越来越大了").count() == 1
    assert complaint.events.filter(kind="attachment").count() == 1 and complaint.attachments.count() == 1
    event = complaint.events.get(kind="feedback")
    assert (event.by, event.visible_to_complainant) == (None, True)
    assert (
        Notification.objects.filter(user=staff_a, complaint=complaint, message__contains="霉点").count() == 1
    )
    page = page_of(client.get(track_url(complaint)))
    assert "天花板的霉点越来越大了" in page.split('id="track-updates"')[1]
    # A different message is a new one.
    client.post(reply_url(complaint), {"text": "今天又漏了"})
    assert complaint.events.filter(kind="feedback").count() == 2


def test_a_reply_is_read_for_risk(client, project, staff_a):
    complaint = move(filed_complaint(project), staff_a, "in_progress")
    client.post(reply_url(complaint), {"text": "再不解决我就找记者曝光"})
    signal = complaint.risk_signals.get()
    assert (signal.signal, signal.source, signal.state) == ("media_possible", "owner_message", "open")


def test_a_reply_needs_text_or_a_photo_and_keeps_what_was_typed(client, project, staff_a):
    complaint = move(filed_complaint(project), staff_a, "in_progress")
    response = client.post(reply_url(complaint), {"text": "   "}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "Write a message or choose a photo." in page_of(response)
    response = client.post(
        reply_url(complaint),
        {"text": "看照片", "files": SimpleUploadedFile("x.png", b"MZ not an image")},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400 and ">\n看照片</textarea>" in page_of(response)
    assert not complaint.events.filter(kind="feedback").exists()


def test_a_reply_respects_the_file_limit_and_the_closed_state(client, project, staff_a):
    complaint = move(filed_complaint(project), staff_a, "in_progress")
    for n in range(20):
        complaint.attachments.create(
            file=f"x/{n}.png", content_type="image/png", size=1, original_name=f"{n}.png"
        )
    response = client.post(
        reply_url(complaint),
        {"text": "再补一张", "files": SimpleUploadedFile("more.png", PNG)},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400 and "at most 20 files" in page_of(response)
    assert not complaint.events.filter(kind="feedback").exists()
    Complaint.objects.filter(pk=complaint.pk).update(status=Status.CLOSED, closed_at=timezone.now())
    page = page_of(client.get(track_url(complaint)))
    assert 'id="reply-form"' not in page and 'id="files-closed"' in page
    refused = client.post(reply_url(complaint), {"text": "还在漏"}, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 400 and "This complaint is closed" in page_of(refused)


def test_replies_have_an_hourly_limit_per_address(client, project, staff_a):
    complaint = move(filed_complaint(project), staff_a, "in_progress")
    for n in range(PUBLIC_REPLIES_PER_HOUR):
        assert (
            client.post(reply_url(complaint), {"text": f"补充 {n}"}, REMOTE_ADDR="10.0.0.7").status_code
            == 302
        )
    limited = client.post(reply_url(complaint), {"text": "还有一句"}, REMOTE_ADDR="10.0.0.7")
    assert limited.status_code == 429
    page = page_of(limited)
    assert 'id="reply-limited"' in page and ">\n还有一句</textarea>" in page and 'href="tel:' in page
    assert complaint.events.filter(kind="feedback").count() == PUBLIC_REPLIES_PER_HOUR
    assert (
        client.post(reply_url(complaint), {"text": "另一个地址"}, REMOTE_ADDR="10.0.0.8").status_code == 302
    )


def test_a_reply_while_waiting_on_the_owner_restarts_the_handling(client, project, staff_a):
    complaint = move(filed_complaint(project), staff_a, "in_progress", "awaiting_customer")
    client.post(reply_url(complaint), {"text": "周六上午家里有人"})
    complaint.refresh_from_db()
    assert complaint.status == "in_progress" and complaint.paused_since is None


def test_the_old_files_address_takes_photos_alone(client, project):
    complaint = filed_complaint(project)
    add = reverse("public-complaint-add-files", args=[complaint.tracking_token])
    response = client.post(add, {"files": SimpleUploadedFile("补充.png", PNG)}, follow=True)
    assert "已添加 1 个文件" in page_of(response)
    assert complaint.attachments.count() == 1 and not complaint.events.filter(kind="feedback").exists()


# --- 「问题已解决 / 没有解决」 and the rating ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("statuses", "shown"),
    [
        ((), False),
        (("in_progress",), False),
        (("in_progress", "awaiting_customer"), False),
        (("in_progress", "resolved"), True),
    ],
)
def test_the_solved_buttons_are_shown_only_when_resolved(client, project, staff_a, statuses, shown):
    complaint = move(filed_complaint(project), staff_a, *statuses)
    page = page_of(client.get(track_url(complaint)))
    for form_id in ('id="solved-question"', 'id="confirm-form"', 'id="not-solved-form"'):
        assert (form_id in page) is shown


def test_the_solved_buttons_are_gone_once_closed(client, project, staff_a):
    complaint = move(filed_complaint(project), staff_a, "in_progress", "resolved")
    client.post(reverse("public-complaint-confirm", args=[complaint.tracking_token]))
    page = page_of(client.get(track_url(complaint)))
    assert 'id="confirm-form"' not in page and 'id="not-solved-form"' not in page
    assert reverse("public-complaint") in page.split('id="files-closed"')[1]  # file a new one instead


def test_not_solved_reopens_as_the_callback_rule_would(client, project, staff_a):
    complaint = move(filed_complaint(project), staff_a, "in_progress", "resolved")
    assert complaint.callback_due_at is not None
    client.post(reverse("public-complaint-not-solved", args=[complaint.tracking_token]), {"text": "还在漏"})
    complaint.refresh_from_db()
    assert (complaint.status, complaint.reopen_count, complaint.callback_due_at) == ("in_progress", 1, None)
    assert "second_complaint" in complaint.tier_reasons


def test_the_rating_is_labelled_in_a_fieldset(client, project, staff_a):
    complaint = move(filed_complaint(project), staff_a, "in_progress", "resolved")
    page = page_of(client.get(track_url(complaint), HTTP_ACCEPT_LANGUAGE="en"))
    form = page.split('id="rating-form"')[1].split("</form>")[0]
    assert re.search(
        r'<fieldset class="owner-rating">\s*<legend>How satisfied are you with the handling\?</legend>', form
    )
    options = re.findall(
        r'<label for="(id_rating_\d)" class="rating-option" data-rating="(\d)">'
        r'<input type="radio" name="rating" value="(\d)"[^>]*id="(id_rating_\d)"[^>]*>'
        r'<span class="rating-value" aria-hidden="true">\d</span>'
        r'<span class="rating-word">([^<]+)</span></label>',
        form,
    )
    assert [(value, word) for _for, _data, value, _id, word in options] == [
        ("1", "very dissatisfied"),
        ("2", "dissatisfied"),
        ("3", "neutral"),
        ("4", "satisfied"),
        ("5", "very satisfied"),
    ]
    assert all(label_for == input_id for label_for, _d, _v, input_id, _w in options)
    with translation.override("zh-hans"):  # the words the zh-hans page shows, once translated
        assert str(RATING_CHOICES[0][1]) in page_of(client.get(track_url(complaint)))


def test_the_rating_is_saved_and_shown(client, project, staff_a):
    complaint = move(filed_complaint(project), staff_a, "in_progress", "resolved")
    missing = client.post(track_url(complaint), {"comment": "还行"}, HTTP_ACCEPT_LANGUAGE="en")
    assert missing.status_code == 200 and "Choose a rating from 1 to 5." in page_of(missing)
    assert ">\n还行</textarea>" in page_of(missing)
    response = client.post(track_url(complaint), {"rating": "4", "comment": "处理及时"})
    assert response.status_code == 302 and response.url.endswith("#your-rating")
    complaint.refresh_from_db()
    assert (complaint.rating, complaint.rating_comment) == (4, "处理及时")
    page = page_of(client.get(track_url(complaint), HTTP_ACCEPT_LANGUAGE="en"))
    assert 'id="rating-form"' not in page and 'id="track-rating"' in page
    assert "Your rating: 4 of 5 (satisfied)" in page.split('id="track-updates"')[1]


def test_staff_signed_in_act_on_the_complaint_page_not_here(client, project, staff_a):
    complaint = move(filed_complaint(project), staff_a, "in_progress", "resolved")
    client.login(username=staff_a.username, password=PASSWORD)
    page = page_of(client.get(track_url(complaint)))
    assert 'id="staff-viewer"' in page
    for form_id in ("confirm-form", "not-solved-form", "rating-form", "reply-form"):
        assert f'id="{form_id}"' not in page
    client.post(track_url(complaint), {"rating": "5", "comment": ""})
    client.post(reply_url(complaint), {"text": "替业主写的"})
    client.post(reverse("public-complaint-not-solved", args=[complaint.tracking_token]), {"text": "x"})
    complaint.refresh_from_db()
    assert (complaint.status, complaint.rating) == ("resolved", None)
    assert not complaint.events.filter(kind="feedback").exists()


def test_a_complaint_filed_by_staff_shows_no_you_on_its_intake(client, project, staff_a):
    complaint = ComplaintFactory(project=project, tracking_token="k" * 43)
    ComplaintEvent.objects.create(
        complaint=complaint, kind="created", by=staff_a, visible_to_complainant=True
    )
    page = page_of(client.get(track_url(complaint)))
    assert 'class="service kind-created"' in page
    complaint = filed_complaint(project)
    assert 'class="mine kind-created"' in page_of(client.get(track_url(complaint)))


def test_tracking_links_still_expire(client, project):
    complaint = filed_complaint(project)
    Complaint.objects.filter(pk=complaint.pk).update(
        status="closed", closed_at=timezone.now() - timedelta(days=181)
    )
    assert client.get(track_url(complaint)).status_code == 404
    assert client.post(reply_url(complaint), {"text": "x"}).status_code == 404
