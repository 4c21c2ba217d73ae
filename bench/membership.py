"""The membership club: a member's balance and history reads (API, staff page, private page) and one
redemption at SMALL vs LARGE ledger entries, with the check that every balance equals its ledger sum.
"""

import secrets
import statistics
import time
from datetime import timedelta
from decimal import Decimal

from django.db.models import Q, Sum
from django.test import Client
from django.utils import timezone

from bench.common import Sizes, client_for, median_ms, queries_of_request, vacuum
from customers.models import Customer
from membership import services as club
from membership.models import Member, MemberCompany, PointEntry
from organization.models import Company, User

MEMBERS = 1_000


def grow_ledger_to(target: int, members: list) -> None:
    """Bulk-insert earn entries round-robin over ``members`` until the ledger holds ``target`` rows,
    then set each member's balance to its ledger sum (as the services keep it)."""
    have = PointEntry.objects.count()
    expires = timezone.now() + timedelta(days=365)
    started = time.perf_counter()
    for start in range(have, target, 10_000):
        PointEntry.objects.bulk_create(
            PointEntry(
                member_id=members[n % len(members)],
                delta=10,
                kind="earn",
                reason="基准",
                source="bench",
                idempotency_key=f"bench:{n}",
                expires_at=expires,
                remaining=10,
            )
            for n in range(start, min(start + 10_000, target))
        )
    sums = {
        row["member_id"]: row
        for row in PointEntry.objects.values("member_id").annotate(
            balance=Sum("delta"), earned=Sum("delta", filter=Q(delta__gt=0))
        )
    }
    rows = list(Member.objects.filter(pk__in=members))
    for member in rows:
        row = sums.get(member.pk, {"balance": 0, "earned": 0})
        member.balance, member.earned_total = row["balance"], row["earned"] or 0
    Member.objects.bulk_update(rows, ["balance", "earned_total"], batch_size=1000)
    rate = (target - have) / max(time.perf_counter() - started, 1e-9)
    print(f"  ledger at {target:,} entries ({rate:,.0f} rows/s)")
    vacuum()


def seed_members(company: Company, count: int) -> list[int]:
    customers = Customer.objects.bulk_create(
        Customer(company=company, name=f"会员{n}", phone=f"197{n:08d}", phone_tail=f"{n:04d}"[-4:])
        for n in range(count)
    )
    Member.objects.bulk_create(
        Member(
            customer=c,
            company=company,
            number=f"WK{c.pk:010d}",
            joined_via="purchase",
            token=secrets.token_urlsafe(32),
        )
        for c in customers
    )
    members = list(Member.objects.filter(customer__in=customers).values_list("id", "customer_id"))
    MemberCompany.objects.bulk_create(
        MemberCompany(member_id=member_id, company=company, customer_id=customer_id)
        for member_id, customer_id in members
    )
    return [member_id for member_id, _customer_id in members]


def measure(sizes: Sizes) -> dict:
    """A member's balance and history (API, staff page, private page) and one redemption, at SMALL vs
    LARGE ledger entries spread over MEMBERS members."""
    members = seed_members(Company.objects.get(name="深圳万科"), MEMBERS)
    member = Member.objects.get(pk=members[0])
    api = client_for("manager_sz")
    staff = Client()
    staff.force_login(User.objects.get(username="manager_sz"))
    urls = {
        "API member (balance)": (api, f"/api/v1/members/{member.pk}/"),
        "API ledger page": (api, f"/api/v1/members/{member.pk}/ledger/"),
        "staff member page": (staff, f"/club/members/{member.pk}/"),
        "member's private page": (Client(), f"/m/{member.token}/"),
    }
    results: dict[str, dict[int, tuple[float, int]]] = {case: {} for case in [*urls, "redeem (fee offset)"]}
    # The measured member has full history pages at both sizes: 200 entries of their own first.
    for n in range(200):
        club.points_earn(
            member=member, points=10_000, reason="基准", source="bench", idempotency_key=f"own:{n}"
        )
    for size in (sizes.small, sizes.large):
        grow_ledger_to(size, members)
        for case, (client, url) in urls.items():
            results[case][size] = (median_ms(client, url, sizes.repeats), queries_of_request(client, url))
        timings = []
        for _ in range(sizes.repeats):
            started = time.perf_counter()
            club.fee_offset_redeem(member=member, amount=Decimal("0.10"))
            timings.append((time.perf_counter() - started) * 1000)
        results["redeem (fee offset)"][size] = (statistics.median(timings), 0)
    return {"results": results, "mismatches": len(club.ledger_mismatches())}


def report(figures: dict, sizes: Sizes) -> list[str]:
    """Print the figures; return what failed."""
    small, large = sizes.small, sizes.large
    print(
        f"\nMembership club: a member's reads and a redemption, ledger of {small:,} vs {large:,} entries (ms)"
    )
    print(f"  {'case':<34}{small:>12,}{large:>14,}{'ratio':>9}{'queries':>12}")
    for case, by_size in figures["results"].items():
        (small_ms, small_q), (large_ms, large_q) = by_size[small], by_size[large]
        queries = f"{small_q}/{large_q}" if small_q else "-"
        print(f"  {case:<34}{small_ms:>12.1f}{large_ms:>14.1f}{large_ms / small_ms:>9.2f}{queries:>12}")
    print(f"  balances differing from the ledger sum: {figures['mismatches']}")
    if figures["mismatches"]:
        return ["club balances differ from the ledger"]
    return []
