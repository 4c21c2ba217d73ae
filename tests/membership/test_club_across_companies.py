"""Issue 17 §5: a buyer of homes from two companies is one member (one ledger) served by both."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from customers.models import Purchase
from membership import services
from membership.models import Event, Member, MemberCompany, PointEntry
from organization import roles
from tests.conftest import api_as
from tests.factories import CompanyFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db

PHONE = "13812345678"


def _buy(integrator, unit, phone=PHONE, name="王先生"):
    """What the company's sales system does through the API: its own file of the buyer, the purchase."""
    client = api_as(integrator)
    customer = client.post(
        "/api/v1/customers/", {"phone": phone, "name": name, "source": "sales"}, format="json"
    )
    assert customer.status_code in {200, 201}, customer.content
    purchase = client.post(
        "/api/v1/purchases/",
        {
            "customer": customer.json()["id"],
            "unit": unit.pk,
            "contract_date": "2026-01-05",
            "price": "3000000",
        },
        format="json",
    )
    assert purchase.status_code == 201, purchase.content
    return customer.json()["id"]


@pytest.fixture
def bought_from_both(company_a, company_b):
    integrator_a = UserFactory(username="sales_a", company=company_a, role=roles.INTEGRATOR)
    integrator_b = UserFactory(username="sales_b", company=company_b, role=roles.INTEGRATOR)
    unit_a = UnitFactory(building__project__company=company_a, number="1201")
    unit_b = UnitFactory(building__project__company=company_b, number="0808")
    file_a = _buy(integrator_a, unit_a)
    file_b = _buy(integrator_b, unit_b)
    return {"file_a": file_a, "file_b": file_b, "unit_a": unit_a, "unit_b": unit_b}


def test_company_b_serves_the_member_of_company_a_with_its_own_file_and_homes(
    bought_from_both, staff_a, staff_b
):
    member = Member.objects.get()  # one membership for the person, not one per company
    seen_by_b = api_as(staff_b).get("/api/v1/members/").json()["results"]
    assert [row["id"] for row in seen_by_b] == [member.pk]
    row = seen_by_b[0]
    assert row["number"] == member.number
    assert (row["customer"], row["homes"], row["phone"]) == (bought_from_both["file_b"], 1, "138****5678")
    assert row["balance"] == 2000 and row["level"] == "silver"  # two homes across the group: one ledger
    seen_by_a = api_as(staff_a).get(f"/api/v1/members/{member.pk}/").json()
    assert (seen_by_a["customer"], seen_by_a["homes"], seen_by_a["balance"]) == (
        bought_from_both["file_a"],
        1,
        2000,
    )


def test_each_company_sees_only_its_own_entries_of_the_one_ledger(
    bought_from_both, staff_a, staff_b, company_a
):
    member = Member.objects.get()
    ledger_b = api_as(staff_b).get(f"/api/v1/members/{member.pk}/ledger/").json()["results"]
    ledger_a = api_as(staff_a).get(f"/api/v1/members/{member.pk}/ledger/").json()["results"]
    assert [e["source"] for e in ledger_b] == [
        f"purchase:{Purchase.objects.get(unit=bought_from_both['unit_b']).pk}"
    ]
    assert [e["source"] for e in ledger_a] == [
        f"purchase:{Purchase.objects.get(unit=bought_from_both['unit_a']).pk}"
    ]
    assert "0808" not in str(ledger_a) and "1201" not in str(ledger_b)
    entries_a = api_as(staff_a).get("/api/v1/point-entries/").json()["results"]
    assert len(entries_a) == 1
    assert services.ledger_mismatches() == []


def test_company_b_signs_the_member_up_for_its_event_and_awards_its_points(
    bought_from_both, staff_a, staff_b, company_b
):
    member = Member.objects.get()
    event = Event.objects.create(
        company=company_b,
        title="亲子运动会",
        kind="sports",
        starts_at=timezone.now() + timedelta(days=2),
        place="体育馆",
        capacity=10,
        points=300,
    )
    # Company A's staff do not see company B's event.
    assert (
        api_as(staff_a).post(f"/api/v1/club-events/{event.pk}/signup/", {"member": member.pk}).status_code
        == 404
    )
    signed = api_as(staff_b).post(f"/api/v1/club-events/{event.pk}/signup/", {"member": member.pk})
    assert signed.status_code == 201, signed.content
    Event.objects.filter(pk=event.pk).update(starts_at=timezone.now() - timedelta(hours=1))
    attended = api_as(staff_b).post(f"/api/v1/club-events/{event.pk}/attendance/", {"member": member.pk})
    assert attended.status_code == 200, attended.content
    member.refresh_from_db()
    assert member.balance == 2300
    entry = PointEntry.objects.get(source=f"event:{event.pk}")
    assert entry.company_id == company_b.pk
    assert [
        e["source"] for e in api_as(staff_a).get(f"/api/v1/members/{member.pk}/ledger/").json()["results"]
    ] == [f"purchase:{Purchase.objects.get(unit=bought_from_both['unit_a']).pk}"]
    assert services.ledger_mismatches() == []


def test_redemptions_belong_to_the_company_whose_gift_or_fee_it_is(
    bought_from_both, staff_a, staff_b, company_b
):
    from membership.models import Gift, Redemption

    member = Member.objects.get()
    gift = Gift.objects.create(company=company_b, name="北京烤鸭券", points=500, stock=3)
    assert (
        api_as(staff_a).post(f"/api/v1/members/{member.pk}/redeem-gift/", {"gift": gift.pk}).status_code
        == 400
    )
    redeemed = api_as(staff_b).post(f"/api/v1/members/{member.pk}/redeem-gift/", {"gift": gift.pk})
    assert redeemed.status_code == 201, redeemed.content
    offset = api_as(staff_b).post(f"/api/v1/members/{member.pk}/fee-offset/", {"amount": "1.00"})
    assert offset.status_code == 201
    assert set(Redemption.objects.values_list("company_id", flat=True)) == {company_b.pk}
    assert set(PointEntry.objects.filter(kind="spend").values_list("company_id", flat=True)) == {company_b.pk}
    member.refresh_from_db()
    assert member.balance == 2000 - 500 - 100
    client = Client()
    client.force_login(staff_a)
    assert "北京烤鸭券" not in client.get(f"/club/members/{member.pk}/").content.decode()
    assert services.ledger_mismatches() == []


def test_a_third_company_does_not_see_the_member(bought_from_both):
    company_c = CompanyFactory(name="上海万科", city="上海")
    staff_c = UserFactory(username="staff_c", company=company_c, role=roles.FRONTLINE_STAFF)
    member = Member.objects.get()
    assert api_as(staff_c).get("/api/v1/members/").json()["results"] == []
    assert api_as(staff_c).get(f"/api/v1/members/{member.pk}/").status_code == 404


def test_staff_pages_show_the_companys_own_file_and_entries(bought_from_both, staff_b):
    member = Member.objects.get()
    client = Client()
    client.force_login(staff_b)
    page = client.get(f"/club/members/{member.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f"/customers/{bought_from_both['file_b']}/" in html
    assert f"/customers/{bought_from_both['file_a']}/" not in html
    assert "0808" in html and "1201" not in html
    file_page = client.get(f"/customers/{bought_from_both['file_b']}/").content.decode()
    assert 'id="customer-membership"' in file_page and member.number in file_page


def test_the_members_own_page_offers_both_companies_events(bought_from_both, company_a, company_b):
    member = Member.objects.get()
    for company, title in ((company_a, "深圳中秋晚会"), (company_b, "北京亲子运动会")):
        Event.objects.create(
            company=company,
            title=title,
            kind="festival",
            starts_at=timezone.now() + timedelta(days=3),
            place="会所",
            capacity=5,
        )
    html = Client().get(f"/m/{member.token}/").content.decode()
    assert "深圳中秋晚会" in html and "北京亲子运动会" in html


def test_an_import_joins_the_same_membership(company_a, company_b):
    integrator_a = UserFactory(username="sales_a", company=company_a, role=roles.INTEGRATOR)
    _buy(integrator_a, UnitFactory(building__project__company=company_a))
    from customers.models import Customer

    file_b = Customer.objects.create(company=company_b, name="王先生", phone=PHONE, phone_tail=PHONE[-4:])
    purchase = Purchase.objects.create(
        customer=file_b,
        unit=UnitFactory(building__project__company=company_b),
        contract_date=timezone.localdate(),
        price=1,
        area=100,
        layout="两室",
    )
    assert services.members_join_for_purchases(purchase_ids=[purchase.pk]) == 1
    assert services.members_join_for_purchases(purchase_ids=[purchase.pk]) == 0
    member = Member.objects.get()
    assert set(MemberCompany.objects.filter(member=member).values_list("company_id", flat=True)) == {
        company_a.pk,
        company_b.pk,
    }
    assert (member.homes, member.balance, member.level) == (2, 2000, "silver")
    assert services.ledger_mismatches() == []


def test_one_instance_rendered_for_each_company_shows_each_its_own_file(
    bought_from_both, staff_a, staff_b, group_user
):
    """Webhooks render one member for several subscribers in turn: no viewer's file leaks to the next."""
    from core.webhooks.registry import RenderRequest
    from membership.serializers import MemberSerializer

    member = Member.objects.select_related("customer").get()

    def render(user):
        return MemberSerializer(member, context={"request": RenderRequest(user)}).data

    assert render(group_user)["homes"] == 2
    assert (render(staff_b)["customer"], render(staff_b)["homes"]) == (bought_from_both["file_b"], 1)
    assert render(staff_a)["customer"] == bought_from_both["file_a"]
    assert render(group_user)["customer"] == bought_from_both["file_a"]  # the file they joined with
