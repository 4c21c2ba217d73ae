"""The call-back before closing (回访): services, the staff page and the complainant's confirmation on
the tracking page."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from complaints import selectors, services
from complaints.models import Complaint, ComplaintEvent, Status
from core.exceptions import Conflict, DomainError
from tests.factories import PASSWORD, ProjectFactory


@pytest.fixture(autouse=True)
def site_language():
    """Some requests here ask for English; the next test starts in the site language again."""
    yield
    translation.deactivate()


@pytest.fixture
def project(company_a):
    return ProjectFactory(company=company_a, name="四季花城")


def resolved_complaint(project, handler) -> Complaint:
    complaint = services.complaint_create(
        intake=services.Intake(
            project=project,
            channel="hotline",
            category="construction",
            title="卫生间渗漏水",
            description="楼上卫生间渗水到我家天花板",
        ),
        received_by=handler,
    )
    services.complaint_assign(
        complaint=complaint, handler=handler, department="engineering", deadline=None, by=handler
    )
    for status in ("in_progress", "resolved"):
        complaint = services.complaint_transition(
            complaint=complaint, status=status, note="已修复" if status == "resolved" else "", by=handler
        )
    return complaint


def close(complaint, by):
    return services.complaint_transition(complaint=complaint, status="closed", by=by)


def call_back(complaint, outcome, by, note="业主表示维修后未再漏水"):
    return services.complaint_callback(complaint=complaint, outcome=outcome, note=note, by=by)


def close_event(complaint) -> ComplaintEvent:
    return complaint.events.get(kind="status", to_value="closed")


# --- Services -------------------------------------------------------------------------------------


def test_resolving_makes_a_call_back_due_in_three_days(project, staff_a, staff_b):
    before = timezone.now()
    complaint = resolved_complaint(project, staff_a)
    assert before + timedelta(days=3) <= complaint.callback_due_at <= timezone.now() + timedelta(days=3)
    assert complaint.callback_due_at == complaint.resolved_at + timedelta(days=3)
    assert list(selectors.callbacks_due(user=staff_a)) == [complaint]
    assert list(selectors.callbacks_due(user=staff_a, handler=staff_a)) == [complaint]
    assert list(selectors.callbacks_due(user=staff_a, due_by=timezone.now())) == []
    assert list(selectors.callbacks_due(user=staff_a, due_by=timezone.now() + timedelta(days=4))) == [
        complaint
    ]
    assert list(selectors.callbacks_due(user=staff_b)) == []  # another company's


def test_closing_is_refused_without_a_call_back(project, staff_a):
    complaint = resolved_complaint(project, staff_a)
    with pytest.raises(DomainError) as refused:
        close(complaint, staff_a)
    assert refused.value.code == "callback_required"
    assert not isinstance(refused.value, Conflict)  # a 400, not a 409
    complaint.refresh_from_db()
    assert (complaint.status, complaint.closed_at) == ("resolved", None)
    assert not complaint.events.filter(to_value="closed").exists()


def test_a_satisfied_call_back_settles_it_and_lets_it_close(project, staff_a):
    complaint = resolved_complaint(project, staff_a)
    event = call_back(complaint, "satisfied", staff_a)
    assert (event.kind, event.to_value, event.by, event.visible_to_complainant) == (
        "callback",
        "satisfied",
        staff_a,
        False,
    )
    complaint.refresh_from_db()
    assert complaint.callback_due_at is None
    assert list(selectors.callbacks_due(user=staff_a)) == []
    complaint = close(complaint, staff_a)
    assert (complaint.status, complaint.callback_due_at) == ("closed", None)
    assert complaint.closed_at is not None
    assert close_event(complaint).reasons == ["callback_satisfied"]


def test_an_unhappy_call_back_reopens_the_complaint(project, staff_a):
    complaint = resolved_complaint(project, staff_a)
    call_back(complaint, "not_satisfied", staff_a, note="卫生间仍在渗水")
    complaint.refresh_from_db()
    assert (complaint.status, complaint.resolved_at, complaint.callback_due_at) == ("in_progress", None, None)
    reopened = complaint.events.filter(kind="status").last()
    assert (reopened.from_value, reopened.to_value, reopened.by) == ("resolved", "in_progress", staff_a)
    assert "卫生间仍在渗水" in reopened.note
    # A second complaint (grouping.complaint_reopen): counted, and "important" by the tier table.
    assert (reopened.reasons, complaint.reopen_count, complaint.tier) == (["reopened"], 1, "important")
    # Resolved again, it owes a new call-back: the earlier ones do not count.
    complaint = services.complaint_transition(
        complaint=complaint, status="resolved", note="已修复", by=staff_a
    )
    assert complaint.callback_due_at is not None
    with pytest.raises(DomainError) as refused:
        close(complaint, staff_a)
    assert refused.value.code == "callback_required"


def test_only_call_backs_since_the_latest_resolve_count(project, staff_a):
    complaint = resolved_complaint(project, staff_a)
    call_back(complaint, "satisfied", staff_a)
    complaint = services.complaint_transition(complaint=complaint, status="in_progress", by=staff_a)
    complaint = services.complaint_transition(
        complaint=complaint, status="resolved", note="已修复", by=staff_a
    )
    with pytest.raises(DomainError):
        close(complaint, staff_a)


def test_three_unreachable_call_backs_allow_closing_with_that_reason(project, staff_a):
    complaint = resolved_complaint(project, staff_a)
    for attempt in range(2):
        call_back(complaint, "unreachable", staff_a, note="" if attempt else "无人接听")
        complaint.refresh_from_db()
        assert complaint.callback_due_at is not None  # still owed
        with pytest.raises(DomainError) as refused:
            close(complaint, staff_a)
        assert refused.value.code == "callback_required"
    call_back(complaint, "unreachable", staff_a, note="")
    complaint.refresh_from_db()
    assert complaint.callback_due_at is None
    complaint = close(complaint, staff_a)
    assert complaint.status == "closed"
    assert close_event(complaint).reasons == ["callback_unreachable_3_times"]


@pytest.mark.parametrize(
    ("outcome", "note", "code"),
    [
        ("", "满意", "outcome_required"),
        ("pleased", "满意", "outcome_required"),
        ("satisfied", "  ", "note_required"),
        ("not_satisfied", "", "note_required"),
    ],
)
def test_a_call_back_needs_its_outcome_and_what_was_said(project, staff_a, outcome, note, code):
    complaint = resolved_complaint(project, staff_a)
    with pytest.raises(DomainError) as refused:
        call_back(complaint, outcome, staff_a, note=note)
    assert refused.value.code == code
    assert not complaint.events.filter(kind="callback").exists()


def test_call_backs_are_for_resolved_complaints(project, staff_a):
    complaint = resolved_complaint(project, staff_a)
    complaint = services.complaint_transition(complaint=complaint, status="in_progress", by=staff_a)
    with pytest.raises(Conflict) as refused:
        call_back(complaint, "satisfied", staff_a)
    assert refused.value.code == "not_resolved"


def test_the_complainants_confirmation_closes_it(project, staff_a):
    complaint = resolved_complaint(project, staff_a)
    complaint = services.complaint_confirm_solved(complaint=complaint)
    assert (complaint.status, complaint.callback_due_at) == ("closed", None)
    confirmed = complaint.events.get(kind="confirmed")
    assert (confirmed.by, confirmed.visible_to_complainant) == (None, True)
    event = close_event(complaint)
    assert (event.by, event.reasons, event.visible_to_complainant) == (None, ["owner_confirmed"], True)
    with pytest.raises(Conflict) as again:
        services.complaint_confirm_solved(complaint=complaint)
    assert again.value.code == "not_resolved"


def test_only_staff_who_may_handle_complaints_are_assigned(project, staff_a, integrator_a, auditor):
    complaint = resolved_complaint(project, staff_a)
    for person in (integrator_a, auditor):
        with pytest.raises(DomainError) as refused:
            services.complaint_handover(complaint=complaint, to_user=person, note="交接", by=staff_a)
        assert refused.value.code == "not_assignable"
        with pytest.raises(DomainError):
            services.complaint_assign(
                complaint=complaint, handler=person, department="engineering", deadline=None, by=staff_a
            )
    complaint.refresh_from_db()
    assert (complaint.handler, complaint.first_responder) == (staff_a, staff_a)


# --- The staff page ---------------------------------------------------------------------------------


@pytest.fixture
def staff_client(client, staff_a):
    client.login(username=staff_a.username, password=PASSWORD)
    return client


def test_staff_record_a_call_back_and_close_on_the_page(staff_client, project, staff_a):
    complaint = resolved_complaint(project, staff_a)
    detail = staff_client.get(reverse("complaint-detail", args=[complaint.pk])).content.decode()
    outcomes = [line for line in detail.splitlines() if 'name="outcome"' in line]
    assert len(outcomes) == 3 and not any("checked" in line for line in outcomes)  # nothing pre-selected
    assert 'id="closing-state"' in detail
    refused = staff_client.post(
        reverse("complaint-transition", args=[complaint.pk]),
        {"status": "closed"},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "Call the complainant back before closing" in refused.content.decode()
    staff_client.post(
        reverse("complaint-callback", args=[complaint.pk]), {"outcome": "satisfied", "note": "满意"}
    )
    staff_client.post(reverse("complaint-transition", args=[complaint.pk]), {"status": "closed"})
    complaint.refresh_from_db()
    assert complaint.status == "closed"
    page = staff_client.get(reverse("complaint-detail", args=[complaint.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert "Satisfied at the call-back" in page.content.decode()


# --- The complainant's tracking page ---------------------------------------------------------------


def test_the_complainant_confirms_on_the_tracking_page(client, project, staff_a):
    complaint = resolved_complaint(project, staff_a)
    track = reverse("public-complaint-track", args=[complaint.tracking_token])
    confirm = reverse("public-complaint-confirm", args=[complaint.tracking_token])
    page = client.get(track).content.decode()
    assert 'id="confirm-form"' in page and confirm in page
    assert client.get(confirm).status_code == 405
    response = client.post(confirm, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert response.redirect_chain[-1][0] == track
    complaint.refresh_from_db()
    assert complaint.status == "closed"
    page = response.content.decode()
    assert 'id="confirm-form"' not in page
    assert "Complainant confirmed the solution" in page.split('id="track-updates"')[1]
    again = client.post(confirm, follow=True)
    assert again.status_code == 200
    assert complaint.events.filter(kind="confirmed").count() == 1


def test_the_confirmation_is_offered_only_on_a_resolved_complaint(client, project, staff_a):
    complaint = resolved_complaint(project, staff_a)
    services.complaint_transition(complaint=complaint, status="in_progress", by=staff_a)
    track = reverse("public-complaint-track", args=[complaint.tracking_token])
    assert 'id="confirm-form"' not in client.get(track).content.decode()
    client.post(reverse("public-complaint-confirm", args=[complaint.tracking_token]))
    complaint.refresh_from_db()
    assert complaint.status == "in_progress"
    assert client.post(reverse("public-complaint-confirm", args=["x" * 43])).status_code == 404


def test_staff_signed_in_cannot_confirm_for_the_complainant(staff_client, project, staff_a):
    complaint = resolved_complaint(project, staff_a)
    track = reverse("public-complaint-track", args=[complaint.tracking_token])
    assert 'id="confirm-form"' not in staff_client.get(track).content.decode()
    staff_client.post(reverse("public-complaint-confirm", args=[complaint.tracking_token]))
    complaint.refresh_from_db()
    assert complaint.status == Status.RESOLVED
