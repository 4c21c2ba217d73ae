from datetime import timedelta

import pytest
from django.utils import timezone

from core.exceptions import Conflict
from customers.models import Communication
from tests.conftest import api_as
from tests.factories import BuildingFactory, CustomerFactory, ProjectFactory, PurchaseFactory, UnitFactory
from touchpoints import services
from touchpoints.models import ServiceTask


def deliver(project, count, days_ago=20, company=None):
    building = BuildingFactory(project=project)
    delivered = timezone.localdate() - timedelta(days=days_ago)
    for _ in range(count):
        customer = CustomerFactory(company=company or project.company)
        PurchaseFactory(
            customer=customer,
            unit=UnitFactory(building=building),
            delivery_date=delivered,
            contract_date=delivered - timedelta(days=300),
        )


def test_every_delivered_unit_gets_a_callback_and_ten_percent_a_visit(company_a):
    project = ProjectFactory(company=company_a)
    deliver(project, 25)
    created = services.generate_delivery_work()
    callbacks = ServiceTask.objects.filter(action__code="delivery_callback")
    visits = ServiceTask.objects.filter(action__code="home_visit")
    assert (callbacks.count(), visits.count(), created) == (25, 3, 28)
    assert services.generate_delivery_work() == 0  # the schedule running twice adds nothing
    assert ServiceTask.objects.count() == 28


def test_home_visits_are_capped_at_sixty_households(company_a):
    project = ProjectFactory(company=company_a)
    deliver(project, 650)
    services.generate_delivery_work()
    services.generate_delivery_work()
    assert ServiceTask.objects.filter(action__code="home_visit", project=project).count() == 60


def test_old_deliveries_get_four_year_visits_not_callbacks(company_a):
    project = ProjectFactory(company=company_a)
    deliver(project, 2, days_ago=5 * 365)
    assert services.generate_delivery_work() == 0
    assert services.generate_four_year_visits() == 2
    assert services.generate_four_year_visits() == 0
    assert set(ServiceTask.objects.values_list("occasion", flat=True)) == {"four-year-1"}


def test_completing_logs_on_the_timeline_and_cannot_happen_twice(company_a, staff_a):
    project = ProjectFactory(company=company_a)
    deliver(project, 1)
    services.generate_delivery_work()
    task = ServiceTask.objects.get(action__code="delivery_callback")
    services.task_complete(
        task=task, note="业主对交付很满意", by=staff_a, outcome="satisfied", channel="phone"
    )
    communication = Communication.objects.get()
    assert (communication.channel, communication.customer_id) == ("phone", task.customer_id)
    assert "业主对交付很满意" in communication.content
    with pytest.raises(Conflict):
        services.task_complete(task=task, note="again", by=staff_a, outcome="satisfied", channel="phone")
    assert Communication.objects.count() == 1


def test_api_lists_scoped_tasks_and_completes_them(company_a, company_b, integrator_a):
    deliver(ProjectFactory(company=company_a), 2)
    deliver(ProjectFactory(company=company_b), 2)
    services.generate_delivery_work()
    client = api_as(integrator_a)
    rows = client.get("/api/v1/service-tasks/?action=delivery_callback").json()["results"]
    assert len(rows) == 2
    foreign = ServiceTask.objects.filter(company=company_b).first()
    assert client.post(f"/api/v1/service-tasks/{foreign.pk}/complete/", {}, format="json").status_code == 404
    done = client.post(
        f"/api/v1/service-tasks/{rows[0]['id']}/complete/",
        {"note": "已回访", "outcome": "satisfied", "channel": "phone"},
        format="json",
    )
    assert done.status_code == 200 and done.json()["status"] == "done"
    again = client.post(f"/api/v1/service-tasks/{rows[0]['id']}/complete/", {"note": "x"}, format="json")
    assert again.status_code == 409
    assert again.json()["code"] == "already_done"


def test_my_tasks_page(client, company_a, staff_a):
    from django.urls import reverse

    from tests.factories import PASSWORD

    deliver(ProjectFactory(company=company_a), 1, days_ago=40)  # the call-back is overdue
    services.generate_delivery_work()
    client.login(username=staff_a.username, password=PASSWORD)
    page = client.get(reverse("my-tasks")).content.decode()
    assert "交付满意度回访" in page and "逾期" in page
    task = ServiceTask.objects.get(action__code="delivery_callback")
    client.post(
        reverse("task-complete", args=[task.pk]), {"note": "满意", "outcome": "satisfied", "channel": "phone"}
    )
    task.refresh_from_db()
    assert task.status == "done"


def test_board_counts_done_due_and_overdue_per_step(company_a, staff_a):
    from touchpoints import selectors

    project = ProjectFactory(company=company_a)
    deliver(project, 3, days_ago=40)  # call-backs overdue (due 30 days after delivery)
    services.generate_delivery_work()
    services.task_complete(
        task=ServiceTask.objects.filter(action__code="delivery_callback").first(),
        note="",
        by=staff_a,
        outcome="satisfied",
        channel="phone",
    )
    board = {
        row.step.order: row for row in selectors.project_board(project=project, today=timezone.localdate())
    }
    moving_in = board[4]
    assert (moving_in.done, moving_in.overdue, moving_in.due) == (1, 2, 1)  # + the home visit, not yet due
    assert moving_in.by_action["交付满意度回访"] == {"done": 1, "due": 0, "overdue": 2}
    assert board[1].total == 0


def test_bulk_marking_attendees_of_an_event(client, company_a, staff_a):
    from django.urls import reverse

    from tests.factories import PASSWORD
    from touchpoints.models import ActionType, PlanItem

    project = ProjectFactory(company=company_a)
    first = CustomerFactory(phone="13811110001", company=company_a)
    second = CustomerFactory(phone="13811110002", company=company_a)
    item = PlanItem.objects.create(
        project=project,
        action=ActionType.objects.get(code="site_open_day"),
        planned_on=timezone.localdate() - timedelta(days=1),
    )
    client.login(username=staff_a.username, password=PASSWORD)
    url = reverse("plan-item-attendees", args=[project.pk, item.pk])
    client.post(url, {"phones": "138 1111 0001\n13811110002\n"})
    assert ServiceTask.objects.filter(occasion=f"plan-{item.pk}", status="done").count() == 2
    assert Communication.objects.filter(customer__in=[first, second], channel="event").count() == 2
    page = client.post(url, {"phones": "13811110001"}, follow=True).content.decode()
    assert "已记录参加本次活动" in page
    page = client.post(url, {"phones": "13899998888\nabc"}, follow=True).content.decode()
    assert "不是手机号码" in page
    assert ServiceTask.objects.filter(occasion=f"plan-{item.pk}").count() == 2
    board = client.get(reverse("project-service-board", args=[project.pk]))
    assert board.status_code == 200


def test_future_events_cannot_be_marked_and_boards_are_scoped(client, company_a, company_b, staff_a):
    from django.urls import reverse

    from tests.factories import PASSWORD
    from touchpoints.models import ActionType, PlanItem

    project = ProjectFactory(company=company_a)
    CustomerFactory(phone="13811110001", company=company_a)
    item = PlanItem.objects.create(
        project=project,
        action=ActionType.objects.get(code="owner_meeting"),
        planned_on=timezone.localdate() + timedelta(days=3),
    )
    client.login(username=staff_a.username, password=PASSWORD)
    page = client.post(
        reverse("plan-item-attendees", args=[project.pk, item.pk]), {"phones": "13811110001"}, follow=True
    ).content.decode()
    assert "尚未举行" in page
    assert not ServiceTask.objects.exists()
    other = ProjectFactory(company=company_b)
    assert client.get(reverse("project-service-board", args=[other.pk])).status_code == 404


def test_quarterly_check_scores_coverage_and_answers(client, company_a, company_b, staff_a, integrator_a):
    from django.urls import reverse

    from tests.factories import PASSWORD
    from touchpoints.selectors import Quarter, quarterly_check

    project = ProjectFactory(company=company_a)
    deliver(project, 4, days_ago=40)
    services.generate_delivery_work()
    callbacks = list(ServiceTask.objects.filter(action__code="delivery_callback"))
    for task in callbacks[:3]:
        services.task_complete(task=task, note="", by=staff_a, outcome="satisfied", channel="phone")
    quarter = Quarter.of(callbacks[0].due_on)
    owners = [task.customer for task in callbacks]
    api = api_as(integrator_a)
    for owner, said_yes in zip(owners, (True, True, False, True), strict=True):
        response = api.post(
            "/api/v1/check-answers/",
            {
                "question": "knows_how_to_complain",
                "project": project.pk,
                "customer": owner.pk,
                "quarter": quarter.label,
                "answer": said_yes,
            },
            format="json",
        )
        assert response.status_code == 201
    again = api.post(
        "/api/v1/check-answers/",
        {
            "question": "knows_how_to_complain",
            "project": project.pk,
            "customer": owners[0].pk,
            "quarter": quarter.label,
            "answer": False,
        },
        format="json",
    )
    assert again.status_code == 409
    bad = api.post(
        "/api/v1/check-answers/",
        {
            "question": "knows_how_to_complain",
            "project": project.pk,
            "customer": owners[0].pk,
            "quarter": "Q4",
            "answer": True,
        },
        format="json",
    )
    assert bad.status_code == 400

    steps = {row.step.order: row for row in quarterly_check(project=project, quarter=quarter)}
    assert ("交付满意度回访", 3, 4, 75.0) in steps[4].actions
    assert steps[6].questions == [("您是否知道如何投诉？", 3, 4, 75.0)]
    assert steps[6].score == 75.0

    client.login(username=staff_a.username, password=PASSWORD)
    url = reverse("quarterly-check", args=[project.pk])
    assert "您是否知道如何投诉" in client.get(url, {"quarter": quarter.label}).content.decode()
    csv_text = client.get(url, {"quarter": quarter.label, "format": "csv"}).content.decode("utf-8-sig")
    assert "您是否知道如何投诉？,3,4,75.0,75.0" in csv_text
    assert client.get(url, {"quarter": "2026Q9"}).status_code == 404
    assert (
        client.get(reverse("quarterly-check", args=[ProjectFactory(company=company_b).pk])).status_code == 404
    )
