"""The API actions and staff pages of issue groups and second complaints, and the owner's "not
solved": the same services, scoped (another company's complaint is a 404 or an unknown id), 403
without the permission, translated 400/409 domain errors."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from complaints import services
from complaints.models import Complaint, ComplaintEvent, Status
from tests.conftest import api_as
from tests.factories import PASSWORD, ComplaintFactory, ProjectFactory


def phone(n: int) -> str:
    return f"1380000{n:04d}"


def cluster_of(project, first: int = 0):
    return [
        ComplaintFactory(
            project=project,
            contact_phone=phone(first + n),
            received_at=timezone.now() - timedelta(hours=n + 1),
        )
        for n in range(3)
    ]


@pytest.fixture
def clusters(company_a, company_b):
    return {
        "a": cluster_of(ProjectFactory(company=company_a)),
        "b": cluster_of(ProjectFactory(company=company_b), 10),
    }


def ids(complaints) -> list[int]:
    return sorted(c.pk for c in complaints)


# --- GET /api/v1/complaints/clusters/ -----------------------------------------------------------


def test_each_company_sees_only_its_own_clusters(clusters, staff_a, staff_b, group_user, auditor):
    def seen(user):
        response = api_as(user).get("/api/v1/complaints/clusters/")
        assert response.status_code == 200
        return [[member["id"] for member in row["complaints"]] for row in response.json()]

    assert seen(staff_a) == [ids(clusters["a"])]
    assert seen(staff_b) == [ids(clusters["b"])]
    assert sorted(seen(group_user)) == sorted([ids(clusters["a"]), ids(clusters["b"])])
    assert len(seen(auditor)) == 2  # reading is enough to see suggestions


def test_a_cluster_row_says_what_it_groups(clusters, staff_a):
    (row,) = api_as(staff_a).get("/api/v1/complaints/clusters/").json()
    project = clusters["a"][0].project
    assert (row["project"], row["project_name"], row["building"], row["category"], row["complainants"]) == (
        project.pk,
        project.name,
        None,
        "construction",
        3,
    )
    assert {member["number"] for member in row["complaints"]} == {c.number for c in clusters["a"]}


def test_clusters_need_the_view_permission(clusters, api_client):
    assert api_client.get("/api/v1/complaints/clusters/").status_code in (401, 403)


# --- POST /api/v1/complaints/clusters/link/ -----------------------------------------------------


def link(user, complaint_ids, **kwargs):
    return api_as(user).post(
        "/api/v1/complaints/clusters/link/", {"complaints": complaint_ids}, format="json", **kwargs
    )


def test_linking_a_cluster_through_the_api(clusters, staff_a):
    response = link(staff_a, ids(clusters["a"]))
    assert response.status_code == 200
    body = response.json()
    root = min(clusters["a"], key=lambda c: c.received_at)
    assert (body["issue_root"], body["number"], body["complaints"], body["tier"]) == (
        root.pk,
        root.number,
        ids(clusters["a"]),
        "hot",
    )
    assert api_as(staff_a).get("/api/v1/complaints/clusters/").json() == []
    again = link(staff_a, ids(clusters["a"]))
    assert (again.status_code, again.json()["code"]) == (409, "already_grouped")


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (lambda c: {"complaints": [c["a"][0].pk, c["b"][0].pk]}, 400, "unknown_complaints"),
        (lambda c: {"complaints": [c["a"][0].pk, c["a"][0].pk]}, 400, "too_few"),
        (lambda c: {"complaints": [c["a"][0].pk]}, 400, None),  # the serializer: at least two
        (lambda c: {"complaints": ["x", "y"]}, 400, None),
        (lambda c: {}, 400, None),
    ],
)
def test_what_the_link_refuses(clusters, staff_a, body, status, code):
    response = api_as(staff_a).post("/api/v1/complaints/clusters/link/", body(clusters), format="json")
    assert response.status_code == status
    if code:
        assert response.json()["code"] == code and response.json()["detail"]
    assert not Complaint.objects.filter(issue_root__isnull=False).exists()


def test_linking_needs_the_change_permission(clusters, auditor):
    assert link(auditor, ids(clusters["a"])).status_code == 403


def test_the_link_takes_json_only(clusters, staff_a):
    response = api_as(staff_a).post(
        "/api/v1/complaints/clusters/link/", {"complaints": ids(clusters["a"])}, format="multipart"
    )
    assert response.status_code == 415


# --- POST /api/v1/complaints/{id}/unlink-follows/ -----------------------------------------------


@pytest.fixture
def second(company_a):
    project = ProjectFactory(company=company_a)
    first = ComplaintFactory(
        project=project,
        status=Status.CLOSED,
        resolved_at=timezone.now() - timedelta(days=3),
        contact_phone="13912345678",
    )
    intake = services.Intake(
        project=project,
        channel="hotline",
        category="construction",
        title="又渗水",
        description="又渗水",
        follows=first,
    )
    return services.complaint_create(intake=intake)


def unlink(user, complaint, body):
    return api_as(user).post(f"/api/v1/complaints/{complaint.pk}/unlink-follows/", body, format="json")


def test_unlinking_through_the_api(second, staff_a):
    assert second.tier == "important"
    response = unlink(staff_a, second, {"reason": "不是同一个问题"})
    assert response.status_code == 200
    body = response.json()
    assert (body["follows"], body["follows_reason"], body["tier"]) == (None, "", "normal")
    detail = api_as(staff_a).get(f"/api/v1/complaints/{second.pk}/").json()
    assert [e["kind"] for e in detail["events"]][-2:] == ["follows_unlinked", "tier_lowered"]
    again = unlink(staff_a, second, {"reason": "再次"})
    assert (again.status_code, again.json()["code"]) == (409, "not_following")


def test_unlinking_is_scoped_permitted_and_needs_a_reason(second, staff_a, staff_b, auditor):
    assert unlink(staff_b, second, {"reason": "x"}).status_code == 404
    assert unlink(auditor, second, {"reason": "x"}).status_code == 403
    assert unlink(staff_a, second, {}).status_code == 400
    blank = unlink(staff_a, second, {"reason": "   "})
    assert blank.status_code == 400
    assert (
        api_as(staff_a)
        .post("/api/v1/complaints/987654321/unlink-follows/", {"reason": "x"}, format="json")
        .status_code
        == 404
    )
    second.refresh_from_db()
    assert second.follows_id is not None


# --- Intake and reopening through the API ---------------------------------------------------------


def test_an_api_intake_goes_to_the_duty_handler(company_a, integrator_a, staff_a):
    project = ProjectFactory(company=company_a, duty_handler=staff_a)
    response = api_as(integrator_a).post(
        "/api/v1/complaints/",
        {
            "project": project.pk,
            "channel": "hotline",
            "category": "construction",
            "title": "渗水",
            "description": "渗水",
        },
        format="json",
    )
    assert response.status_code == 201
    assert (response.json()["status"], response.json()["handler"]) == ("assigned", staff_a.pk)


def test_reopening_through_the_transition_api_counts_a_second_complaint(company_a, staff_a):
    complaint = ComplaintFactory(
        project=ProjectFactory(company=company_a),
        status=Status.RESOLVED,
        received_at=timezone.now() - timedelta(days=2),  # the one-week clock has not run out
        resolved_at=timezone.now(),
        handler=staff_a,
    )
    response = api_as(staff_a).post(
        f"/api/v1/complaints/{complaint.pk}/transition/",
        {"status": "in_progress", "note": "仍漏水"},
        format="json",
    )
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["reopen_count"], response.json()["tier"]) == (
        "in_progress",
        1,
        "important",
    )


# --- Pages --------------------------------------------------------------------------------------


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_the_clusters_page_is_scoped_and_linked_from_the_list(client, clusters, staff_a):
    login(client, staff_a)
    assert reverse("complaint-clusters") in client.get(reverse("complaint-list")).content.decode()
    page = client.get(reverse("complaint-clusters"))
    assert page.status_code == 200
    text = page.content.decode()
    assert all(c.number in text for c in clusters["a"])
    assert not any(c.number in text for c in clusters["b"])
    assert reverse("complaint-clusters-link") in text


def test_the_clusters_page_costs_the_same_for_many_clusters(client, company_a, staff_a):
    login(client, staff_a)

    def page_queries():
        with CaptureQueriesContext(connection) as queries:
            page = client.get(reverse("complaint-clusters"))
        return len(page.context["clusters"]), len(queries)

    cluster_of(ProjectFactory(company=company_a))
    page_queries()  # the first request also reads the caller's permissions, kept for the next ones
    one, with_one = page_queries()
    for n in range(1, 8):
        cluster_of(ProjectFactory(company=company_a), n * 10)
    eight, with_eight = page_queries()
    assert (one, eight) == (1, 8)
    assert with_eight == with_one


def test_linking_on_the_page_is_one_click(client, clusters, staff_a):
    login(client, staff_a)
    response = client.post(reverse("complaint-clusters-link"), {"complaint": ids(clusters["a"])})
    root = min(clusters["a"], key=lambda c: c.received_at)
    assert response.status_code == 302 and response.url == reverse("complaint-detail", args=[root.pk])
    assert Complaint.objects.filter(issue_root=root).count() == 2


def test_the_page_refuses_another_companys_complaints_with_a_message(client, clusters, staff_a):
    login(client, staff_a)
    response = client.post(
        reverse("complaint-clusters-link"),
        {"complaint": [clusters["a"][0].pk, clusters["b"][0].pk]},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("complaint-clusters")
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert not Complaint.objects.filter(issue_root__isnull=False).exists()


def test_readers_see_the_clusters_but_cannot_link(client, clusters, auditor):
    login(client, auditor)
    page = client.get(reverse("complaint-clusters"))
    assert page.status_code == 200 and reverse("complaint-clusters-link") not in page.content.decode()
    assert (
        client.post(reverse("complaint-clusters-link"), {"complaint": ids(clusters["a"])}).status_code == 403
    )


def test_the_detail_page_says_why_it_follows_and_staff_unlink_there(client, company_a, staff_a, staff_b):
    project = ProjectFactory(company=company_a)
    first = ComplaintFactory(
        project=project,
        status=Status.CLOSED,
        resolved_at=timezone.now() - timedelta(days=3),
        contact_phone="13912345678",
    )
    from customers.models import Customer

    Complaint.objects.filter(pk=first.pk).update(
        customer=Customer.objects.create(company=company_a, name="王", phone="13912345678", phone_tail="5678")
    )
    second = services.complaint_create(
        intake=services.Intake(
            project=project,
            channel="hotline",
            category="construction",
            title="又渗水",
            description="又渗水",
            contact_phone="13912345678",
        )
    )
    assert second.follows_reason == "same_customer"
    login(client, staff_a)
    page = client.get(reverse("complaint-detail", args=[second.pk])).content.decode()
    assert services.follows_text(second) in page and first.number in page
    assert reverse("complaint-unlink-follows", args=[second.pk]) in page
    refused = client.post(reverse("complaint-unlink-follows", args=[second.pk]), {"reason": ""})
    assert refused.status_code == 302
    assert Complaint.objects.get(pk=second.pk).follows_id == first.pk
    client.post(reverse("complaint-unlink-follows", args=[second.pk]), {"reason": "不同问题"})
    assert Complaint.objects.get(pk=second.pk).follows_id is None
    login(client, staff_b)
    assert (
        client.post(reverse("complaint-unlink-follows", args=[second.pk]), {"reason": "x"}).status_code == 404
    )


def test_the_owner_says_not_solved_on_the_tracking_page(client, company_a, staff_a):
    complaint = ComplaintFactory(
        project=ProjectFactory(company=company_a),
        status=Status.RESOLVED,
        received_at=timezone.now() - timedelta(days=2),  # the one-week clock has not run out
        resolved_at=timezone.now(),
        handler=staff_a,
        tracking_token="t" * 43,
    )
    track = reverse("public-complaint-track", args=[complaint.tracking_token])
    not_solved = reverse("public-complaint-not-solved", args=[complaint.tracking_token])
    assert not_solved in client.get(track).content.decode()
    response = client.post(not_solved, {"text": "卫生间仍然漏水"})
    assert response.status_code == 302 and response.url == track
    complaint.refresh_from_db()
    assert (complaint.status, complaint.reopen_count, complaint.tier) == ("in_progress", 1, "important")
    event = complaint.events.get(kind=ComplaintEvent.Kind.STATUS)
    assert "卫生间仍然漏水" in event.note and event.by is None and event.visible_to_complainant
    # In progress again: no button, and a second press changes nothing.
    assert not_solved not in client.get(track).content.decode()
    client.post(not_solved, {"text": "再按一次"})
    complaint.refresh_from_db()
    assert complaint.reopen_count == 1
    assert client.post(reverse("public-complaint-not-solved", args=["x" * 43]), {}).status_code == 404


def test_the_owners_not_solved_words_are_read_for_risk(client, company_a, staff_a):
    complaint = ComplaintFactory(
        project=ProjectFactory(company=company_a),
        status=Status.RESOLVED,
        received_at=timezone.now() - timedelta(days=2),
        resolved_at=timezone.now(),
        handler=staff_a,
        tracking_token="r" * 43,
    )
    client.post(
        reverse("public-complaint-not-solved", args=[complaint.tracking_token]),
        {"text": "还是漏水，再不解决我就找记者曝光"},
    )
    signal = complaint.risk_signals.get()
    assert (signal.signal, signal.source, signal.state) == ("media_possible", "owner_message", "open")
