"""Demo complaints that tell a story, in bulk, spread over two years, and the contractors they are about.

Contractors are created idempotently; each run adds the complaints it is asked for. The first run with
at least ``demo_story.STORY_MIN_COMPLAINTS`` complaints starts with each company's story
(``demo_story``): open major and hot complaints with their reasons, plans and progress, an issue group,
a suggested cluster, second complaints, overdue plans, call-backs of every outcome and repairs this
month. The rest is generated in bulk, seeded so that every run is the same:

- complaints are linked to the company's own customer files (owners of a unit in the project first,
  with that unit) and carry their name and phone as the contact;
- most are normal and closed; the tier follows the rules from the facts drawn (litigation, media,
  collective complaints, outside support, time unresolved, reopening), so the reasons are real;
- handled complaints carry the events the reports count (the plan of an escalated complaint, the
  resolve, call-backs that were satisfied, unhappy or could not reach the owner, the complainant's
  confirmation, the close, reopenings after an unhappy call-back), written in bulk too;
- owners rate most closed complaints 1–5, worse when handling took long;
- construction-quality complaints get repairs by the contractor or supplier responsible, each with
  its own first-time fix rate (the monthly contractor statistics).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from core.seeding import DemoOutput, DemoSize
from customers.models import Customer, Purchase
from organization.models import Project, Unit, User
from organization.selectors import working_calendars

from . import demo_story
from . import rules as complaint_rules
from .models import (
    Category,
    Channel,
    Complaint,
    ComplaintEvent,
    Contractor,
    DefectType,
    NumberSequence,
    Repair,
    Status,
)
from .services import ownership

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
# The facts that raise a tier (DOMAIN.md's table), as rare as they are in practice.
LITIGATION_WEIGHTS = {"none": 989, "possible": 8, "filed": 3}
MEDIA_WEIGHTS = {"none": 985, "possible": 10, "exposed": 5}
COLLECTIVE_SHARE = 0.01  # a collective complaint of 3–8 people …
LARGE_COLLECTIVE_SHARE = 0.003  # … or of 10–30
OUTSIDE_SUPPORT_SHARE = 0.015
HISTORY_DAYS = 730
RECENCY = 1.25  # ages are HISTORY_DAYS · u^RECENCY: the business grows, recent months are busier
OVERDUE_SHARE = 0.08  # of open complaints with a plan: its deadline has passed
OWNER_CONFIRMED_SHARE = 0.1  # closed on the complainant's confirmation rather than after a call-back
UNREACHABLE_CLOSE_SHARE = 0.03  # closed after three call-backs that did not reach the owner
UNREACHABLE_FIRST_SHARE = 0.12  # reached at the second attempt
RESOLVED_UNREACHED_SHARE = 0.3  # of those waiting for their call-back: one attempt did not reach them
REOPENED_SHARE = 0.25  # of complaints in progress after 5 days: resolved once, unhappy at the call-back
RATED_SHARE = 0.7
BUYER_COMPLAINANT_SHARE = 0.75  # an owner of a unit in the project complains about that unit …
CUSTOMER_COMPLAINANT_SHARE = 0.9  # … else another customer file of the company, else nobody on file
CUSTOMERS_LOADED = 50_000  # complainants are drawn from at most this many files (a 1M-customer bench)
REPAIR_SHARE = 0.7  # of construction complaints in handling: a repair by a contractor or supplier

CONTRACTORS = [
    ("中建三局第一建设工程有限责任公司", "contractor", "总包"),
    ("广东省建筑工程集团有限公司", "contractor", "总包"),
    ("深圳市洪涛装饰股份有限公司", "contractor", "精装修"),
    ("北京东方雨虹防水技术股份有限公司", "supplier", "防水材料"),
    ("浙江伟星新型建材股份有限公司", "supplier", "给排水管材"),
    ("广东坚朗五金制品股份有限公司", "supplier", "门窗五金"),
]
# Who repairs what (by sub-category), and how often each fixes it the first time: the ranking the
# monthly statistics show (the waterproofing supplier is the weak one).
REPAIRERS = {
    "渗漏水": (3, 0),
    "裂缝": (0, 1),
    "功能": (5, 4),
    "观感": (2,),
    "耐久性": (5, 1),
}
FIRST_TIME_FIX = (0.93, 0.78, 0.88, 0.66, 0.9, 0.8)
PLAN_TEXTS = {
    "渗漏水": "安排防水单位现场查找渗漏点，重做防水层并做闭水试验，完成后回访业主。",
    "裂缝": "委托检测单位判定裂缝性质，非结构性裂缝按规范修补，结构性问题报设计院复核。",
    "功能": "维修班组上门检修更换配件，一周内完成并请业主验收。",
    "观感": "精装单位上门评估，更换变形部位，施工期间做好成品保护。",
    "耐久性": "更换锈蚀构件并做防锈处理，同步排查同批次产品。",
}
DEFAULT_PLAN = "成立专项小组，三日内给出处理方案并告知业主，每周通报进展。"
UNHAPPY_NOTES = ("维修后仍有渗水", "师傅处理后问题依旧", "只做了表面处理，没有根治", "答复的时间没有兑现")
RATING_COMMENTS = {
    1: ("处理太慢，反复催促才有人来",),
    2: ("问题解决了但过程很折腾", "沟通不及时"),
    4: ("处理还算及时",),
    5: ("维修师傅很专业，感谢", "客服跟进很到位"),
}


def seed(size: DemoSize, out: DemoOutput) -> None:
    ensure_contractors()
    if size.complaints:
        seconds = out.progress(generate_complaints(size.complaints), size.complaints)
        out.line(
            _("Added %(count)s complaints in %(seconds).1f s.")
            % {"count": f"{size.complaints:,}", "seconds": seconds}
        )


def ensure_contractors() -> list[int]:
    """The demo contractors and suppliers (created once), in ``CONTRACTORS`` order."""
    return [
        Contractor.objects.get_or_create(name=name, defaults={"kind": kind, "specialty": specialty})[0].pk
        for name, kind, specialty in CONTRACTORS
    ]


def _weighted(rng: random.Random, weights: dict) -> Callable[[], object]:
    population, cumulative = list(weights), []
    total = 0
    for weight in weights.values():
        total += weight
        cumulative.append(total)
    return lambda: rng.choices(population, cum_weights=cumulative)[0]


class DemoWorld:
    """What the demo complaints are drawn from: projects, units, the companies' customer files and
    staff, the contractors (loaded once per run, customer files capped for the 1M-row bench)."""

    def __init__(self, rng: random.Random, now: datetime):
        self.rng, self.now = rng, now
        self.projects = list(Project.objects.order_by("id").values_list("id", "company_id"))
        if not self.projects:
            raise ValueError("Seed the organisation before complaints.")
        self.units_by_project: dict[int, list[int]] = {}
        self.units_by_building: dict[int, list[int]] = {}
        self.building_of: dict[int, int] = {}
        for unit_id, building_id, project_id in Unit.objects.order_by("id").values_list(
            "id", "building_id", "building__project_id"
        ):
            self.units_by_project.setdefault(project_id, []).append(unit_id)
            self.units_by_building.setdefault(building_id, []).append(unit_id)
            self.building_of[unit_id] = building_id
        # (customer, unit, name, phone): owners and buyers by project, every file by company.
        self.buyers_by_project: dict[int, list[tuple]] = {}
        for customer_id, unit_id, project_id, name, phone in (
            Purchase.objects.filter(customer__company_id=F("unit__building__project__company_id"))
            .order_by("id")
            .values_list(
                "customer_id", "unit_id", "unit__building__project_id", "customer__name", "customer__phone"
            )[:CUSTOMERS_LOADED]
        ):
            self.buyers_by_project.setdefault(project_id, []).append((customer_id, unit_id, name, phone))
        self.customers_by_company: dict[int, list[tuple]] = {}
        for customer_id, company_id, name, phone in Customer.objects.order_by("id").values_list(
            "id", "company_id", "name", "phone"
        )[:CUSTOMERS_LOADED]:
            self.customers_by_company.setdefault(company_id, []).append((customer_id, None, name, phone))
        users = list(
            User.objects.filter(is_active=True)
            .order_by("username")
            .values_list("id", "company_id", "username")
        )
        # The company's own front-line person handles its complaints in the demo (staff_sz, staff_bj).
        self.handler_of: dict[int, int] = {}
        for user_id, company_id, username in users:
            if company_id and (company_id not in self.handler_of or username.startswith("staff")):
                self.handler_of[company_id] = user_id
        self.any_user = users[0][0] if users else None
        self.contractors = ensure_contractors()
        self.calendars = working_calendars(company_id for _project, company_id in self.projects)

    def set_response_figures(self, complaint: Complaint) -> None:
        """The report's response figures, as the services keep them; demo complaints are never paused."""
        ownership.set_response_figures(
            complaint, pauses=[], calendar=self.calendars.for_company(complaint.company_id)
        )

    def complainant(self, project_id: int, company_id: int) -> tuple | None:
        """(customer, unit or None, name, phone) of someone on file, or None."""
        draw = self.rng.random()
        buyers = self.buyers_by_project.get(project_id)
        if buyers and draw < BUYER_COMPLAINANT_SHARE:
            return self.rng.choice(buyers)
        others = self.customers_by_company.get(company_id)
        if others and draw < CUSTOMER_COMPLAINANT_SHARE:
            return self.rng.choice(others)
        return None

    def recorder(self, company_id: int) -> int | None:
        return self.handler_of.get(company_id) or self.any_user


def _status_for(rng: random.Random, age_days: float) -> str:
    """Most complaints are closed; the open ones are recent, a few old ones are still in progress."""
    if age_days <= 3:
        choices, weights = (
            (Status.RECEIVED, Status.ASSIGNED, Status.IN_PROGRESS, Status.AWAITING_CUSTOMER, Status.RESOLVED),
            (15, 25, 40, 10, 10),
        )
    elif age_days <= 14:
        choices, weights = (
            (Status.IN_PROGRESS, Status.AWAITING_CUSTOMER, Status.RESOLVED, Status.CLOSED),
            (25, 8, 22, 45),
        )
    elif age_days <= 45:
        choices, weights = (
            (Status.IN_PROGRESS, Status.AWAITING_CUSTOMER, Status.RESOLVED, Status.CLOSED),
            (3, 2, 3, 92),
        )
    else:
        choices, weights = (Status.IN_PROGRESS, Status.CLOSED), (4, 996)
    return rng.choices(choices, weights=weights)[0]


def _handling_times(rng: random.Random, status: str, received_at: datetime, now: datetime) -> dict:
    """Plausible response, plan deadline and resolution times, and a rating for most closed complaints
    (lower when handling took long)."""
    if status == Status.RECEIVED:
        return {}
    responded = min(received_at + timedelta(hours=rng.expovariate(1 / 6)), now)
    deadline = received_at + timedelta(days=rng.choice((7, 10, 15, 30)))
    if status not in complaint_rules.HANDLED_STATUSES:
        # An open complaint's plan is mostly still ahead of it; a few have run past their deadline.
        if rng.random() < OVERDUE_SHARE and now - received_at > timedelta(days=2):
            deadline = now - timedelta(days=rng.uniform(0.5, 2))
        else:
            deadline = max(deadline, now + timedelta(days=rng.uniform(1, 10)))
    times = {"first_response_at": responded, "deadline": deadline}
    if status in (Status.RESOLVED, Status.CLOSED):
        # Most are solved in a couple of days; a long tail waits on parts, contractors, decisions.
        days = rng.expovariate(1 / 1.5) if rng.random() < 0.96 else rng.expovariate(1 / 6)
        resolved = min(responded + timedelta(days=days), now)
        times["resolved_at"] = resolved
        if status == Status.RESOLVED:
            times["callback_due_at"] = complaint_rules.callback_due(resolved)
        if status == Status.CLOSED:
            times["closed_at"] = min(resolved + timedelta(days=rng.uniform(0.5, 5)), now)
            if rng.random() < RATED_SHARE:
                took = (resolved - received_at).days
                weights = (
                    (2, 3, 10, 40, 45)
                    if took < 3
                    else (5, 10, 25, 40, 20)
                    if took < 10
                    else (15, 20, 30, 25, 10)
                )
                rating = rng.choices((1, 2, 3, 4, 5), weights=weights)[0]
                times["rating"] = rating
                if rating in RATING_COMMENTS and rng.random() < 0.4:
                    times["rating_comment"] = rng.choice(RATING_COMMENTS[rating])
    return times


def _facts(rng: random.Random, pick_litigation, pick_media) -> dict:
    draw = rng.random()
    if draw < LARGE_COLLECTIVE_SHARE:
        complainants = rng.randint(10, 30)
    elif draw < LARGE_COLLECTIVE_SHARE + COLLECTIVE_SHARE:
        complainants = rng.randint(3, 8)
    else:
        complainants = 1
    return {
        "litigation": pick_litigation(),
        "media": pick_media(),
        "complainant_count": complainants,
        "needs_outside_support": rng.random() < OUTSIDE_SUPPORT_SHARE,
    }


def generate_complaints(
    count: int, *, batch_size: int = 5000, seed: int = 2026, now: datetime | None = None
) -> Iterator[int]:
    """Insert ``count`` complaints in bulk (the story first, once, when ``count`` is large enough),
    yielding the running total after each batch."""
    rng = random.Random(seed)
    now = now or timezone.now()
    world = DemoWorld(rng, now)
    next_number = _NumberCounters()
    made = 0
    if count >= demo_story.STORY_MIN_COMPLAINTS and not demo_story.story_exists():
        with transaction.atomic():
            made = demo_story.seed_story(world, next_number)
            next_number.save()
        yield made

    topics = {category: items for category, (_share, items) in COMPLAINT_TOPICS.items()}
    pick_category = _weighted(
        rng, {category: share for category, (share, _items) in COMPLAINT_TOPICS.items()}
    )
    pick_channel = _weighted(rng, CHANNEL_WEIGHTS)
    pick_litigation = _weighted(rng, LITIGATION_WEIGHTS)
    pick_media = _weighted(rng, MEDIA_WEIGHTS)
    # Construction and design complaints carry the defect type their topic stands for (the register).
    defect_ids = dict(DefectType.objects.filter(parent__isnull=False).values_list("code", "pk"))

    while made < count:
        batch = []
        for _index in range(min(batch_size, count - made)):
            age_days = HISTORY_DAYS * rng.random() ** RECENCY
            received_at = now - timedelta(days=age_days, seconds=rng.randrange(86400))
            project_id, company_id = rng.choice(world.projects)
            category = pick_category()
            sub_category, title = rng.choice(topics[category])
            status = _status_for(rng, age_days)
            times = _handling_times(rng, status, received_at, now)
            complainant = world.complainant(project_id, company_id)
            units = world.units_by_project.get(project_id)
            if complainant and complainant[1]:
                unit_id = complainant[1]
            else:
                unit_id = rng.choice(units) if units and rng.random() < 0.8 else None
            # Resolved once, unhappy at the call-back, reopened: a second complaint (important).
            reopened = (
                status == Status.IN_PROGRESS
                and now - times["first_response_at"] > timedelta(days=3)
                and age_days > 5
                and rng.random() < REOPENED_SHARE
            )
            paused_since = (
                received_at + timedelta(days=min(age_days / 2, 2))
                if status == Status.AWAITING_CUSTOMER
                else None
            )
            facts = _facts(rng, pick_litigation, pick_media)
            tier, reasons = demo_story.tier_of(
                facts=facts,
                received_at=received_at,
                until=times.get("resolved_at") or paused_since or now,
                second=reopened,
            )
            complaint = Complaint(
                number=next_number(received_at),
                company_id=company_id,
                project_id=project_id,
                unit_id=unit_id,
                customer_id=complainant[0] if complainant else None,
                contact_name=complainant[2] if complainant else "",
                contact_phone=complainant[3] if complainant else "",
                channel=pick_channel(),
                category=category,
                sub_category=sub_category,
                defect_type_id=defect_ids.get(complaint_rules.defect_code_for(sub_category, title) or "")
                if category in complaint_rules.DEFECT_CATEGORIES
                else None,
                status=status,
                tier=tier,
                tier_reasons=reasons,
                title=title,
                description=f"【{sub_category}】业主反映：{title}，希望尽快安排处理并告知进展。",
                received_at=received_at,
                reopen_count=1 if reopened else 0,
                handler_id=world.handler_of.get(company_id) if status != Status.RECEIVED else None,
                first_responder_id=world.handler_of.get(company_id) if status != Status.RECEIVED else None,
                paused_since=paused_since,
                **facts,
                **times,
                **complaint_rules.clock_columns(
                    received_at=received_at,
                    paused_seconds=0,
                    paused=status == Status.AWAITING_CUSTOMER,
                    resolved=status in complaint_rules.HANDLED_STATUSES,
                    tier=tier,
                ),
            )
            world.set_response_figures(complaint)
            complaint.demo_reopened = reopened
            batch.append(complaint)
        with transaction.atomic():
            Complaint.objects.bulk_create(batch)
            _add_handling_events(rng, batch, now)
            _add_repairs(rng, world, batch, now)
            next_number.save()
        made += len(batch)
        yield made


def _add_handling_events(rng: random.Random, batch: list[Complaint], now: datetime) -> None:
    """The events of handled complaints, in bulk: the plan of an escalated complaint; a resolve; then
    for a closed complaint the call-backs (satisfied, perhaps after one that did not reach the owner,
    or three that did not) or the complainant's confirmation, and the close; for a resolved one perhaps
    an attempt that did not reach the owner; for reopened complaints an earlier resolve, an unhappy
    call-back and the reopening. Their times come from the complaint's own columns in five UPDATEs
    (``at`` is set on insert)."""
    Kind, events = ComplaintEvent.Kind, []

    def add(complaint, kind, **fields):
        events.append(ComplaintEvent(complaint_id=complaint.pk, kind=kind, **fields))

    for complaint in batch:
        if complaint.tier != complaint_rules.NORMAL and complaint.first_response_at is not None:
            add(
                complaint,
                Kind.PLAN,
                note=PLAN_TEXTS.get(complaint.sub_category, DEFAULT_PLAN),
                deadline=complaint.deadline,
                visible_to_complainant=True,
            )
        if complaint.status in complaint_rules.HANDLED_STATUSES or complaint.demo_reopened:
            add(complaint, Kind.STATUS, from_value=Status.IN_PROGRESS, to_value=Status.RESOLVED)
        if complaint.demo_reopened:
            add(
                complaint,
                Kind.CALLBACK,
                to_value=complaint_rules.NOT_SATISFIED,
                note=rng.choice(UNHAPPY_NOTES),
            )
            add(complaint, Kind.STATUS, from_value=Status.RESOLVED, to_value=Status.IN_PROGRESS)
        if (
            complaint.status == Status.RESOLVED
            and now - complaint.resolved_at > timedelta(days=1)
            and rng.random() < RESOLVED_UNREACHED_SHARE
        ):
            add(complaint, Kind.CALLBACK, to_value=complaint_rules.UNREACHABLE, note="电话无人接听")
        if complaint.status == Status.CLOSED:
            draw = rng.random()
            if draw < OWNER_CONFIRMED_SHARE:
                add(complaint, Kind.CONFIRMED, visible_to_complainant=True)
                basis = complaint_rules.CLOSED_ON_OWNER_CONFIRMATION
            elif draw < OWNER_CONFIRMED_SHARE + UNREACHABLE_CLOSE_SHARE:
                for _attempt in range(complaint_rules.UNREACHABLE_ATTEMPTS_TO_CLOSE):
                    add(complaint, Kind.CALLBACK, to_value=complaint_rules.UNREACHABLE, note="电话无人接听")
                basis = complaint_rules.CLOSED_AFTER_UNREACHABLE_CALLBACKS
            else:
                if rng.random() < UNREACHABLE_FIRST_SHARE:
                    add(complaint, Kind.CALLBACK, to_value=complaint_rules.UNREACHABLE, note="电话无人接听")
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
    made.filter(kind=Kind.PLAN).update(
        at=Subquery(column.values(at=Coalesce("first_response_at", "received_at")))
    )
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
    # Attempts that did not reach the owner come before the answer (closed) or a day after the resolve.
    made.filter(kind=Kind.CALLBACK, to_value=complaint_rules.UNREACHABLE).update(
        at=Subquery(
            column.values(
                at=Coalesce(
                    Greatest(F("closed_at") - timedelta(hours=2), "resolved_at"),
                    F("resolved_at") + timedelta(days=1),
                )
            )
        )
    )
    made.filter(Q(kind=Kind.CONFIRMED) | Q(kind=Kind.STATUS, to_value=Status.CLOSED)).update(
        at=Subquery(column.values("closed_at"))
    )


def _add_repairs(rng: random.Random, world: DemoWorld, batch: list[Complaint], now: datetime) -> None:
    """Repairs (返修) of construction complaints in handling, by the contractor or supplier responsible:
    judged once the complaint is resolved; a repair that did not hold is followed by a second one."""
    today = timezone.localdate(now)
    repairs = []
    for complaint in batch:
        choices = REPAIRERS.get(complaint.sub_category)
        recorder = world.recorder(complaint.company_id)
        if (
            complaint.category != Category.CONSTRUCTION
            or not choices
            or recorder is None
            or complaint.first_response_at is None
            or complaint.status in (Status.RECEIVED, Status.ASSIGNED)
            or rng.random() >= REPAIR_SHARE
        ):
            continue
        index = rng.choice(choices)
        contractor = world.contractors[index]
        if contractor is None:
            continue
        resolved_day = timezone.localdate(complaint.resolved_at) if complaint.resolved_at else None
        started = min(timezone.localdate(complaint.first_response_at + timedelta(days=1)), today)
        if resolved_day is not None and resolved_day < started:
            started = resolved_day
        held = rng.random() < FIRST_TIME_FIX[index]
        repairs.append(
            Repair(
                complaint_id=complaint.pk,
                contractor_id=contractor,
                work=PLAN_TEXTS[complaint.sub_category][:60],
                started_on=started,
                finished_on=None if resolved_day is None else resolved_day if held else started,
                fixed_first_time=None if resolved_day is None else held,
                recorded_by_id=recorder,
            )
        )
        if resolved_day is not None and not held:
            repairs.append(
                Repair(
                    complaint_id=complaint.pk,
                    contractor_id=contractor,
                    work="返修：" + complaint.title,
                    started_on=resolved_day,
                    finished_on=resolved_day,
                    fixed_first_time=True,
                    recorded_by_id=recorder,
                )
            )
    Repair.objects.bulk_create(repairs)


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
