"""Issue groups and second complaints: mass complaints, clusters and linking them, follows found at
intake and unlinked by staff, and reopening (staff, the owner, an unhappy call-back)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from complaints import services
from complaints.models import Complaint, ComplaintEvent, Notification, Status, Tier
from core.exceptions import Conflict, DomainError
from tests.factories import BuildingFactory, ComplaintFactory, CustomerFactory, ProjectFactory, UnitFactory


@pytest.fixture
def project(company_a):
    return ProjectFactory(company=company_a, name="四季花城")


def intake(project, **overrides) -> services.Intake:
    values = {
        "project": project,
        "channel": "hotline",
        "category": "construction",
        "title": "外墙渗水",
        "description": "外墙渗水到卧室",
    }
    return services.Intake(**{**values, **overrides})


def phone(n: int) -> str:
    return f"1380000{n:04d}"


# --- Mass complaints ----------------------------------------------------------------------------


def test_the_tenth_complainant_makes_every_open_member_of_the_issue_major(
    project, staff_a, manager_a, group_user
):
    first = services.complaint_create(intake=intake(project, contact_phone=phone(1)), received_by=staff_a)
    members = [first] + [
        services.complaint_create(
            intake=intake(project, contact_phone=phone(n), same_issue_as=first), received_by=staff_a
        )
        for n in range(2, 10)
    ]
    handled = members[1]
    Complaint.objects.filter(pk=handled.pk).update(status=Status.CLOSED)
    assert {c.tier for c in Complaint.objects.filter(pk__in=[m.pk for m in members])} == {"hot"}
    assert not Complaint.objects.filter(tier="major").exists()  # nine complainants

    tenth = services.complaint_create(
        intake=intake(project, contact_phone=phone(10), same_issue_as=members[4]), received_by=staff_a
    )
    assert tenth.tier == "major" and "same_issue_10_complainants" in tenth.tier_reasons
    for member in Complaint.objects.exclude(pk__in=[handled.pk, tenth.pk]):
        assert member.tier == "major", member.number
        rise = member.events.get(kind=ComplaintEvent.Kind.TIER_RAISED, to_value="major")
        assert "same_issue_10_complainants" in rise.reasons and rise.by is None
    assert Complaint.objects.get(pk=handled.pk).tier == "hot"  # closed: not judged again
    # Told as intake tells of a major rise: the managers and the group centre, once per open member.
    open_members = Complaint.objects.exclude(pk=handled.pk).count()
    major = str(Tier.MAJOR.label)
    for person in (manager_a, group_user):
        told = Notification.objects.filter(user=person, message__contains=major)
        assert sorted(told.values_list("complaint_id", flat=True)) == sorted(
            Complaint.objects.exclude(pk=handled.pk).values_list("pk", flat=True)
        )
    assert Notification.objects.filter(user=group_user).count() == open_members


# --- Clusters -----------------------------------------------------------------------------------


def recent(hours: float):
    return timezone.now() - timedelta(hours=hours)


def filed(project, n: int, *, unit=None, category="construction", hours: float = 1, **fields):
    return ComplaintFactory(
        project=project,
        unit=unit,
        category=category,
        contact_phone=phone(n),
        received_at=recent(hours),
        **fields,
    )


@pytest.fixture
def clusters(company_a, company_b, project):
    building = BuildingFactory(project=project, name="3栋")
    units = [UnitFactory(building=building) for _ in range(4)]
    other_project = ProjectFactory(company=company_b, name="北京金域")
    return {
        # One building, one category, three owners: a cluster.
        "building": [filed(project, n, unit=units[n]) for n in range(3)],
        # The same building in another category, with one owner only: nothing.
        "other_category": filed(project, 1, unit=units[1], category="property"),
        # The unit unknown: the project's cluster, three owners.
        "project": [filed(project, n, category="design") for n in range(10, 13)],
        # Company B's cluster.
        "b": [filed(other_project, n) for n in range(20, 23)],
    }


def cluster_keys(user):
    return {(c.project_id, c.building_id, c.category): c.ids for c in services.complaint_clusters(user=user)}


def test_complaints_of_one_building_or_project_and_category_are_suggested_as_one_issue(
    clusters, project, staff_a, staff_b, group_user
):
    building = clusters["building"][0].unit.building_id
    expected_a = {
        (project.pk, building, "construction"): sorted(c.pk for c in clusters["building"]),
        (project.pk, None, "design"): sorted(c.pk for c in clusters["project"]),
    }
    assert cluster_keys(staff_a) == expected_a
    b_project = clusters["b"][0].project_id
    assert cluster_keys(staff_b) == {(b_project, None, "construction"): sorted(c.pk for c in clusters["b"])}
    assert len(cluster_keys(group_user)) == 3
    shown = next(c for c in services.complaint_clusters(user=staff_a) if c.building_id)
    assert (shown.complainants, shown.building_name, shown.project_name) == (3, "3栋", "四季花城")
    assert [number for _pk, number in shown.complaints] == sorted(c.number for c in clusters["building"])


def test_the_cluster_query_is_one_query(clusters, staff_a, group_user, django_assert_num_queries):
    """One GROUP BY over the (company, received_at) index, whatever the number of clusters; the plan
    on PostgreSQL is in docs/ARCHITECTURE.md ("Issue groups and second complaints")."""
    for user in (staff_a, group_user):
        user.has_perm("complaints.view_complaint")  # the user's permissions are cached once per request
        with django_assert_num_queries(1):
            found = services.complaint_clusters(user=user)
        assert found


@pytest.mark.parametrize(
    "change",
    [
        "same_owner",  # two of the three are one owner: two complainants
        "already_grouped",  # already one issue group
        "old",  # one of them is older than 30 days
        "all_closed",  # nothing left to act on
    ],
)
def test_what_is_not_suggested(project, staff_a, change):
    complaints = [filed(project, n) for n in range(3)]
    if change == "same_owner":
        Complaint.objects.filter(pk=complaints[2].pk).update(contact_phone=complaints[0].contact_phone)
    if change == "already_grouped":
        Complaint.objects.filter(pk__in=[c.pk for c in complaints[1:]]).update(issue_root=complaints[0])
    if change == "old":
        Complaint.objects.filter(pk=complaints[0].pk).update(received_at=recent(24 * 31))
    if change == "all_closed":
        Complaint.objects.update(status=Status.CLOSED)
    assert services.complaint_clusters(user=staff_a) == []


def test_a_customer_file_and_a_phone_are_one_complainant_each(project, company_a, staff_a):
    customer = CustomerFactory(company=company_a)
    filed(project, 1, customer=customer)
    filed(project, 2, customer=customer)  # another phone, the same file
    filed(project, 3)
    assert services.complaint_clusters(user=staff_a) == []
    filed(project, 4)
    assert [c.complainants for c in services.complaint_clusters(user=staff_a)] == [3]


def test_linking_a_cluster_makes_one_issue_group_under_the_earliest(clusters, staff_a):
    chosen = clusters["building"]
    earliest = min(chosen, key=lambda c: c.received_at)
    root = services.issue_group_link(complaint_ids=[c.pk for c in chosen], by=staff_a)
    assert root == earliest
    for complaint in Complaint.objects.filter(pk__in=[c.pk for c in chosen]).exclude(pk=root.pk):
        assert complaint.issue_root_id == root.pk
        linked = complaint.events.get(kind=ComplaintEvent.Kind.LINKED)
        assert (linked.to_value, linked.by) == (root.number, staff_a)
    # Three complainants of one issue: hot.
    assert set(Complaint.objects.filter(pk__in=[c.pk for c in chosen]).values_list("tier", flat=True)) == {
        "hot"
    }
    assert (root.pk, None, "construction") not in cluster_keys(staff_a)
    assert len(cluster_keys(staff_a)) == 1


def test_linking_merges_the_groups_the_complaints_are_in(project, staff_a):
    first, second = filed(project, 1, hours=5), filed(project, 2, hours=4)
    other, its_member = filed(project, 3, hours=3), filed(project, 4, hours=2)
    Complaint.objects.filter(pk=second.pk).update(issue_root=first)
    Complaint.objects.filter(pk=its_member.pk).update(issue_root=other)
    root = services.issue_group_link(complaint_ids=[second.pk, its_member.pk], by=staff_a)
    assert root == first
    assert set(Complaint.objects.filter(issue_root=first).values_list("pk", flat=True)) == {
        second.pk,
        other.pk,
        its_member.pk,
    }
    assert set(Complaint.objects.filter(issue_root=first).values_list("tier", flat=True)) == {"hot"}


def test_ten_complainants_linked_at_once_are_a_mass_complaint(project, staff_a, manager_a):
    complaints = [filed(project, n, hours=n + 1) for n in range(10)]
    services.issue_group_link(complaint_ids=[c.pk for c in complaints], by=staff_a)
    assert set(Complaint.objects.values_list("tier", flat=True)) == {"major"}
    assert ComplaintEvent.objects.filter(kind="tier_raised", to_value="major").count() == 10
    assert Notification.objects.filter(user=manager_a).count() == 10


@pytest.mark.parametrize(
    ("who", "pick", "error", "code"),
    [
        ("staff_a", lambda c: [c["building"][0].pk], DomainError, "too_few"),
        ("staff_a", lambda c: [c["building"][0].pk, c["building"][0].pk], DomainError, "too_few"),
        ("staff_a", lambda c: [c["building"][0].pk, c["b"][0].pk], DomainError, "unknown_complaints"),
        ("staff_a", lambda c: [c["building"][0].pk, 987654321], DomainError, "unknown_complaints"),
        ("group_user", lambda c: [c["building"][0].pk, c["b"][0].pk], DomainError, "other_company"),
    ],
)
def test_what_linking_refuses(request, clusters, who, pick, error, code):
    with pytest.raises(error) as refused:
        services.issue_group_link(complaint_ids=pick(clusters), by=request.getfixturevalue(who))
    assert refused.value.code == code
    assert not Complaint.objects.filter(issue_root__isnull=False).exists()


def test_linking_an_issue_group_again_is_a_conflict(clusters, staff_a):
    ids = [c.pk for c in clusters["building"]]
    services.issue_group_link(complaint_ids=ids, by=staff_a)
    with pytest.raises(Conflict) as refused:
        services.issue_group_link(complaint_ids=ids[1:], by=staff_a)
    assert refused.value.code == "already_grouped"


def test_closed_complaints_may_be_linked_and_count_but_are_not_judged_again(project, staff_a):
    closed = filed(project, 1, hours=3, status=Status.CLOSED)
    open_ones = [filed(project, 2, hours=2), filed(project, 3, hours=1)]
    root = services.issue_group_link(complaint_ids=[closed.pk] + [c.pk for c in open_ones], by=staff_a)
    assert root == closed
    assert Complaint.objects.get(pk=closed.pk).tier == "normal"
    assert {Complaint.objects.get(pk=c.pk).tier for c in open_ones} == {"hot"}


# --- Second complaints found at intake ----------------------------------------------------------


@pytest.fixture
def handled(project, company_a):
    unit = UnitFactory(building=BuildingFactory(project=project))
    customer = CustomerFactory(company=company_a, phone="13912345678")
    return ComplaintFactory(
        project=project,
        unit=unit,
        customer=customer,
        status=Status.CLOSED,
        resolved_at=timezone.now() - timedelta(days=20),
        closed_at=timezone.now() - timedelta(days=19),
        received_at=timezone.now() - timedelta(days=25),
    )


def test_the_same_owner_again_in_the_same_category_follows_the_handled_complaint(handled, project, staff_a):
    second = services.complaint_create(
        intake=intake(project, contact_phone="13912345678"), received_by=staff_a
    )
    assert (second.follows, second.follows_reason) == (handled, "same_customer")
    assert (second.tier, second.tier_reasons) == ("important", ["second_complaint"])
    linked = second.events.get(kind=ComplaintEvent.Kind.FOLLOWS_LINKED)
    assert (linked.to_value, linked.reasons, linked.by) == (handled.number, ["same_customer"], None)
    assert linked.note == services.follows_text(second) and handled.number in linked.note


def test_the_same_unit_with_another_owner_follows_too(handled, project, staff_a):
    second = services.complaint_create(intake=intake(project, unit=handled.unit), received_by=staff_a)
    assert (second.follows, second.follows_reason) == (handled, "same_unit")


@pytest.mark.parametrize(
    "change",
    ["another_category", "handled_long_ago", "still_open", "another_company"],
)
def test_what_does_not_follow(handled, project, company_b, staff_a, change):
    fields = {"contact_phone": "13912345678", "unit": handled.unit}
    if change == "another_category":
        fields["category"] = "property"
    if change == "handled_long_ago":
        Complaint.objects.filter(pk=handled.pk).update(resolved_at=timezone.now() - timedelta(days=91))
    if change == "still_open":
        Complaint.objects.filter(pk=handled.pk).update(status=Status.IN_PROGRESS)
    other_project = ProjectFactory(company=company_b)
    target = other_project if change == "another_company" else project
    if change == "another_company":
        fields.pop("unit")
    second = services.complaint_create(intake=intake(target, **fields))
    assert (second.follows, second.follows_reason, second.tier) == (None, "", "normal")


def test_a_follows_typed_by_staff_is_kept_without_a_found_reason(handled, project, staff_a):
    typed = ComplaintFactory(
        project=project, status=Status.RESOLVED, resolved_at=timezone.now() - timedelta(days=1)
    )
    second = services.complaint_create(
        intake=intake(project, contact_phone="13912345678", follows=typed), received_by=staff_a
    )
    assert (second.follows, second.follows_reason) == (typed, "")
    assert not second.events.filter(kind=ComplaintEvent.Kind.FOLLOWS_LINKED).exists()


def test_unlinking_takes_the_second_complaint_tier_away_with_the_reason(handled, project, staff_a):
    second = services.complaint_create(
        intake=intake(project, contact_phone="13912345678"), received_by=staff_a
    )
    with pytest.raises(DomainError) as refused:
        services.complaint_unlink_follows(complaint=second, reason="  ", by=staff_a)
    assert refused.value.code == "reason_required"
    second = services.complaint_unlink_follows(complaint=second, reason="另一个问题：门窗", by=staff_a)
    assert (second.follows, second.follows_reason, second.tier, second.tier_reasons) == (
        None,
        "",
        "normal",
        [],
    )
    unlinked = second.events.get(kind=ComplaintEvent.Kind.FOLLOWS_UNLINKED)
    assert (unlinked.from_value, unlinked.note, unlinked.by) == (handled.number, "另一个问题：门窗", staff_a)
    lowered = second.events.get(kind=ComplaintEvent.Kind.TIER_LOWERED)
    assert (lowered.from_value, lowered.to_value, lowered.by) == ("important", "normal", staff_a)
    with pytest.raises(Conflict) as again:
        services.complaint_unlink_follows(complaint=second, reason="再次", by=staff_a)
    assert again.value.code == "not_following"


def test_unlinking_keeps_a_tier_other_rules_give(handled, project, staff_a):
    second = services.complaint_create(
        intake=intake(project, contact_phone="13912345678", needs_outside_support=True), received_by=staff_a
    )
    second = services.complaint_unlink_follows(complaint=second, reason="不是同一问题", by=staff_a)
    assert (second.tier, second.tier_reasons) == ("important", ["needs_outside_support"])
    assert not second.events.filter(kind=ComplaintEvent.Kind.TIER_LOWERED).exists()
    hot = services.complaint_create(
        intake=intake(project, contact_phone="13912345678", media="possible"), received_by=staff_a
    )
    hot = services.complaint_unlink_follows(complaint=hot, reason="不是同一问题", by=staff_a)
    assert hot.tier == "hot"


# --- Reopening ----------------------------------------------------------------------------------


def resolved(project, handler):
    complaint = services.complaint_create(intake=intake(project), received_by=handler)
    services.complaint_assign(
        complaint=complaint, handler=handler, department="engineering", deadline=None, by=handler
    )
    for status in ("in_progress", "resolved"):
        complaint = services.complaint_transition(
            complaint=complaint, status=status, note="已修复" if status == "resolved" else "", by=handler
        )
    return complaint


def test_reopening_a_resolved_complaint_makes_it_a_second_complaint(project, staff_a, manager_a):
    complaint = resolved(project, staff_a)
    complaint = services.complaint_transition(
        complaint=complaint, status="in_progress", note="业主反映仍在渗水", by=manager_a
    )
    assert (complaint.status, complaint.reopen_count, complaint.resolved_at) == ("in_progress", 1, None)
    assert (complaint.tier, complaint.tier_reasons) == ("important", ["second_complaint"])
    reopened = complaint.events.filter(kind=ComplaintEvent.Kind.STATUS).last()
    assert (reopened.from_value, reopened.to_value, reopened.note, reopened.reasons, reopened.by) == (
        "resolved",
        "in_progress",
        "业主反映仍在渗水",
        ["reopened"],
        manager_a,
    )
    rise = complaint.events.get(kind=ComplaintEvent.Kind.TIER_RAISED)
    assert (rise.to_value, rise.reasons) == ("important", ["second_complaint"])
    assert Notification.objects.filter(user=staff_a, message__contains="业主反映仍在渗水").count() == 1
    assert complaint.owner_update_due_at is not None


def test_a_staff_reopen_without_a_note_still_says_why(project, staff_a):
    complaint = services.complaint_transition(
        complaint=resolved(project, staff_a), status="in_progress", by=staff_a
    )
    assert complaint.events.filter(kind=ComplaintEvent.Kind.STATUS).last().note


def test_the_owner_can_reopen_a_closed_complaint_and_only_a_handled_one(project, staff_a):
    complaint = resolved(project, staff_a)
    # Closing needs the call-back first (services.callbacks).
    services.complaint_callback(complaint=complaint, outcome="satisfied", note="满意", by=staff_a)
    complaint = services.complaint_transition(complaint=complaint, status="closed", by=staff_a)
    complaint = services.complaint_reopen(complaint=complaint, reason="没有解决", by=None)
    assert (complaint.status, complaint.closed_at, complaint.reopen_count, complaint.tier) == (
        "in_progress",
        None,
        1,
        "important",
    )
    with pytest.raises(Conflict) as refused:
        services.complaint_reopen(complaint=complaint, reason="没有解决", by=None)
    assert refused.value.code == "not_handled"


def test_an_unhappy_call_back_reopens_and_a_happy_one_does_not(project, staff_a):
    # Call-backs come before closing: a happy one leaves the complaint resolved, free to close.
    happy = resolved(project, staff_a)
    services.complaint_callback(complaint=happy, outcome="satisfied", note="满意", by=staff_a)
    happy.refresh_from_db()
    assert (happy.status, happy.reopen_count) == ("resolved", 0)

    unhappy = resolved(project, staff_a)
    services.complaint_callback(complaint=unhappy, outcome="not_satisfied", note="墙面仍有水渍", by=staff_a)
    unhappy.refresh_from_db()
    assert (unhappy.status, unhappy.reopen_count, unhappy.tier) == ("in_progress", 1, "important")
    reopened = unhappy.events.filter(kind=ComplaintEvent.Kind.STATUS).last()
    assert "墙面仍有水渍" in reopened.note and reopened.by == staff_a
