"""Demo complaints in bulk, spread over two years, and the contractors they are about.

Contractors are created idempotently; each run adds the complaints it is asked for. Handled
complaints carry the events the reports count (the resolve, the call-back or the complainant's
confirmation, the close, and some reopenings after an unhappy call-back), written in bulk too.
"""

import random
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from core.seeding import DemoOutput, DemoSize
from organization.models import Project, Unit

from . import rules as complaint_rules
from .models import Category, Channel, Complaint, ComplaintEvent, Contractor, NumberSequence, Status, Tier

# category → (share of complaints, [(sub-category, title)])
COMPLAINT_TOPICS = {
    Category.CONSTRUCTION: (
        45,
        [
            ("渗漏水", "卫生间天花板渗漏水"),
            ("渗漏水", "外窗雨天渗水"),
            ("渗漏水", "地下车库顶板渗水"),
            ("裂缝", "客厅墙面出现裂缝"),
            ("裂缝", "外墙瓷砖开裂"),
            ("功能", "入户门关闭不严"),
            ("功能", "排水管堵塞反味"),
            ("观感", "地板起拱变形"),
            ("耐久性", "阳台栏杆锈蚀"),
        ],
    ),
    Category.DESIGN: (
        20,
        [
            ("规划", "小区车位配比不足"),
            ("户型", "厨房通风设计不合理"),
            ("配套", "承诺的幼儿园未建成"),
            ("景观", "园林绿化与宣传不符"),
        ],
    ),
    Category.PROPERTY: (
        15,
        [
            ("安保", "夜间门岗无人值守"),
            ("保洁", "电梯厅清洁不及时"),
            ("收费", "物业费收费标准有异议"),
        ],
    ),
    Category.SALES: (8, [("合同", "合同面积与实测面积不符"), ("承诺", "销售承诺的赠送面积未兑现")]),
    Category.SERVICE: (7, [("态度", "客服人员答复推诿"), ("时效", "报修后一周无人处理")]),
    Category.OTHER: (5, [("其他", "周边施工噪音扰民")]),
}
CHANNEL_WEIGHTS = {
    Channel.HOTLINE: 40,
    Channel.WALK_IN: 20,
    Channel.ONLINE_FORM: 15,
    Channel.EMAIL: 8,
    Channel.FORUM: 8,
    Channel.LETTER: 4,
    Channel.MEDIA: 3,
    Channel.CHAIRMAN: 2,
}
TIER_WEIGHTS = {Tier.NORMAL: 85, Tier.IMPORTANT: 8, Tier.HOT: 5, Tier.MAJOR: 2}
HISTORY_DAYS = 730
OWNER_CONFIRMED_SHARE = 0.1  # closed on the complainant's confirmation rather than after a call-back
REOPENED_SHARE = 0.25  # of complaints in progress for two weeks: resolved once, unhappy at the call-back

CONTRACTORS = [
    ("中建三局第一建设工程有限责任公司", "contractor", "总包"),
    ("广东省建筑工程集团有限公司", "contractor", "总包"),
    ("深圳市洪涛装饰股份有限公司", "contractor", "精装修"),
    ("北京东方雨虹防水技术股份有限公司", "supplier", "防水材料"),
    ("浙江伟星新型建材股份有限公司", "supplier", "给排水管材"),
    ("广东坚朗五金制品股份有限公司", "supplier", "门窗五金"),
]


def seed(size: DemoSize, out: DemoOutput) -> None:
    for name, kind, specialty in CONTRACTORS:
        Contractor.objects.get_or_create(name=name, defaults={"kind": kind, "specialty": specialty})
    if size.complaints:
        seconds = out.progress(generate_complaints(size.complaints), size.complaints)
        out.line(
            _("Added %(count)s complaints in %(seconds).1f s.")
            % {"count": f"{size.complaints:,}", "seconds": seconds}
        )


def _weighted(rng: random.Random, weights: dict) -> Callable[[], object]:
    population, cumulative = list(weights), []
    total = 0
    for weight in weights.values():
        total += weight
        cumulative.append(total)
    return lambda: rng.choices(population, cum_weights=cumulative)[0]


def _status_for(rng: random.Random, age_days: float) -> str:
    if age_days > 60:
        return Status.CLOSED if rng.random() < 0.97 else Status.RESOLVED
    if age_days > 14:
        return rng.choice([Status.CLOSED, Status.CLOSED, Status.RESOLVED, Status.IN_PROGRESS])
    return rng.choice([Status.RECEIVED, Status.ASSIGNED, Status.IN_PROGRESS, Status.AWAITING_CUSTOMER])


def _handling_times(rng: random.Random, status: str, received_at: datetime, now: datetime) -> dict:
    """Plausible response and resolution times, and a rating for most closed complaints."""
    if status == Status.RECEIVED:
        return {}
    responded = min(received_at + timedelta(hours=rng.expovariate(1 / 6)), now)
    times = {"first_response_at": responded}
    if status in (Status.RESOLVED, Status.CLOSED):
        resolved = min(responded + timedelta(days=rng.expovariate(1 / 5)), now)
        times["resolved_at"] = resolved
        if status == Status.RESOLVED:
            times["callback_due_at"] = complaint_rules.callback_due(resolved)
        if status == Status.CLOSED:
            times["closed_at"] = min(resolved + timedelta(days=rng.uniform(0.5, 5)), now)
            if rng.random() < 0.7:
                times["rating"] = rng.choices((1, 2, 3, 4, 5), weights=(4, 6, 15, 40, 35))[0]
    return times


def generate_complaints(
    count: int, *, batch_size: int = 5000, seed: int = 2026, now: datetime | None = None
) -> Iterator[int]:
    """Insert ``count`` complaints in bulk, yielding the running total after each batch."""
    rng = random.Random(seed)
    now = now or timezone.now()
    projects = list(Project.objects.values_list("id", "company_id"))
    if not projects:
        raise ValueError("Seed the organisation before complaints.")
    units_by_project: dict[int, list[int]] = {}
    for unit_id, project_id in Unit.objects.values_list("id", "building__project_id"):
        units_by_project.setdefault(project_id, []).append(unit_id)

    topics = {category: items for category, (_share, items) in COMPLAINT_TOPICS.items()}
    pick_category = _weighted(
        rng, {category: share for category, (share, _items) in COMPLAINT_TOPICS.items()}
    )
    pick_channel = _weighted(rng, CHANNEL_WEIGHTS)
    pick_tier = _weighted(rng, TIER_WEIGHTS)
    next_number = _NumberCounters()

    made = 0
    while made < count:
        batch = []
        for _index in range(min(batch_size, count - made)):
            # Recent months are busier: the square biases ages toward zero.
            age_days = HISTORY_DAYS * rng.random() ** 2
            received_at = now - timedelta(days=age_days, seconds=rng.randrange(86400))
            project_id, company_id = rng.choice(projects)
            category = pick_category()
            sub_category, title = rng.choice(topics[category])
            units = units_by_project.get(project_id)
            status = _status_for(rng, age_days)
            tier = pick_tier()
            batch.append(
                Complaint(
                    number=next_number(received_at),
                    company_id=company_id,
                    project_id=project_id,
                    unit_id=rng.choice(units) if units and rng.random() < 0.8 else None,
                    channel=pick_channel(),
                    category=category,
                    sub_category=sub_category,
                    status=status,
                    tier=tier,
                    title=title,
                    description=f"【{sub_category}】业主反映：{title}，希望尽快安排处理并告知进展。",
                    received_at=received_at,
                    paused_since=now if status == Status.AWAITING_CUSTOMER else None,
                    **_handling_times(rng, status, received_at, now),
                    # The clock columns the work lists read (countdown, overdue, at risk).
                    resolve_by=complaint_rules.resolve_limit(received_at=received_at, paused_seconds=0),
                    escalates_at=complaint_rules.next_escalation(
                        received_at=received_at,
                        paused_seconds=0,
                        paused=status == Status.AWAITING_CUSTOMER,
                        resolved=status in complaint_rules.HANDLED_STATUSES,
                        tier=tier,
                    ),
                    next_due_at=complaint_rules.next_clock_due(
                        received_at=received_at,
                        paused_seconds=0,
                        paused=status == Status.AWAITING_CUSTOMER,
                        resolved=status in complaint_rules.HANDLED_STATUSES,
                        tier=tier,
                    ),
                )
            )
        with transaction.atomic():
            Complaint.objects.bulk_create(batch)
            _add_handling_events(rng, batch, now)
            next_number.save()
        made += len(batch)
        yield made


def _add_handling_events(rng: random.Random, batch: list[Complaint], now: datetime) -> None:
    """The events of handled complaints, in bulk: a resolve; then for a closed complaint a satisfied
    call-back (or the complainant's confirmation) and the close; for some complaints in progress an
    earlier resolve, an unhappy call-back and the reopening. Their times come from the complaint's
    own columns in three UPDATEs (``at`` is set on insert)."""
    Kind, events = ComplaintEvent.Kind, []

    def add(complaint, kind, **fields):
        events.append(ComplaintEvent(complaint_id=complaint.pk, kind=kind, **fields))

    for complaint in batch:
        reopened = (
            complaint.status == Status.IN_PROGRESS
            and now - complaint.received_at > timedelta(days=14)
            and rng.random() < REOPENED_SHARE
        )
        if complaint.status in complaint_rules.HANDLED_STATUSES or reopened:
            add(complaint, Kind.STATUS, from_value=Status.IN_PROGRESS, to_value=Status.RESOLVED)
        if reopened:
            add(complaint, Kind.CALLBACK, to_value=complaint_rules.NOT_SATISFIED, note="维修后仍有渗水")
            add(complaint, Kind.STATUS, from_value=Status.RESOLVED, to_value=Status.IN_PROGRESS)
        if complaint.status == Status.CLOSED:
            if rng.random() < OWNER_CONFIRMED_SHARE:
                add(complaint, Kind.CONFIRMED, visible_to_complainant=True)
                basis = complaint_rules.CLOSED_ON_OWNER_CONFIRMATION
            else:
                add(complaint, Kind.CALLBACK, to_value=complaint_rules.SATISFIED, note="业主表示问题已解决")
                basis = complaint_rules.CLOSED_AFTER_SATISFIED_CALLBACK
            add(
                complaint,
                Kind.STATUS,
                from_value=Status.RESOLVED,
                to_value=Status.CLOSED,
                reasons=[basis],
                visible_to_complainant=True,
            )
    ComplaintEvent.objects.bulk_create(events)
    # A range, not a list of ids: a batch of 10,000 would exceed SQLite's limit on query parameters.
    ids = [complaint.pk for complaint in batch]
    made = ComplaintEvent.objects.filter(complaint_id__gte=min(ids), complaint_id__lte=max(ids))
    column = Complaint.objects.filter(pk=OuterRef("complaint_id"))
    made.filter(kind=Kind.STATUS, to_value=Status.RESOLVED).update(
        at=Subquery(column.values(at=Coalesce("resolved_at", F("first_response_at") + timedelta(days=1))))
    )
    made.filter(Q(kind=Kind.CALLBACK) | Q(kind=Kind.STATUS, to_value=Status.IN_PROGRESS)).update(
        at=Subquery(
            column.values(
                at=Coalesce(
                    Greatest(F("closed_at") - timedelta(hours=1), "resolved_at"),
                    F("first_response_at") + timedelta(days=2),
                )
            )
        )
    )
    made.filter(Q(kind=Kind.CONFIRMED) | Q(kind=Kind.STATUS, to_value=Status.CLOSED)).update(
        at=Subquery(column.values("closed_at"))
    )


class _NumberCounters:
    """Complaint numbers TSyyyymm-nnnnnn from the same per-month counters live intake uses."""

    def __init__(self):
        self.counters: dict[str, int] = {}
        self.local = timezone.get_current_timezone()

    def __call__(self, received_at: datetime) -> str:
        month = received_at.astimezone(self.local).strftime("%Y%m")
        if month not in self.counters:
            sequence, _created = NumberSequence.objects.get_or_create(month=month)
            self.counters[month] = sequence.last
        self.counters[month] += 1
        return f"TS{month}-{self.counters[month]:06d}"

    def save(self) -> None:
        for month, last in self.counters.items():
            NumberSequence.objects.filter(month=month).update(last=last)
