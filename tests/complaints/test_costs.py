"""The cost ledger (issue 19 §5): the totals rule and the back-charge flow (tables), the API
(record, reverse, advance; scoped, roles), and append-only entries."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation

from complaints import rules, services
from complaints.models import ComplaintCost, ComplaintEvent, Contractor
from core.exceptions import Conflict
from organization import roles
from tests.conftest import api_as
from tests.factories import ComplaintFactory, ProjectFactory, UserFactory

D = Decimal


@pytest.mark.parametrize(
    "entries, expected",
    [
        ([], (0, 0, 0, 0)),
        ([("compensation", "", D("500"))], (500, 0, 0, 500)),
        ([("in_kind", "", D("300")), ("repair", "", D("1200"))], (1500, 0, 0, 1500)),
        ([("repair", "", D("1000")), ("back_charge", "proposed", D("800"))], (1000, 800, 0, 1000)),
        ([("repair", "", D("1000")), ("back_charge", "agreed", D("800"))], (1000, 800, 0, 1000)),
        ([("repair", "", D("1000")), ("back_charge", "deducted", D("800"))], (1000, 800, 800, 200)),
        # A reversal is the negative of the entry it corrects.
        ([("compensation", "", D("500")), ("compensation", "", D("-500"))], (0, 0, 0, 0)),
        ([("back_charge", "deducted", D("800")), ("back_charge", "deducted", D("-800"))], (0, 0, 0, 0)),
    ],
)
def test_cost_totals(entries, expected):
    totals = rules.cost_totals(entries)
    assert tuple(totals[key] for key in ("spent", "back_charged", "recovered", "net")) == tuple(
        D(value) for value in expected
    )


@pytest.mark.parametrize(
    "state, expected", [("proposed", "agreed"), ("agreed", "deducted"), ("deducted", None)]
)
def test_back_charge_moves_one_step_forward(state, expected):
    assert rules.back_charge_next(state) == expected


@pytest.fixture
def complaint(company_a):
    return ComplaintFactory(project=ProjectFactory(company=company_a))


@pytest.fixture
def contractor(db):
    return Contractor.objects.create(name="中建三局")


def url(complaint, rest=""):
    return f"/api/v1/complaints/{complaint.pk}/costs/{rest}"


def test_handlers_record_and_everyone_in_scope_reads(complaint, staff_a, auditor, contractor):
    client = api_as(staff_a)
    assert (
        client.post(url(complaint), {"kind": "compensation", "amount": "500.00"}, format="json").status_code
        == 201
    )
    assert (
        client.post(
            url(complaint),
            {"kind": "in_kind", "amount": "300", "description": "物业费抵扣一个月"},
            format="json",
        ).status_code
        == 201
    )
    response = client.post(
        url(complaint), {"kind": "back_charge", "amount": "800", "contractor": contractor.pk}, format="json"
    )
    assert response.status_code == 201
    ledger = api_as(auditor).get(url(complaint)).json()
    assert [(row["kind"], row["amount"], row["state"]) for row in ledger["entries"]] == [
        ("compensation", "500.00", ""),
        ("in_kind", "300.00", ""),
        ("back_charge", "800.00", "proposed"),
    ]
    assert ledger["totals"] == {
        "spent": "800.00",
        "back_charged": "800.00",
        "recovered": "0.00",
        "net": "800.00",
    }
    assert ledger["entries"][0]["recorded_by"] == staff_a.pk
    assert complaint.events.filter(kind=ComplaintEvent.Kind.COST, by=staff_a).count() == 3


@pytest.mark.parametrize(
    "body, code",
    [
        ({"kind": "compensation", "amount": "0"}, "bad_amount"),
        ({"kind": "in_kind", "amount": "100"}, "description_required"),
        ({"kind": "back_charge", "amount": "100"}, "bad_contractor"),
    ],
)
def test_refused_entries(complaint, staff_a, body, code):
    response = api_as(staff_a).post(url(complaint), body, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == code
    assert not ComplaintCost.objects.exists()


def test_readers_may_not_record_and_another_company_gets_404(complaint, auditor, staff_b):
    body = {"kind": "compensation", "amount": "500"}
    assert api_as(auditor).post(url(complaint), body, format="json").status_code == 403
    assert api_as(staff_b).post(url(complaint), body, format="json").status_code == 404
    assert api_as(staff_b).get(url(complaint)).status_code == 404


def test_managers_move_a_back_charge_on_and_it_counts_as_recovered(complaint, staff_a, manager_a, contractor):
    api_as(staff_a).post(url(complaint), {"kind": "repair", "amount": "1000"}, format="json")
    api_as(staff_a).post(
        url(complaint), {"kind": "back_charge", "amount": "800", "contractor": contractor.pk}, format="json"
    )
    charge = ComplaintCost.objects.get(kind="back_charge")
    assert api_as(staff_a).post(url(complaint, f"{charge.pk}/advance/")).status_code == 403
    assert (
        api_as(manager_a).post(url(complaint, f"{charge.pk}/advance/")).json()["entries"][1]["state"]
        == "agreed"
    )
    ledger = api_as(manager_a).post(url(complaint, f"{charge.pk}/advance/")).json()
    assert ledger["totals"]["recovered"] == "800.00"
    assert ledger["totals"]["net"] == "200.00"
    again = api_as(manager_a).post(url(complaint, f"{charge.pk}/advance/"))
    assert again.status_code == 409
    assert again.json()["code"] == "already_deducted"


def test_a_mistake_is_corrected_by_a_reversal_once(complaint, staff_a, manager_a, company_b):
    manager_b = UserFactory(company=company_b, role=roles.COMPANY_MANAGER)
    api_as(staff_a).post(url(complaint), {"kind": "compensation", "amount": "500"}, format="json")
    entry = ComplaintCost.objects.get()
    reverse = url(complaint, f"{entry.pk}/reverse/")
    assert api_as(staff_a).post(reverse, {"reason": "录错金额"}, format="json").status_code == 403
    assert api_as(manager_b).post(reverse, {"reason": "录错金额"}, format="json").status_code == 404
    response = api_as(manager_a).post(reverse, {"reason": "录错金额"}, format="json")
    assert response.status_code == 201
    ledger = response.json()
    assert [row["amount"] for row in ledger["entries"]] == ["500.00", "-500.00"]
    assert ledger["entries"][0]["reversed"] is True
    assert ledger["totals"]["spent"] == "0.00"
    again = api_as(manager_a).post(reverse, {"reason": "再来一次"}, format="json")
    assert again.status_code == 409
    assert again.json()["code"] == "already_reversed"


def test_entries_are_never_edited_or_deleted(complaint, staff_a):
    api_as(staff_a).post(url(complaint), {"kind": "compensation", "amount": "500"}, format="json")
    entry = ComplaintCost.objects.get()
    entry.amount = D("50")
    with pytest.raises(Conflict):
        entry.save()
    with pytest.raises(Conflict):
        entry.delete()
    # The database holds the sign too: an original is positive, only a reversal negative.
    with pytest.raises(IntegrityError), transaction.atomic():
        ComplaintCost.objects.create(
            complaint=complaint,
            company_id=complaint.company_id,
            kind="repair",
            amount=D("-5"),
            recorded_by=staff_a,
        )


# --- The complaint page ---------------------------------------------------------------------------


def test_the_page_records_shows_and_reverses(client, complaint, staff_a, manager_a, contractor):
    client.force_login(staff_a)
    page_url = reverse("complaint-detail", args=[complaint.pk])
    assert 'id="cost-form"' in client.get(page_url).content.decode()
    client.post(
        reverse("complaint-cost", args=[complaint.pk]),
        {"kind": "back_charge", "amount": "800", "contractor": contractor.pk},
    )
    entry = ComplaintCost.objects.get()
    assert (entry.state, entry.recorded_by) == ("proposed", staff_a)
    page = client.get(page_url).content.decode()
    assert f'data-cost="{entry.pk}"' in page
    assert "complaint-cost-reverse" not in page and f"costs/{entry.pk}/reverse/" not in page  # not a manager
    assert client.post(reverse("complaint-cost-advance", args=[complaint.pk, entry.pk])).status_code == 403
    client.force_login(manager_a)
    client.post(reverse("complaint-cost-advance", args=[complaint.pk, entry.pk]))
    client.post(
        reverse("complaint-cost-reverse", args=[complaint.pk, entry.pk]), {"reason": "合同不支持扣款"}
    )
    assert [(c.amount, c.state) for c in ComplaintCost.objects.order_by("id")] == [
        (D("800.00"), "agreed"),
        (D("-800.00"), "agreed"),
    ]


def test_the_page_of_another_company_is_404(client, complaint, company_b):
    manager_b = UserFactory(company=company_b, role=roles.COMPANY_MANAGER)
    client.force_login(manager_b)
    body = {"kind": "compensation", "amount": "500"}
    assert client.post(reverse("complaint-cost", args=[complaint.pk]), body).status_code == 404
    assert not ComplaintCost.objects.exists()


# --- Reports --------------------------------------------------------------------------------------


def test_monthly_and_contractor_reports_show_cost_and_recovery(complaint, staff_a, manager_a, contractor):
    api_as(staff_a).post(url(complaint), {"kind": "repair", "amount": "1000"}, format="json")
    api_as(staff_a).post(
        url(complaint), {"kind": "back_charge", "amount": "800", "contractor": contractor.pk}, format="json"
    )
    charge = ComplaintCost.objects.get(kind="back_charge")
    api_as(manager_a).post(url(complaint, f"{charge.pk}/advance/"))
    api_as(manager_a).post(url(complaint, f"{charge.pk}/advance/"))
    month = timezone.localdate().strftime("%Y-%m")
    costs = api_as(manager_a).get(f"/api/v1/reports/complaints/monthly/?month={month}").json()["costs"]
    assert costs["totals"] == {
        "spent": "1000.00",
        "back_charged": "800.00",
        "recovered": "800.00",
        "net": "200.00",
    }
    assert [(row["name"], row["spent"]) for row in costs["by_project"]] == [
        (complaint.project.name, "1000.00")
    ]
    assert [(row["category"], row["net"]) for row in costs["by_category"]] == [(complaint.category, "200.00")]
    contractors = api_as(manager_a).get(f"/api/v1/reports/complaints/contractors/?month={month}").json()
    assert [(row["name"], row["recovered"]) for row in contractors["back_charges"]] == [
        ("中建三局", "800.00")
    ]
    # Another company's report does not include them.
    other = UserFactory(company=ProjectFactory().company, role=roles.COMPANY_MANAGER)
    assert (
        api_as(other)
        .get(f"/api/v1/reports/complaints/monthly/?month={month}")
        .json()["costs"]["totals"]["spent"]
        == "0.00"
    )


def test_the_report_page_and_its_export_show_the_costs(client, complaint, staff_a, manager_a):
    api_as(staff_a).post(url(complaint), {"kind": "compensation", "amount": "1234.50"}, format="json")
    client.force_login(manager_a)
    page = client.get(reverse("reports")).content.decode()
    assert 'id="cost-statistics"' in page and "1234.50" in page
    csv = client.get(reverse("reports-export", args=["csv"])).content.decode("utf-8-sig")
    assert "1234.50" in csv


@pytest.mark.django_db
def test_the_history_names_cost_events_in_words(company_a, staff_a):
    """The timeline showed the codes (compensation → recorded); it says them in the page's language."""
    complaint = ComplaintFactory(project=ProjectFactory(company=company_a))
    entry = services.cost_record(complaint=complaint, kind="compensation", amount=Decimal("100"), by=staff_a)
    services.cost_reverse(cost=entry, reason="录错", by=staff_a)
    events = ComplaintEvent.objects.filter(complaint=complaint, kind="cost").order_by("id")
    with translation.override("en"):
        assert [(event.from_label, event.to_label) for event in events] == [
            ("Goodwill compensation (money)", "Cost recorded"),
            ("Goodwill compensation (money)", "Reversal"),
        ]
