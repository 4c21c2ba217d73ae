"""Demo data for the club: gifts, partner merchants and offers, and community events with sign-ups
(members themselves join through the demo purchases). Runs once: a second call adds nothing."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.seeding import DemoOutput, DemoSize
from organization.models import Company

from . import services
from .models import Event, EventSignup, Gift, Member, Merchant, Offer

GIFTS = [("保温杯", 800, 50), ("儿童绘本套装", 1500, 30), ("空气净化器", 12000, 5)]
MERCHANTS = [
    ("万科生活超市", "超市", [("满100减20", 200), ("会员日九五折", 0)]),
    ("社区洗衣店", "生活服务", [("洗衣八折", 100)]),
]
EVENTS = [
    ("中秋亲子游园会", "family", 14, "会所广场", 40, 100),
    ("业主羽毛球赛", "sports", 21, "社区体育馆", 16, 80),
    ("春节写春联", "festival", 45, "社区活动中心", 30, 50),
]


@transaction.atomic
def seed_club() -> int:
    """Add the club's demo catalogue per company; returns how many rows it added."""
    if Gift.objects.exists():
        return 0
    added = 0
    now = timezone.now()
    for company in Company.objects.order_by("id"):
        for name, points, stock in GIFTS:
            Gift.objects.create(company=company, name=name, points=points, stock=stock)
            added += 1
        for name, category, offers in MERCHANTS:
            merchant = Merchant.objects.create(company=company, name=name, category=category)
            for title, points in offers:
                Offer.objects.create(
                    merchant=merchant,
                    title=title,
                    points=points,
                    valid_until=timezone.localdate() + timedelta(days=90),
                )
                added += 1
        members = list(Member.objects.filter(company=company).order_by("id")[:20])
        for title, kind, days, place, capacity, points in EVENTS:
            event = Event.objects.create(
                company=company,
                title=title,
                kind=kind,
                starts_at=now + timedelta(days=days),
                place=place,
                capacity=capacity,
                points=points,
            )
            added += 1
            for member in members[: min(len(members), capacity // 2)]:
                services.event_signup(event=event, member=member, channel=EventSignup.Channel.STAFF)
    return added


def seed(size: DemoSize, out: DemoOutput) -> None:
    if size.customers:
        out.line(_("Added %(count)s club gifts, offers and events.") % {"count": seed_club()})
