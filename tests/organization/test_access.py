"""Who may do what, role by action, in one table per question (organization/access.py)."""

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from organization import access, roles
from tests.factories import PASSWORD, ComplaintFactory, CustomerFactory, ProjectFactory
from touchpoints.models import ActionType, PlanItem, ServiceTask

pytestmark = pytest.mark.django_db

ROLES = ["staff_a", "manager_a", "group_user", "auditor", "integrator_a"]
OWN, OTHER, NOTHING = "company_a", "company_b", None
REFUSED = "refused"


@pytest.fixture
def people(request, staff_a, manager_a, group_user, auditor, integrator_a, company_a, company_b):
    return {name: request.getfixturevalue(name) for name in [*ROLES, "company_a", "company_b"]}


# role, company named, company the write goes to
WRITE_COMPANY = [
    ("staff_a", NOTHING, OWN),
    ("staff_a", OWN, OWN),
    ("staff_a", OTHER, REFUSED),
    ("manager_a", NOTHING, OWN),
    ("manager_a", OTHER, REFUSED),
    ("group_user", NOTHING, REFUSED),
    ("group_user", OTHER, OTHER),
    ("auditor", NOTHING, REFUSED),
    ("auditor", OTHER, OTHER),
    ("integrator_a", NOTHING, OWN),
    ("integrator_a", OTHER, REFUSED),
]


@pytest.mark.parametrize(("role", "named", "expected"), WRITE_COMPANY)
def test_write_company_for(people, role, named, expected):
    requested = people[named] if named else None
    if expected == REFUSED:
        with pytest.raises(access.DomainError) as refused:
            access.write_company_for(people[role], requested)
        assert str(refused.value.message) in {
            "只能为本公司记录。",
            "集团级调用方必须指明所属公司（company）。",
        }
    else:
        assert access.write_company_for(people[role], requested) == people[expected]


def test_group_users_cannot_write_for_a_company_they_do_not_see(people, company_b):
    from tests.factories import UserFactory

    orphan = UserFactory(username="orphan", company=None, role="frontline_staff")
    with pytest.raises(access.DomainError):
        access.write_company_for(orphan, company_b)


# role, may be handed complaints / service tasks / improvement plans of company A
ASSIGNABLE = [
    ("staff_a", True),
    ("manager_a", True),
    ("group_user", True),
    ("auditor", False),  # reads only
    ("integrator_a", False),  # API only
]
WORK = [access.HANDLE_COMPLAINTS, access.WORK_ON_SERVICE_TASKS, access.OWN_IMPROVEMENT_PLANS]


@pytest.mark.parametrize("perm", WORK)
@pytest.mark.parametrize(("role", "expected"), ASSIGNABLE)
def test_assignable_staff(people, staff_b, role, expected, perm):
    for acting in ("manager_a", "group_user"):
        offered = access.assignable_staff(people[acting], people["company_a"], perm=perm)
        assert (people[role] in offered) is expected
        assert staff_b not in offered
        assert access.may_be_assigned(people[role], people["company_a"].pk, perm=perm) is expected
    assert not access.assignable_staff(people["staff_a"], people["company_b"], perm=perm).exists()


def test_one_person_is_judged_as_the_list_judges_them(people, staff_b):
    """``may_be_assigned`` reads a person's cached permissions; ``assignable_staff`` asks the database.
    Whoever the person is, the two agree."""
    from django.contrib.auth.models import Permission

    from tests.factories import UserFactory

    def direct(person, perm):
        app_label, codename = perm.split(".")
        person.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )

    company = people["company_a"]
    inactive = UserFactory(company=company, role=roles.FRONTLINE_STAFF, is_active=False)
    admin_with_role = UserFactory(company=company, role=roles.FRONTLINE_STAFF, is_superuser=True)
    bare_admin = UserFactory(company=None, is_superuser=True)
    granted_directly = UserFactory(company=company)
    direct(granted_directly, access.STAFF_UI)
    direct(granted_directly, access.HANDLE_COMPLAINTS)
    staff_ui_only = UserFactory(company=company)
    direct(staff_ui_only, access.STAFF_UI)
    everyone = [*(people[role] for role in ROLES), staff_b, inactive, admin_with_role, bare_admin]
    everyone += [granted_directly, staff_ui_only]
    for perm in WORK:
        offered = set(access.assignable_staff(people["group_user"], company, perm=perm))
        for person in everyone:
            fresh = type(person).objects.get(pk=person.pk)
            assert access.may_be_assigned(fresh, company.pk, perm=perm) is (person in offered), (person, perm)
    handlers = set(access.assignable_staff(people["group_user"], company, perm=access.HANDLE_COMPLAINTS))
    assert granted_directly in handlers and admin_with_role in handlers
    assert bare_admin not in handlers and staff_ui_only not in handlers and inactive not in handlers


def test_a_role_taken_away_counts_for_assignment_at_once(people):
    from django.contrib.auth.models import Group

    staff = people["staff_a"]
    company_id = people["company_a"].pk
    assert access.may_be_assigned(staff, company_id, perm=access.HANDLE_COMPLAINTS)
    staff.groups.remove(Group.objects.get(name=roles.FRONTLINE_STAFF))
    fresh = type(staff).objects.get(pk=staff.pk)
    assert not access.may_be_assigned(fresh, company_id, perm=access.HANDLE_COMPLAINTS)


def test_inactive_people_are_never_assignable(people):
    people["staff_a"].is_active = False
    people["staff_a"].save()
    assert people["staff_a"] not in access.assignable_staff(people["manager_a"], people["company_a"])


@pytest.fixture
def records(company_a, company_b):
    def task(company):
        project = ProjectFactory(company=company)
        return ServiceTask.objects.create(
            company=company,
            project=project,
            customer=CustomerFactory(company=company),
            action=ActionType.objects.get(code="periodic_callback"),
            occasion="test",
            due_on=date(2026, 5, 1),
        )

    def plan_item(company):
        return PlanItem.objects.create(
            project=ProjectFactory(company=company),
            action=ActionType.objects.get(code="site_open_day"),
            planned_on=timezone.localdate() - timedelta(days=1),
        )

    return {
        "project": {OWN: ProjectFactory(company=company_a), OTHER: ProjectFactory(company=company_b)},
        "complaint": {OWN: ComplaintFactory(project__company=company_a), OTHER: ComplaintFactory()},
        "customer": {OWN: CustomerFactory(company=company_a), OTHER: CustomerFactory(company=company_b)},
        "service_task": {OWN: task(company_a), OTHER: task(company_b)},
        "plan_item": {OWN: plan_item(company_a), OTHER: plan_item(company_b)},
    }


OK, NOT_FOUND, FORBIDDEN = "ok", 404, 403
# role, action: outcome for a record of the role's company (A), outcome for one of company B
ACCESS = {
    "project": [
        ("staff_a", "view", OK, NOT_FOUND),
        ("staff_a", "assign_duty", FORBIDDEN, FORBIDDEN),  # choosing the duty handler is a manager's
        ("manager_a", "assign_duty", OK, NOT_FOUND),
        ("group_user", "assign_duty", OK, OK),
        ("auditor", "view", OK, OK),
        ("auditor", "assign_duty", FORBIDDEN, FORBIDDEN),
        ("integrator_a", "assign_duty", FORBIDDEN, FORBIDDEN),
    ],
    "complaint": [
        ("staff_a", "view", OK, NOT_FOUND),
        ("staff_a", "change", OK, NOT_FOUND),
        ("manager_a", "change", OK, NOT_FOUND),
        ("group_user", "view", OK, OK),
        ("group_user", "change", OK, OK),
        ("auditor", "view", OK, OK),
        ("auditor", "change", FORBIDDEN, FORBIDDEN),
        ("integrator_a", "view", OK, NOT_FOUND),
        ("integrator_a", "change", OK, NOT_FOUND),
    ],
    "customer": [
        ("staff_a", "view", OK, NOT_FOUND),
        ("staff_a", "change", OK, NOT_FOUND),
        ("manager_a", "change", OK, NOT_FOUND),
        ("group_user", "change", OK, OK),
        ("auditor", "view", OK, OK),
        ("auditor", "change", FORBIDDEN, FORBIDDEN),
        ("integrator_a", "change", OK, NOT_FOUND),
    ],
    "service_task": [
        ("staff_a", "view", OK, NOT_FOUND),
        ("staff_a", "change", OK, NOT_FOUND),
        ("staff_a", "assign", FORBIDDEN, FORBIDDEN),
        ("manager_a", "assign", OK, NOT_FOUND),
        ("group_user", "assign", OK, OK),
        ("auditor", "view", FORBIDDEN, FORBIDDEN),  # service work is not theirs to read
        ("integrator_a", "change", OK, NOT_FOUND),
    ],
    # Planned events are service work: the service-task permissions decide.
    "plan_item": [
        ("staff_a", "view", OK, NOT_FOUND),
        ("staff_a", "change", OK, NOT_FOUND),
        ("group_user", "change", OK, OK),
        ("auditor", "view", FORBIDDEN, FORBIDDEN),
        ("integrator_a", "change", OK, NOT_FOUND),
    ],
}
ACCESS_ROWS = [(model, *row) for model, rows in ACCESS.items() for row in rows]


@pytest.mark.parametrize(("model", "role", "action", "own", "other"), ACCESS_ROWS)
def test_access_record(people, records, model, role, action, own, other):
    helper = getattr(access, f"access_{model}")
    for where, expected in ((OWN, own), (OTHER, other)):
        record = records[model][where]
        if expected == OK:
            assert helper(people[role], record.pk, action) == record
        else:
            with pytest.raises(Http404 if expected == NOT_FOUND else PermissionDenied):
                helper(people[role], record.pk, action)


# role, action: the ticked tasks (company A's, company B's, a missing id) that are kept
TICKED = [
    ("manager_a", "assign", {OWN}),
    ("group_user", "assign", {OWN, OTHER}),
    ("staff_a", "change", {OWN}),
    ("staff_a", "assign", REFUSED),
    ("auditor", "view", REFUSED),
]


@pytest.mark.parametrize(("role", "action", "kept"), TICKED)
def test_access_service_tasks_keeps_the_ticked_tasks_in_scope(people, records, role, action, kept):
    tasks = records["service_task"]
    ticked = [tasks[OWN].pk, tasks[OTHER].pk, 987654321]
    if kept == REFUSED:
        with pytest.raises(PermissionDenied):
            access.access_service_tasks(people[role], ticked, action)
    else:
        assert set(access.access_service_tasks(people[role], ticked, action)) == {
            tasks[where].pk for where in kept
        }


@pytest.mark.parametrize("pk", [987654321, "abc", None])
def test_access_to_a_missing_record_is_not_found(people, pk):
    with pytest.raises(Http404):
        access.access_complaint(people["group_user"], pk, "view")


def test_the_complaint_page_offers_no_integrator_or_auditor_as_handler_or_handover_target(
    client, people, staff_b
):
    complaint = ComplaintFactory(project__company=people["company_a"], first_responder=people["staff_a"])
    client.login(username=people["manager_a"].username, password=PASSWORD)
    page = client.get(reverse("complaint-detail", args=[complaint.pk]))
    handover = page.context["handover_form"].fields["to_user"].queryset
    handlers = page.context["assign_form"].fields["handler"].queryset
    for offered in (handover, handlers):
        assert people["integrator_a"] not in offered
        assert people["auditor"] not in offered
        assert staff_b not in offered
        assert people["manager_a"] in offered
    assert people["staff_a"] not in handover  # already the first responder
    # The defect-type picker has numbered options too: the people pickers are the rest of the page.
    html = re.sub(r'<form[^>]*id="defect-type-form".*?</form>', "", page.content.decode(), flags=re.S)
    assert f'value="{people["integrator_a"].pk}"' not in html


def test_service_tasks_cannot_be_assigned_to_an_integrator_or_auditor(people, records):
    from tests.conftest import api_as

    task = records["service_task"][OWN]
    api = api_as(people["manager_a"])
    for person in ("integrator_a", "auditor"):
        refused = api.post(
            f"/api/v1/service-tasks/{task.pk}/assign/", {"assignee": people[person].pk}, format="json"
        )
        assert refused.status_code == 400 and refused.json()["code"] == "assignee_outside"
    ok = api.post(
        f"/api/v1/service-tasks/{task.pk}/assign/", {"assignee": people["group_user"].pk}, format="json"
    )
    assert ok.status_code == 200


def test_improvement_plan_owners_are_the_same_on_the_page_and_the_api(client, people):
    from surveys.models import Indicator
    from tests.conftest import api_as

    project = ProjectFactory(company=people["company_a"])
    body = {
        "project": project.pk,
        "indicator": Indicator.objects.get(code="repair_response").pk,
        "goal": "维修响应提速",
        "department": "property",
        "deadline": "2030-01-31",
        "measures": "24小时内上门",
    }
    api = api_as(people["manager_a"])
    for person in ("integrator_a", "auditor"):
        refused = api.post("/api/v1/improvement-plans/", {**body, "owner": people[person].pk}, format="json")
        assert refused.status_code == 400 and "owner" in refused.data
    assert (
        api.post(
            "/api/v1/improvement-plans/", {**body, "owner": people["staff_a"].pk}, format="json"
        ).status_code
        == 201
    )
    client.login(username=people["manager_a"].username, password=PASSWORD)
    offered = client.get(reverse("survey-improvement-create")).context["form"].fields["owner"].queryset
    assert set(offered) == {people["staff_a"], people["manager_a"], people["group_user"]}


def test_who_manages_a_company_and_who_is_the_group_centre(people):
    from organization import roles
    from tests.factories import UserFactory

    other_manager = UserFactory(username="manager_b", company=people["company_b"], role=roles.COMPANY_MANAGER)
    gone = UserFactory(username="manager_gone", company=people["company_a"], role=roles.COMPANY_MANAGER)
    gone.is_active = False
    gone.save()
    managers = set(access.company_managers(people["company_a"].pk).values_list("username", flat=True))
    assert managers == {"manager_a"}
    assert set(access.company_managers(people["company_b"].pk)) == {other_manager}
    # The auditor sees every company but manages nothing.
    assert set(access.group_centre().values_list("username", flat=True)) == {"group_cr"}


ROOT = Path(__file__).resolve().parents[2]
DECIDE_BY_ROLE = {"organization/roles.py", "organization/access.py"}
# The demo's accounts are named after their roles ("auditor", "integrator"); it gives them roles
# through the constants of roles.py.
DEMO_ACCOUNTS = {"organization/demo.py"}


def test_no_role_name_outside_roles_and_access():
    from organization import roles

    names = "|".join(map(re.escape, roles.ROLE_PERMISSIONS))
    quoted = re.compile(rf"""["']({names})["']""")
    sources = [
        path
        for top in [*(app.parent for app in ROOT.glob("*/apps.py")), ROOT / "vanke_crm", ROOT / "templates"]
        for path in top.rglob("*")
        if path.suffix in {".py", ".html"} and "migrations" not in path.parts
    ]
    assert len(sources) > 50
    found = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for path in sources
        if str(path.relative_to(ROOT)) not in DECIDE_BY_ROLE | DEMO_ACCOUNTS
        for match in quoted.finditer(path.read_text(encoding="utf-8"))
    ]
    assert found == []
    group_lookups = re.compile(r"groups__name|Group\.objects|\.groups\.")
    by_group = [
        str(path.relative_to(ROOT))
        for path in sources
        if str(path.relative_to(ROOT)) not in DECIDE_BY_ROLE | DEMO_ACCOUNTS
        and group_lookups.search(path.read_text(encoding="utf-8"))
    ]
    assert by_group == []


# role: told of a new complaint of company A at intake (its own people who may handle complaints)
COMPANY_STAFF = [
    ("staff_a", True),
    ("manager_a", True),
    ("group_user", False),  # group level: not a member of the company's team
    ("auditor", False),
    ("integrator_a", False),
]


@pytest.mark.parametrize(("role", "expected"), COMPANY_STAFF)
def test_company_staff(people, staff_b, role, expected):
    team = access.company_staff(people["company_a"].pk)
    assert (people[role] in team) is expected
    assert staff_b not in team
    assert set(access.company_staff(people["company_b"].pk)) == {staff_b}


def test_company_staff_leaves_out_people_who_left(people):
    people["staff_a"].is_active = False
    people["staff_a"].save()
    assert people["staff_a"] not in access.company_staff(people["company_a"].pk)
