"""``services.complaint_owner_reply``: the complainant's message and/or photos from the tracking page."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from complaints import services
from complaints.models import ComplaintEvent, Notification, Status
from complaints.services import owner
from core.exceptions import Conflict, DomainError
from tests.factories import ComplaintFactory, ProjectFactory

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def complaint(company_a, staff_a):
    return ComplaintFactory(
        project=ProjectFactory(company=company_a),
        status=Status.IN_PROGRESS,
        handler=staff_a,
        tracking_token="o" * 43,
    )


def photo(name="p.png"):
    return SimpleUploadedFile(name, PNG)


def test_a_message_is_an_event_both_sides_see_and_the_handler_is_told(complaint, staff_a):
    reply = services.complaint_owner_reply(complaint=complaint, text="  周六上午家里有人  ")
    assert not reply.repeated and reply.files == []
    event = reply.event
    assert (event.kind, event.note, event.by, event.to_value, event.visible_to_complainant) == (
        ComplaintEvent.Kind.FEEDBACK,
        "周六上午家里有人",
        None,
        "",
        True,
    )
    notification = Notification.objects.get(user=staff_a)
    assert complaint.number in notification.message and "周六上午家里有人" in notification.message


def test_photos_alone_are_an_attachment_event(complaint, staff_a):
    reply = services.complaint_owner_reply(
        complaint=complaint, text="", files=[photo("a.png"), photo("b.png")]
    )
    assert reply.event is None and [f.original_name for f in reply.files] == ["a.png", "b.png"]
    assert complaint.events.get(kind="attachment").visible_to_complainant
    assert "2" in Notification.objects.get(user=staff_a).message


def test_without_a_handler_the_managers_are_told(complaint, manager_a):
    complaint.handler = None
    complaint.save()
    services.complaint_owner_reply(complaint=complaint, text="有人管吗")
    assert Notification.objects.filter(user=manager_a).exists()


def test_the_same_reply_within_the_window_is_recorded_once(complaint):
    first = services.complaint_owner_reply(complaint=complaint, text="还在漏", files=[photo()])
    again = services.complaint_owner_reply(complaint=complaint, text="还在漏", files=[photo()])
    assert again.repeated and again.event is None
    assert complaint.events.filter(kind="feedback").count() == 1 and complaint.attachments.count() == 1
    # The same text with another photo, or another text, is new.
    services.complaint_owner_reply(complaint=complaint, text="还在漏", files=[photo("c.png")])
    assert complaint.attachments.count() == 2
    # After the window, the same words again are a new message.
    ComplaintEvent.objects.filter(pk=first.event.pk).update(
        at=timezone.now() - owner.REPEAT_WINDOW - timedelta(seconds=1)
    )
    ComplaintEvent.objects.filter(kind="feedback").exclude(pk=first.event.pk).delete()
    assert not services.complaint_owner_reply(complaint=complaint, text="还在漏").repeated
    assert complaint.events.filter(kind="feedback").count() == 2


def test_a_rating_comment_is_not_taken_for_an_earlier_message(complaint):
    ComplaintEvent.objects.create(
        complaint=complaint, kind="feedback", to_value="2", note="还在漏", visible_to_complainant=True
    )
    assert not services.complaint_owner_reply(complaint=complaint, text="还在漏").repeated


@pytest.mark.parametrize(
    ("text", "files", "code"),
    [("", [], "empty_reply"), ("   ", [], "empty_reply"), ("字" * 2001, [], "reply_too_long")],
)
def test_bad_replies_are_refused(complaint, text, files, code):
    with pytest.raises(DomainError) as refused:
        services.complaint_owner_reply(complaint=complaint, text=text, files=files)
    assert refused.value.code == code
    assert not complaint.events.filter(kind="feedback").exists()


def test_a_bad_file_refuses_the_whole_reply(complaint):
    with pytest.raises(DomainError) as refused:
        services.complaint_owner_reply(
            complaint=complaint, text="看照片", files=[SimpleUploadedFile("x.png", b"MZ")]
        )
    assert refused.value.code == "attachment_not_accepted"
    assert not complaint.events.filter(kind="feedback").exists()


def test_a_closed_complaint_takes_no_reply(complaint):
    complaint.status = Status.CLOSED
    complaint.save()
    with pytest.raises(Conflict) as refused:
        services.complaint_owner_reply(complaint=complaint, text="又漏了")
    assert refused.value.code == "closed"


def test_the_file_limit_of_a_complaint_holds(complaint):
    for n in range(20):
        complaint.attachments.create(file=f"x/{n}.png", content_type="image/png", size=1)
    with pytest.raises(Conflict) as refused:
        services.complaint_owner_reply(complaint=complaint, text="再补一张", files=[photo()])
    assert refused.value.code == "too_many_attachments"
    assert not complaint.events.filter(kind="feedback").exists()


def test_a_failure_while_writing_leaves_no_event_and_no_file(complaint, media_root):
    with (
        mock.patch("complaints.attachments.ComplaintEvent.objects.create", side_effect=OSError("disk")),
        pytest.raises(OSError),
    ):
        services.complaint_owner_reply(complaint=complaint, text="看照片", files=[photo()])
    assert not complaint.events.filter(kind="feedback").exists()
    assert not complaint.attachments.exists()
    assert not [path for path in media_root.rglob("*") if path.is_file()]


def test_an_answer_while_waiting_on_the_owner_resumes_the_handling(complaint, staff_a):
    complaint = services.complaint_transition(complaint=complaint, status="awaiting_customer", by=staff_a)
    services.complaint_owner_reply(complaint=complaint, text="周六上午家里有人")
    complaint.refresh_from_db()
    assert complaint.status == Status.IN_PROGRESS and complaint.paused_since is None
    resumed = complaint.events.filter(kind="status", to_value="in_progress").latest("id")
    assert resumed.by is None and resumed.visible_to_complainant


def test_the_message_is_read_for_risk(complaint):
    services.complaint_owner_reply(complaint=complaint, text="我已经找了律师")
    signal = complaint.risk_signals.get()
    assert (signal.signal, signal.source) == ("litigation_possible", "owner_message")


def test_the_owners_own_reply_does_not_count_as_an_update_they_were_given(complaint, staff_a):
    services.complaint_add_progress(
        complaint=complaint, note="已联系施工方", visible_to_complainant=True, by=staff_a
    )
    complaint.refresh_from_db()
    due_before = complaint.owner_update_due_at
    assert due_before is not None
    services.complaint_owner_reply(complaint=complaint, text="有进展吗")
    complaint.refresh_from_db()
    assert complaint.owner_update_due_at == due_before
