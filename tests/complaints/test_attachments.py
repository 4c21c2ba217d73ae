"""Photos and PDFs of a complaint: the check by content and name, the intake's one transaction,
additions by staff and the complainant."""

from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from complaints import attachments, rules, services
from complaints.models import Attachment, Complaint, ComplaintEvent
from core.exceptions import Conflict, DomainError
from tests.factories import ProjectFactory

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
PDF = b"%PDF-1.7\n" + b"%" * 64
HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64
HTML = b"<!DOCTYPE html><html><script>alert(1)</script></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'


def stored_files(root) -> list:
    return [path for path in root.rglob("*") if path.is_file()]


@pytest.fixture
def project(company_a):
    return ProjectFactory(company=company_a, name="四季花城")


def intake(project, **overrides) -> services.Intake:
    values = {
        "project": project,
        "channel": "online_form",
        "category": "construction",
        "title": "卫生间渗漏水",
        "description": "楼上卫生间渗水到我家天花板",
        "contact_name": "王芳",
        "contact_phone": "13600001111",
    }
    return services.Intake(**{**values, **overrides})


@pytest.mark.parametrize(
    ("name", "head", "expected"),
    [
        ("leak.jpg", JPEG, "image/jpeg"),
        ("leak.JPEG", JPEG, "image/jpeg"),
        ("leak.png", PNG, "image/png"),
        ("report.pdf", PDF, "application/pdf"),
        ("IMG_0001.HEIC", HEIC, "image/heic"),
        ("IMG_0001.heif", b"\x00\x00\x00\x18ftypmif1" + b"\x00" * 8, "image/heic"),
        ("leak.jpg", HTML, None),  # an HTML page renamed .jpg
        ("leak.html", HTML, None),
        ("drawing.svg", SVG, None),
        ("leak.png", JPEG, None),  # content and name disagree
        ("report.pdf", PNG, None),
        ("leak", PNG, None),  # no extension
        ("movie.mp4", b"\x00\x00\x00\x18ftypisom" + b"\x00" * 8, None),  # ftyp, but not an image brand
        ("empty.png", b"", None),
    ],
)
def test_the_type_comes_from_content_and_name_together(name, head, expected):
    assert rules.attachment_content_type(name=name, head=head[: rules.ATTACHMENT_HEAD_BYTES]) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd.png", "passwd.png"),
        ("C:\\Users\\王芳\\漏水.jpg", "漏水.jpg"),
        ('a"b\r\nc.pdf', "abc.pdf"),
        ("...", "file"),
        ("长" * 300 + ".jpg", "长" * 251 + ".jpg"),
    ],
)
def test_sender_names_are_made_safe(name, expected):
    assert attachments.safe_name(name) == expected


def test_intake_writes_the_complaint_and_its_files_in_one_transaction(project, media_root):
    complaint = services.complaint_create(
        intake=intake(project),
        files=[SimpleUploadedFile("漏水.jpg", JPEG), SimpleUploadedFile("报告.pdf", PDF)],
    )
    rows = list(complaint.attachments.all())
    assert [(row.original_name, row.content_type, row.size) for row in rows] == [
        ("漏水.jpg", "image/jpeg", len(JPEG)),
        ("报告.pdf", "application/pdf", len(PDF)),
    ]
    assert all(row.from_complainant for row in rows)
    assert sorted(path.read_bytes() for path in stored_files(media_root)) == sorted([JPEG, PDF])
    # stored under random names, never the sender's
    assert all("漏水" not in row.file.name and row.file.name.startswith("complaints/") for row in rows)
    event = complaint.events.get(kind=ComplaintEvent.Kind.ATTACHMENT)
    assert (event.note, event.visible_to_complainant) == ("漏水.jpg\n报告.pdf", True)


def test_a_failed_intake_leaves_no_complaint_no_row_and_no_file(project, media_root):
    with (
        mock.patch.object(services.intake, "evaluate", side_effect=RuntimeError("database went away")),
        pytest.raises(RuntimeError),
    ):
        services.complaint_create(intake=intake(project), files=[SimpleUploadedFile("a.png", PNG)])
    assert not Complaint.objects.exists()
    assert not Attachment.objects.exists()
    assert stored_files(media_root) == []


def test_a_failed_file_leaves_no_complaint_and_no_earlier_file(project, media_root):
    from django.core.files.storage import FileSystemStorage

    real_save = FileSystemStorage.save
    calls = []

    def failing_second_save(storage, name, content, max_length=None):
        calls.append(name)
        if len(calls) == 2:
            raise OSError("disk full")
        return real_save(storage, name, content, max_length=max_length)

    with mock.patch.object(FileSystemStorage, "save", failing_second_save), pytest.raises(OSError):
        services.complaint_create(
            intake=intake(project),
            files=[SimpleUploadedFile("a.png", PNG), SimpleUploadedFile("b.pdf", PDF)],
        )
    assert len(calls) == 2
    assert not Complaint.objects.exists()
    assert not Attachment.objects.exists()
    assert stored_files(media_root) == []


@pytest.mark.parametrize(("name", "content"), [("leak.jpg", HTML), ("drawing.svg", SVG), ("x.pdf", PNG)])
def test_bad_content_refuses_the_intake_with_a_translated_error(project, media_root, name, content):
    from django.utils import translation

    with translation.override("zh-hans"), pytest.raises(DomainError) as refused:
        services.complaint_create(
            intake=intake(project),
            files=[SimpleUploadedFile("ok.png", PNG), SimpleUploadedFile(name, content)],
        )
    assert refused.value.code == "attachment_not_accepted"
    assert name in str(refused.value.message) and "JPEG、PNG" in str(refused.value.message)
    assert not Complaint.objects.exists()
    assert stored_files(media_root) == []


def test_intake_takes_at_most_three_files(project):
    with pytest.raises(DomainError) as refused:
        services.complaint_create(
            intake=intake(project), files=[SimpleUploadedFile(f"{n}.png", PNG) for n in range(4)]
        )
    assert refused.value.code == "too_many_attachments"
    assert not Complaint.objects.exists()


def test_a_file_over_10_mb_is_refused(project):
    big = SimpleUploadedFile("big.png", PNG + b"\x00" * rules.MAX_ATTACHMENT_BYTES)
    with pytest.raises(DomainError) as refused:
        services.complaint_create(intake=intake(project), files=[big])
    assert refused.value.code == "attachment_too_large"


def test_staff_add_files_as_an_event_the_complainant_does_not_see(project, staff_a):
    complaint = services.complaint_create(intake=intake(project))
    (added,) = attachments.attachment_add(
        complaint=complaint, files=[SimpleUploadedFile("现场.jpg", JPEG)], by=staff_a
    )
    assert (added.added_by, added.from_complainant) == (staff_a, False)
    event = complaint.events.get(kind=ComplaintEvent.Kind.ATTACHMENT)
    assert (event.by, event.note, event.visible_to_complainant) == (staff_a, "现场.jpg", False)


def test_the_complainant_adds_until_the_complaint_is_closed(project):
    complaint = services.complaint_create(intake=intake(project))
    attachments.attachment_add(complaint=complaint, files=[SimpleUploadedFile("补充.png", PNG)])
    Complaint.objects.filter(pk=complaint.pk).update(status="closed")
    with pytest.raises(Conflict) as refused:
        attachments.attachment_add(complaint=complaint, files=[SimpleUploadedFile("再补充.png", PNG)])
    assert refused.value.code == "closed"
    assert complaint.attachments.count() == 1


def test_a_complaint_holds_at_most_twenty_files(project, staff_a):
    complaint = services.complaint_create(intake=intake(project))
    for _round in range(6):
        attachments.attachment_add(
            complaint=complaint, files=[SimpleUploadedFile(f"{n}.png", PNG) for n in range(3)], by=staff_a
        )
    with pytest.raises(Conflict) as refused:
        attachments.attachment_add(
            complaint=complaint, files=[SimpleUploadedFile(f"{n}.png", PNG) for n in range(3)], by=staff_a
        )
    assert refused.value.code == "too_many_attachments"
    assert complaint.attachments.count() == 18
