"""Attachments through the pages: the owner's form and tracking page, the staff complaint page, the
download with its headers, the request-size guard."""

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from complaints import attachments, services
from complaints.models import Attachment, Complaint, ComplaintEvent
from tests.factories import PASSWORD, BuildingFactory, ProjectFactory, UnitFactory

from .test_attachments import HTML, JPEG, PDF, PNG, SVG


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


@pytest.fixture
def project(company_a):
    project = ProjectFactory(company=company_a, name="四季花城")
    UnitFactory(building=BuildingFactory(project=project, name="3栋"), number="1201")
    return project


def public_data(project, **overrides):
    data = {
        "project": project.pk,
        "building": "3栋",
        "unit_number": "1201",
        "contact_name": "张伟",
        "contact_phone": "138 1234 5678",
        "category": "construction",
        "title": "卫生间漏水",
        "description": "卫生间天花板漏水",
        "website": "",
    }
    return {**data, **overrides}


def signed_in(client, user):
    client.login(username=user.username, password=PASSWORD)
    return client


def file_owner_complaint(client, project, *files) -> Complaint:
    response = client.post(reverse("public-complaint"), {**public_data(project), "files": list(files)})
    assert response.status_code == 302, response.content.decode()
    return Complaint.objects.get()


def test_the_owner_sends_photos_and_a_pdf_and_sees_them_on_the_tracking_page(client, project):
    complaint = file_owner_complaint(
        client, project, SimpleUploadedFile("漏水.jpg", JPEG), SimpleUploadedFile("检测报告.pdf", PDF)
    )
    photo, report = complaint.attachments.order_by("id")
    page = client.get(reverse("public-complaint-track", args=[complaint.tracking_token])).content.decode()
    photo_url = reverse("public-complaint-attachment", args=[complaint.tracking_token, photo.pk])
    report_url = reverse("public-complaint-attachment", args=[complaint.tracking_token, report.pk])
    assert f'<img src="{photo_url}?preview=1" alt="照片：漏水.jpg"' in page
    assert f'href="{report_url}"' in page and "检测报告.pdf" in page
    assert f'<img src="{report_url}' not in page
    download = client.get(photo_url)
    assert download.status_code == 200 and b"".join(download.streaming_content) == JPEG


def test_more_than_three_files_on_the_form_are_refused_and_nothing_is_written(client, project):
    page = client.post(
        reverse("public-complaint"),
        {**public_data(project), "files": [SimpleUploadedFile(f"{n}.png", PNG) for n in range(4)]},
    ).content.decode()
    assert "一次最多可以发送 3 个文件" in page
    assert not Complaint.objects.exists() and not Attachment.objects.exists()


@pytest.mark.parametrize(("name", "content"), [("leak.jpg", HTML), ("drawing.svg", SVG)])
def test_html_or_svg_is_refused_on_the_form_with_the_allowed_kinds_named(
    client, project, media_root, name, content
):
    page = client.post(
        reverse("public-complaint"),
        {
            **public_data(project),
            "files": [SimpleUploadedFile("ok.png", PNG), SimpleUploadedFile(name, content)],
        },
    ).content.decode()
    assert f"不接受“{name}”" in page and "JPEG、PNG、HEIC 照片或 PDF 文档" in page
    assert 'value="卫生间漏水"' in page  # what the owner typed is kept
    assert not Complaint.objects.exists() and not Attachment.objects.exists()
    assert not media_root.exists() or not any(path.is_file() for path in media_root.rglob("*"))


def test_another_token_or_a_staff_file_cannot_be_downloaded_by_the_owner(client, project, staff_a):
    mine = file_owner_complaint(client, project, SimpleUploadedFile("mine.png", PNG))
    other = services.complaint_create(
        intake=services.Intake(
            project=project, channel="online_form", category="construction", title="x", description="x"
        ),
        files=[SimpleUploadedFile("other.png", PNG)],
    )
    (internal,) = attachments.attachment_add(
        complaint=mine, files=[SimpleUploadedFile("内部.pdf", PDF)], by=staff_a
    )
    others_file = other.attachments.get()
    assert (
        client.get(
            reverse("public-complaint-attachment", args=[mine.tracking_token, others_file.pk])
        ).status_code
        == 404
    )
    assert (
        client.get(reverse("public-complaint-attachment", args=["guessed", others_file.pk])).status_code
        == 404
    )
    assert (
        client.get(
            reverse("public-complaint-attachment", args=[mine.tracking_token, internal.pk])
        ).status_code
        == 404
    )
    page = client.get(reverse("public-complaint-track", args=[mine.tracking_token])).content.decode()
    assert "内部.pdf" not in page


def test_staff_see_previews_and_another_company_gets_404(client, project, staff_a, staff_b):
    complaint = services.complaint_create(
        intake=services.Intake(
            project=project, channel="online_form", category="construction", title="x", description="x"
        ),
        files=[SimpleUploadedFile("漏水.png", PNG), SimpleUploadedFile("报告.pdf", PDF)],
    )
    photo, report = complaint.attachments.order_by("id")
    page = signed_in(client, staff_a).get(reverse("complaint-detail", args=[complaint.pk])).content.decode()
    photo_url = reverse("complaint-attachment", args=[complaint.pk, photo.pk])
    assert f'<img src="{photo_url}?preview=1" alt="照片：漏水.png"' in page
    assert "报告.pdf" in page and "来自投诉人" in page
    assert client.get(photo_url).status_code == 200
    client.logout()
    signed_in(client, staff_b)
    assert client.get(photo_url).status_code == 404
    assert client.get(reverse("complaint-attachment", args=[complaint.pk, report.pk])).status_code == 404


def test_downloads_are_sandboxed_attachments_with_the_stored_type(client, project, staff_a):
    complaint = services.complaint_create(
        intake=services.Intake(
            project=project, channel="online_form", category="construction", title="x", description="x"
        ),
        files=[SimpleUploadedFile('客厅 "裂缝"\r\n.JPG', JPEG), SimpleUploadedFile("报告.pdf", PDF)],
    )
    photo, report = complaint.attachments.order_by("id")
    signed_in(client, staff_a)
    response = client.get(reverse("complaint-attachment", args=[complaint.pk, photo.pk]))
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''%E5%AE%A2%E5%8E%85%20%E8%A3%82%E7%BC%9D.JPG"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert "no-store" in response["Cache-Control"]
    preview = client.get(reverse("complaint-attachment", args=[complaint.pk, photo.pk]), {"preview": "1"})
    assert preview["Content-Disposition"].startswith("inline;")
    # Only images are ever inline; a PDF is always a download.
    pdf = client.get(reverse("complaint-attachment", args=[complaint.pk, report.pk]), {"preview": "1"})
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"].startswith("attachment;")


def test_staff_add_files_from_the_complaint_page_as_a_timeline_event(client, project, staff_a, staff_b):
    complaint = services.complaint_create(
        intake=services.Intake(
            project=project, channel="hotline", category="construction", title="x", description="x"
        )
    )
    signed_in(client, staff_a)
    response = client.post(
        reverse("complaint-add-files", args=[complaint.pk]),
        {"files": [SimpleUploadedFile("现场1.jpg", JPEG), SimpleUploadedFile("现场2.png", PNG)]},
        follow=True,
    )
    page = response.content.decode()
    assert "已添加 2 个文件" in page
    assert complaint.attachments.filter(added_by=staff_a).count() == 2
    event = complaint.events.get(kind=ComplaintEvent.Kind.ATTACHMENT)
    assert (event.by, event.note) == (staff_a, "现场1.jpg\n现场2.png")
    assert "添加了文件" in page
    bad = client.post(
        reverse("complaint-add-files", args=[complaint.pk]),
        {"files": SimpleUploadedFile("x.jpg", HTML)},
        follow=True,
    )
    assert "不接受“x.jpg”" in bad.content.decode()
    client.logout()
    signed_in(client, staff_b)
    response = client.post(
        reverse("complaint-add-files", args=[complaint.pk]), {"files": SimpleUploadedFile("b.png", PNG)}
    )
    assert response.status_code == 404
    assert complaint.attachments.count() == 2


def test_the_owner_adds_files_until_the_complaint_is_closed(client, project):
    complaint = file_owner_complaint(client, project)
    track = reverse("public-complaint-track", args=[complaint.tracking_token])
    add = reverse("public-complaint-add-files", args=[complaint.tracking_token])
    response = client.post(add, {"files": SimpleUploadedFile("补充.png", PNG)}, follow=True)
    assert "已添加 1 个文件" in response.content.decode() and "补充.png" in response.content.decode()
    assert complaint.events.filter(kind="attachment", visible_to_complainant=True).count() == 1
    Complaint.objects.filter(pk=complaint.pk).update(status="closed")
    page = client.get(track).content.decode()
    assert 'id="reply-form"' not in page and "投诉已关闭" in page
    refused = client.post(add, {"files": SimpleUploadedFile("再补充.png", PNG)})
    assert refused.status_code == 400
    assert "投诉已关闭，不能再添加文件" in refused.content.decode()
    assert complaint.attachments.count() == 1


class ExplodingStream:
    """A request body that must never be read."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


def test_an_oversize_request_is_refused_before_its_body_is_read(client, project, settings):
    response = client.post(
        reverse("public-complaint"),
        data=b"",
        content_type="multipart/form-data; boundary=xyz",
        CONTENT_LENGTH=str(settings.MAX_UPLOAD_REQUEST_BYTES + 1),
        **{"wsgi.input": ExplodingStream()},
    )
    assert response.status_code == 413
    assert "请求大于 32 MB" in response.content.decode()
    api = client.post(
        "/api/v1/complaints/1/attachments/",
        data=b"",
        content_type="multipart/form-data; boundary=xyz",
        CONTENT_LENGTH=str(settings.MAX_UPLOAD_REQUEST_BYTES + 1),
        **{"wsgi.input": ExplodingStream()},
    )
    assert api.status_code == 413
    assert api.json()["code"] == "request_too_large"
    assert not Complaint.objects.exists()


def test_the_size_limit_is_a_setting(client, project, settings):
    settings.MAX_UPLOAD_REQUEST_BYTES = 1024
    response = client.post(
        reverse("public-complaint"), {**public_data(project), "files": SimpleUploadedFile("a.png", PNG * 30)}
    )
    assert response.status_code == 413
    assert not Complaint.objects.exists()


# --- The public form's hourly limit (issue 12, item 18) --------------------------------------------


def test_failed_filings_do_not_count_against_the_limit(client, project):
    for _ in range(10):
        page = client.post(reverse("public-complaint"), public_data(project, contact_phone="0755-1234"))
        assert page.status_code == 200
    for _ in range(5):
        assert client.post(reverse("public-complaint"), public_data(project)).status_code == 302
    assert Complaint.objects.count() == 5


def test_the_limit_page_keeps_what_was_typed_and_shows_the_company_hotline(client, project, company_a):
    company_a.hotline = "0755-2560 0000"
    company_a.save()
    for _ in range(5):
        client.post(reverse("public-complaint"), public_data(project), REMOTE_ADDR="10.0.0.9")
    response = client.post(
        reverse("public-complaint"),
        {**public_data(project, title="地下车库积水"), "files": SimpleUploadedFile("a.png", PNG)},
        REMOTE_ADDR="10.0.0.9",
    )
    page = response.content.decode()
    assert response.status_code == 429
    assert "提交次数过多" in page
    assert 'value="地下车库积水"' in page and "卫生间天花板漏水</textarea>" in page
    assert f'<option value="{project.pk}" selected>' in page
    assert 'href="tel:0755-25600000"' in page and "0755-2560 0000" in page
    assert "再次提交时请重新选择" in page
    assert Complaint.objects.count() == 5 and Attachment.objects.count() == 0
    # another address is not limited
    assert (
        client.post(reverse("public-complaint"), public_data(project), REMOTE_ADDR="10.0.0.10").status_code
        == 302
    )


def test_without_a_company_hotline_the_configured_one_is_shown(client, project, settings):
    settings.COMPLAINT_HOTLINE = "400-123-4567"
    for _ in range(5):
        client.post(reverse("public-complaint"), public_data(project))
    page = client.post(reverse("public-complaint"), public_data(project)).content.decode()
    assert 'id="public-hotline">400-123-4567<' in page
    bogus = client.post(
        reverse("public-complaint"), {**public_data(project), "project": "99999999999999999999"}
    )
    assert bogus.status_code == 429 and "400-123-4567" in bogus.content.decode()


def test_the_limit_ignores_forwarded_headers(client, project):
    for n in range(5):
        client.post(reverse("public-complaint"), public_data(project), HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
    response = client.post(
        reverse("public-complaint"), public_data(project), HTTP_X_FORWARDED_FOR="203.0.113.99"
    )
    assert response.status_code == 429
