"""The demo data tells a story a manager would discuss: every company has open hot and major
complaints with reasons, linked to its own customer files; most complaints are normal and closed;
issue groups, a suggested cluster, second complaints, overdue plans, call-backs of every outcome,
ratings spread over 1–5, repairs this month and improvement plans with their own content. The tiers
are what the rules give the facts, and the data is the same on every run."""

from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count, F
from django.urls import reverse
from django.utils import timezone

from complaints import demo, demo_story, reports, rules, services
from complaints.models import Complaint, ComplaintEvent, Repair
from complaints.services import ownership
from organization.models import Company, User
from surveys.models import ImprovementPlan

OPEN = rules.OPEN_STATUSES


@pytest.fixture
def seeded(db):
    call_command("seed_demo", "--customers", "400", "--complaints", "300", stdout=StringIO())
    return timezone.now()


def _every_company_has_open_hot_and_major_complaints_of_its_own_customers(seeded):
    for company in Company.objects.all():
        open_escalated = Complaint.objects.filter(company=company, status__in=OPEN, customer__isnull=False)
        for tier in ("major", "hot"):
            found = open_escalated.filter(tier=tier)
            assert found.exists(), (company.name, tier)
            assert all(complaint.tier_reasons for complaint in found)
    # A complaint's customer is always a file of the complaint's own company.
    linked = Complaint.objects.filter(customer__isnull=False)
    assert linked.count() > 0.8 * Complaint.objects.count()
    assert not linked.exclude(customer__company_id=F("company_id")).exists()
    assert not linked.exclude(contact_phone=F("customer__phone")).exists()


def _tiers_follow_the_rules_and_most_complaints_are_normal_and_closed(seeded):
    total = Complaint.objects.count()
    tiers = Counter(Complaint.objects.values_list("tier", flat=True))
    statuses = Counter(Complaint.objects.values_list("status", flat=True))
    assert tiers["normal"] > 0.7 * total and statuses["closed"] > 0.6 * total
    assert tiers["major"] < tiers["hot"] < tiers["normal"]
    # An open complaint's tier is exactly what the rules give its facts: the sweep would raise nothing.
    for complaint in Complaint.objects.filter(status__in=OPEN):
        tier, reasons = rules.tier_for(services.facts_for(complaint, seeded))
        assert (complaint.tier, set(complaint.tier_reasons)) == (tier, set(reasons)), complaint.title


def _issue_groups_clusters_and_second_complaints(seeded):
    roots = (
        Complaint.objects.filter(issue_root__isnull=False)
        .values("issue_root")
        .annotate(members=Count("id"))
        .filter(members__gte=2)
    )
    assert roots.count() >= 4  # one issue group per company
    for root in roots:
        group = Complaint.objects.filter(pk=root["issue_root"]) | Complaint.objects.filter(
            issue_root=root["issue_root"]
        )
        assert group.values("customer").distinct().count() >= 3
        assert set(group.filter(status__in=OPEN).values_list("tier", flat=True)) <= {"hot", "major"}
    manager = User.objects.get(username="manager_sz")
    assert services.complaint_clusters(user=manager, now=seeded)  # three owners, one building, not linked
    second = Complaint.objects.exclude(follows=None)
    assert second.count() >= 3
    assert not second.filter(tier="normal").exists()
    assert not second.exclude(follows__status="closed").exists()
    assert not second.exclude(follows__customer=F("customer")).exists()
    assert Complaint.objects.filter(
        reopen_count=1, status="in_progress", tier__in=["important", "hot"]
    ).exists()


def _call_backs_of_every_outcome_and_ratings_spread(seeded):
    outcomes = Counter(ComplaintEvent.objects.filter(kind="callback").values_list("to_value", flat=True))
    assert outcomes[rules.SATISFIED] > outcomes[rules.UNREACHABLE] > outcomes[rules.NOT_SATISFIED] > 0
    bases = Counter(
        basis
        for reasons in ComplaintEvent.objects.filter(kind="status", to_value="closed").values_list(
            "reasons", flat=True
        )
        for basis in reasons
    )
    assert set(bases) == {
        rules.CLOSED_AFTER_SATISFIED_CALLBACK,
        rules.CLOSED_ON_OWNER_CONFIRMATION,
        rules.CLOSED_AFTER_UNREACHABLE_CALLBACKS,
    }
    ratings = Counter(Complaint.objects.exclude(rating=None).values_list("rating", flat=True))
    assert set(ratings) == {1, 2, 3, 4, 5}
    assert ratings.most_common(1)[0][0] in (4, 5) and ratings[1] < ratings[4]
    mean = sum(rating * n for rating, n in ratings.items()) / sum(ratings.values())
    assert 3.5 < mean < 4.6


def _this_month_has_overdue_plans_and_contractor_statistics_in_every_company(seeded):
    today = timezone.localdate()
    month = reports.Period.month(today.year, today.month)
    for company in Company.objects.all():
        base = Complaint.objects.filter(company=company)
        assert reports.complaint_report(base, month)["overdue"] > 0, company.name
        escalated = reports.complaint_report(base, month)["escalated"]
        assert {row["tier"] for row in escalated} >= {"major", "hot"}
        assert any(row["current_plan"] for row in escalated)
    contractors = reports.contractor_statistics(Complaint.objects.all(), month)
    assert len(contractors) >= 4
    assert len({row["first_time_fix_rate"] for row in contractors}) >= 2  # a ranking, not a tie
    assert Repair.objects.filter(fixed_first_time=False).exists()


def _the_response_figures_in_working_time_are_kept(seeded):
    """The demo's complaints carry the figures the services keep, so the report shows them."""
    for complaint in Complaint.objects.order_by("pk")[::25]:
        kept = (complaint.reply_due_at, complaint.first_response_working_seconds)
        ownership.set_response_figures(complaint, pauses=[])
        assert kept == (complaint.reply_due_at, complaint.first_response_working_seconds)
    assert not Complaint.objects.filter(reply_due_at__isnull=True).exists()
    today = timezone.localdate()
    figures = reports.complaint_report(Complaint.objects.all(), reports.Period.month(today.year, today.month))
    assert figures["response_in_working_time"]["in_time_percent"] is not None
    assert figures["response_in_working_time"]["median_first_response_working_hours"] is not None


def _improvement_plans_have_their_own_content(seeded):
    plans = ImprovementPlan.objects.all()
    assert set(plans.values_list("company__name", flat=True)) == set(
        Company.objects.values_list("name", flat=True)
    )
    assert len(set(plans.values_list("measures", flat=True))) >= 3
    assert len(set(plans.values_list("goal", flat=True))) >= 4
    assert {"open", "in_progress", "done"} <= set(plans.values_list("status", flat=True))
    assert plans.filter(status="in_progress", notes__isnull=False).exists()
    assert plans.filter(status="in_progress", deadline__lt=timezone.localdate()).exists()  # overdue


def _the_managers_dashboards_have_something_to_discuss(seeded, client):
    for username in ("manager_sz", "group_cr"):
        client.force_login(User.objects.get(username=username))
        page = client.get(reverse("reports")).content.decode()
        escalated = page[page.index('id="escalated"') :].split("</table>")[0]
        assert 'data-tier="major"' in escalated and 'data-tier="hot"' in escalated
        assert "data-contractor=" in page


# Seeding takes a few seconds (the organisation alone has 5,184 units), so each test reads one seeding
# for several facts.
def test_the_complaints_tell_a_story(seeded):
    _every_company_has_open_hot_and_major_complaints_of_its_own_customers(seeded)
    _tiers_follow_the_rules_and_most_complaints_are_normal_and_closed(seeded)
    _issue_groups_clusters_and_second_complaints(seeded)


def test_the_managers_have_figures_to_discuss(seeded, client):
    _call_backs_of_every_outcome_and_ratings_spread(seeded)
    _this_month_has_overdue_plans_and_contractor_statistics_in_every_company(seeded)
    _improvement_plans_have_their_own_content(seeded)
    _the_response_figures_in_working_time_are_kept(seeded)
    _the_managers_dashboards_have_something_to_discuss(seeded, client)


def test_the_demo_is_the_same_on_every_run(db):
    call_command("seed_demo", "--customers", "100", "--complaints", "0", stdout=StringIO())
    now = timezone.now()
    story = sum(len(demo_story.SCRIPTS[name]) for name in Company.objects.values_list("name", flat=True))
    list(demo.generate_complaints(150, now=now))  # the story, then 150 − story drawn at random
    first = _drawn(Complaint.objects.order_by("pk")[story:])
    list(demo.generate_complaints(150, now=now))  # the story only once: 150 drawn, from the same seed
    second = _drawn(Complaint.objects.order_by("pk")[150:])
    assert len(first) == 150 - story and second[: len(first)] == first


def _drawn(complaints) -> list[tuple]:
    return list(complaints.values_list("title", "tier", "status", "customer_id", "received_at"))
