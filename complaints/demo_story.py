"""Each company's story in the demo: what a customer-relations manager would discuss this month.

Per company, written out rather than drawn at random: an open major complaint with its reason
(media exposure in Shenzhen, a lawsuit in Beijing, a collective complaint of 12 owners in Shanghai, a
month unresolved in Wuhan), open hot ones (a lawyer, a television threat, a collective complaint),
an issue group of three or four owners about one building, a second complaint after a handled one,
a complaint reopened after an unhappy call-back, plans whose deadline passed (overdue), call-backs
that were satisfied, unhappy or could not reach the owner, ratings, repairs by contractors this
month, and in Shenzhen a suggested cluster (three owners, one building, not yet linked). Times are
relative to the moment of seeding; the tier is what the rules give the facts, never typed in.

``demo.generate_complaints`` seeds it once, as the first complaints of a run of at least
``STORY_MIN_COMPLAINTS`` (the story's complaints count toward the number asked for).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from organization.models import Company

from . import rules
from .models import Category, Channel, Complaint, ComplaintEvent, FollowsReason, Repair, Status

STORY_MIN_COMPLAINTS = 100

CON, DES, SAL, PRO, SER, OTH = (
    Category.CONSTRUCTION,
    Category.DESIGN,
    Category.SALES,
    Category.PROPERTY,
    Category.SERVICE,
    Category.OTHER,
)
# Contractor indexes of demo.CONTRACTORS: 0 中建三局, 1 广东建工, 2 洪涛装饰, 3 东方雨虹, 4 伟星, 5 坚朗.
FALLBACK_NAMES = ("刘先生", "陈女士", "王先生", "张女士", "李先生", "黄女士", "周先生", "吴女士")


@dataclass(frozen=True)
class Beat:
    """One complaint of the story (days are before the moment of seeding)."""

    key: str
    title: str
    category: str
    sub_category: str
    days_ago: float
    status: str
    project: int = 0  # which of the company's projects (by id order)
    channel: str = Channel.HOTLINE
    litigation: str = "none"
    media: str = "none"
    complainant_count: int = 1
    needs_outside_support: bool = False
    group: str = ""  # beats of one company sharing it are about one building and issue …
    linked: bool = True  # … linked as an issue group (the first is its root), or only a suggested cluster
    building: int = 0  # which building of the project, for a group
    follows: str = ""  # the key of the handled complaint this one is the second complaint of
    follows_reason: str = FollowsReason.SAME_CUSTOMER
    plan: str = ""
    plan_due_days: float | None = None  # the plan's deadline from now; below zero it has passed (overdue)
    progress: str = ""
    resolved_days_ago: float | None = None
    closed_days_ago: float | None = None
    callbacks: tuple[str, ...] = ()  # outcomes after the (latest) resolve, oldest first
    callback_note: str = ""
    confirmed: bool = False
    reopened: bool = False  # resolved once, unhappy at the call-back, back in progress
    rating: int | None = None
    rating_comment: str = ""
    repairs: tuple[tuple[int, bool | None], ...] = ()  # (contractor, fixed the first time) this month


SATISFIED, NOT_SATISFIED, UNREACHABLE = rules.SATISFIED, rules.NOT_SATISFIED, rules.UNREACHABLE
IN_PROGRESS, ASSIGNED, RECEIVED = Status.IN_PROGRESS, Status.ASSIGNED, Status.RECEIVED
RESOLVED, CLOSED = Status.RESOLVED, Status.CLOSED

SHENZHEN = [
    Beat(
        "media",
        "东海岸地下车库顶板大面积渗水，业主已向媒体爆料",
        CON,
        "渗漏水",
        12,
        IN_PROGRESS,
        project=2,
        channel=Channel.MEDIA,
        media="exposed",
        plan="委托第三方检测渗漏点，更换顶板防水层；每周五在业主群通报进展。",
        plan_due_days=10,
        progress="防水单位已进场，完成3处渗漏点封堵，剩余区域预计下周完成。",
        repairs=((3, None),),
    ),
    Beat(
        "tiles-1",
        "4栋外墙瓷砖开裂脱落，担心砸伤行人",
        CON,
        "裂缝",
        9,
        IN_PROGRESS,
        group="tiles",
        building=3,
        plan="搭设防护棚并排查整栋外墙空鼓，两周内完成修复。",
        plan_due_days=5,
        progress="已完成东、南两面空鼓排查，共标记42处，防护棚已搭好。",
        repairs=((1, None),),
    ),
    Beat(
        "tiles-2",
        "楼下外墙瓷砖掉落，孩子上学经过很危险",
        CON,
        "裂缝",
        7,
        IN_PROGRESS,
        group="tiles",
        building=3,
    ),
    Beat(
        "tiles-3",
        "外墙瓷砖空鼓开裂",
        CON,
        "裂缝",
        4,
        ASSIGNED,
        group="tiles",
        building=3,
        channel=Channel.ONLINE_FORM,
    ),
    Beat(
        "tiles-4",
        "外墙瓷砖脱落砸坏车辆",
        CON,
        "裂缝",
        2,
        RECEIVED,
        group="tiles",
        building=3,
        channel=Channel.WALK_IN,
    ),
    Beat(
        "lawyer",
        "销售承诺的赠送面积未兑现，业主称已咨询律师",
        SAL,
        "承诺",
        6,
        IN_PROGRESS,
        project=1,
        litigation="possible",
        plan="营销部核对销售承诺及宣传资料，5日内给出书面答复。",
        plan_due_days=-1,
    ),
    Beat(
        "leak-first",
        "卫生间天花板渗漏水",
        CON,
        "渗漏水",
        64,
        CLOSED,
        resolved_days_ago=58,
        closed_days_ago=55,
        callbacks=(SATISFIED,),
        callback_note="业主表示暂时不漏了",
        rating=3,
        rating_comment="维修拖了好几天",
    ),
    Beat(
        "leak-again",
        "卫生间天花板再次渗漏水",
        CON,
        "渗漏水",
        4,
        ASSIGNED,
        follows="leak-first",
        plan="重新排查楼上卫生间防水及管道接口，必要时整体重做防水。",
        plan_due_days=6,
    ),
    Beat(
        "door",
        "入户门关闭不严",
        CON,
        "功能",
        6,
        IN_PROGRESS,
        project=1,
        resolved_days_ago=3,
        callbacks=(NOT_SATISFIED,),
        callback_note="师傅调整合页后门仍然关不严",
        reopened=True,
        repairs=((5, False), (5, None)),
    ),
    Beat(
        "lobby",
        "电梯厅清洁不及时",
        PRO,
        "保洁",
        5,
        RESOLVED,
        project=2,
        resolved_days_ago=2,
        callbacks=(UNREACHABLE,),
        callback_note="电话无人接听",
    ),
    Beat(
        "guard",
        "夜间门岗无人值守",
        PRO,
        "安保",
        8,
        CLOSED,
        resolved_days_ago=6,
        closed_days_ago=4,
        callbacks=(UNREACHABLE, SATISFIED),
        callback_note="保安已增加夜间巡逻，业主满意",
        rating=5,
        rating_comment="保安已增加夜间巡逻，感谢",
    ),
    Beat(
        "lights-1",
        "地下车库照明灯不亮",
        CON,
        "功能",
        10,
        CLOSED,
        project=2,
        group="lights",
        linked=False,
        building=1,
        resolved_days_ago=9,
        closed_days_ago=8,
        callbacks=(SATISFIED,),
        rating=4,
    ),
    Beat(
        "lights-2",
        "车库灯坏了一半，晚上停车看不清",
        CON,
        "功能",
        6,
        IN_PROGRESS,
        project=2,
        group="lights",
        linked=False,
        building=1,
    ),
    Beat(
        "lights-3",
        "地下车库照明损坏无人维修",
        CON,
        "功能",
        3,
        ASSIGNED,
        project=2,
        group="lights",
        linked=False,
        building=1,
        channel=Channel.ONLINE_FORM,
    ),
    Beat(
        "drain",
        "排水管堵塞反味",
        CON,
        "功能",
        5,
        IN_PROGRESS,
        plan="维修班组疏通排水立管并加装存水弯。",
        plan_due_days=-1,
        repairs=((4, True),),
    ),
]
BEIJING = [
    Beat(
        "court",
        "交付面积缩水，6户业主已向法院起诉",
        SAL,
        "合同",
        20,
        IN_PROGRESS,
        channel=Channel.LETTER,
        litigation="filed",
        complainant_count=6,
        plan="法务部牵头应诉，委托测绘机构复测面积，按合同约定处理面积差价。",
        plan_due_days=15,
        progress="测绘机构已完成6户复测，报告将于本周提交法院。",
    ),
    Beat(
        "tv",
        "车位配比不足，业主扬言找电视台曝光",
        DES,
        "规划",
        4,
        IN_PROGRESS,
        project=1,
        channel=Channel.FORUM,
        media="possible",
        plan="规划设计部研究增设机械车位方案，两周内召开业主恳谈会。",
        plan_due_days=10,
    ),
    Beat(
        "lift-1",
        "2栋电梯频繁故障困人",
        CON,
        "功能",
        8,
        IN_PROGRESS,
        project=2,
        group="lift",
        building=1,
        plan="电梯厂家全面检修并更换控制主板，检修期间安排专人值守。",
        plan_due_days=3,
        progress="已更换1号梯控制主板，2号梯配件到货后更换。",
        repairs=((5, True),),
    ),
    Beat(
        "lift-2", "电梯又困人了，老人不敢坐", CON, "功能", 5, IN_PROGRESS, project=2, group="lift", building=1
    ),
    Beat("lift-3", "电梯运行有异响", CON, "功能", 1, RECEIVED, project=2, group="lift", building=1),
    Beat(
        "window-first",
        "外窗雨天渗水",
        CON,
        "渗漏水",
        45,
        CLOSED,
        resolved_days_ago=40,
        closed_days_ago=38,
        callbacks=(SATISFIED,),
        rating=4,
    ),
    Beat(
        "window-again",
        "外窗雨天再次渗水",
        CON,
        "渗漏水",
        3,
        ASSIGNED,
        follows="window-first",
        follows_reason=FollowsReason.SAME_UNIT,
    ),
    Beat(
        "noise",
        "周边施工噪音扰民，需协调政府部门",
        OTH,
        "其他",
        3,
        IN_PROGRESS,
        project=2,
        needs_outside_support=True,
        plan="协调街道办及施工单位，限定夜间施工时间。",
        plan_due_days=7,
    ),
    Beat(
        "fee",
        "物业费收费标准有异议",
        PRO,
        "收费",
        6,
        IN_PROGRESS,
        project=1,
        plan="物业公司公示收费依据，组织业主代表座谈。",
        plan_due_days=-2,
    ),
    Beat(
        "floor",
        "地板起拱变形",
        CON,
        "观感",
        20,
        CLOSED,
        resolved_days_ago=15,
        closed_days_ago=2,
        callbacks=(UNREACHABLE, UNREACHABLE, UNREACHABLE),
        callback_note="三次致电均无人接听",
        repairs=((2, True),),
    ),
]
SHANGHAI = [
    Beat(
        "school",
        "承诺的幼儿园未建成，12户业主联名投诉",
        DES,
        "配套",
        10,
        IN_PROGRESS,
        project=1,
        channel=Channel.LETTER,
        complainant_count=12,
        plan="与区教育局及运营方协调开园时间，书面答复业主并公示进度。",
        plan_due_days=20,
        progress="已与区教育局召开协调会，初定明年3月开园。",
    ),
    Beat(
        "area",
        "合同面积与实测面积不符，业主称将起诉",
        SAL,
        "合同",
        5,
        IN_PROGRESS,
        litigation="possible",
        plan="委托测绘机构复测，按合同约定多退少补。",
        plan_due_days=5,
    ),
    Beat(
        "garage-1",
        "地下车库顶板渗水，车辆被泡",
        CON,
        "渗漏水",
        6,
        IN_PROGRESS,
        project=2,
        group="garage",
        plan="防水单位排查顶板伸缩缝，注浆堵漏并做闭水试验。",
        plan_due_days=4,
        repairs=((3, None),),
    ),
    Beat("garage-2", "车库顶板滴水", CON, "渗漏水", 4, ASSIGNED, project=2, group="garage"),
    Beat("garage-3", "地下车库墙面渗水发霉", CON, "渗漏水", 2, RECEIVED, project=2, group="garage"),
    Beat(
        "crack",
        "客厅墙面出现裂缝",
        CON,
        "裂缝",
        6,
        IN_PROGRESS,
        resolved_days_ago=3,
        callbacks=(NOT_SATISFIED,),
        callback_note="只刷了腻子，裂缝又出现了",
        reopened=True,
        repairs=((0, False), (0, None)),
    ),
    Beat(
        "repair-wait",
        "报修后一周无人处理",
        SER,
        "时效",
        6,
        IN_PROGRESS,
        project=1,
        plan="客服中心督办维修单，48小时内上门。",
        plan_due_days=-1,
    ),
    Beat(
        "gate",
        "夜间门岗无人值守",
        PRO,
        "安保",
        4,
        RESOLVED,
        project=2,
        resolved_days_ago=2,
        callbacks=(UNREACHABLE,),
        callback_note="电话关机",
    ),
    Beat(
        "door",
        "入户门关闭不严",
        CON,
        "功能",
        9,
        CLOSED,
        resolved_days_ago=7,
        closed_days_ago=5,
        confirmed=True,
        rating=4,
        repairs=((5, True),),
    ),
]
WUHAN = [
    Beat(
        "railing",
        "阳台栏杆锈蚀，反复维修仍未解决",
        CON,
        "耐久性",
        35,
        IN_PROGRESS,
        project=1,
        plan="更换整栋阳台栏杆为不锈钢材质，由供应商承担费用。",
        plan_due_days=-5,
        progress="新栏杆已下单，供应商承诺本月底前到货安装。",
        repairs=((5, False), (5, None)),
    ),
    Beat(
        "garden",
        "园林绿化与宣传不符，4户业主联名投诉",
        DES,
        "景观",
        5,
        IN_PROGRESS,
        complainant_count=4,
        plan="景观设计单位出具补种方案，本月内完成补植。",
        plan_due_days=12,
    ),
    Beat(
        "drain-1",
        "排水管堵塞反味",
        CON,
        "功能",
        6,
        IN_PROGRESS,
        project=2,
        group="drain",
        building=4,
        plan="疏通5栋排水主管并检查坡度，必要时重新铺设。",
        plan_due_days=3,
        repairs=((4, None),),
    ),
    Beat("drain-2", "厨房下水反味严重", CON, "功能", 4, ASSIGNED, project=2, group="drain", building=4),
    Beat("drain-3", "卫生间地漏返臭", CON, "功能", 1, RECEIVED, project=2, group="drain", building=4),
    Beat(
        "lobby-first",
        "电梯厅清洁不及时",
        PRO,
        "保洁",
        50,
        CLOSED,
        resolved_days_ago=47,
        closed_days_ago=45,
        callbacks=(SATISFIED,),
        rating=2,
        rating_comment="沟通不及时",
    ),
    Beat("lobby-again", "电梯厅清洁仍不及时", PRO, "保洁", 2, RECEIVED, follows="lobby-first"),
    Beat(
        "leak",
        "卫生间天花板渗漏水",
        CON,
        "渗漏水",
        10,
        CLOSED,
        project=1,
        resolved_days_ago=7,
        closed_days_ago=5,
        callbacks=(SATISFIED,),
        callback_note="闭水试验通过，业主满意",
        rating=5,
        repairs=((0, True),),
    ),
    Beat("bonus", "销售承诺的赠送面积未兑现", SAL, "承诺", 6, RESOLVED, project=2, resolved_days_ago=1),
]
SCRIPTS = {"深圳万科": SHENZHEN, "北京万科": BEIJING, "上海万科": SHANGHAI, "武汉万科": WUHAN}


def story_exists() -> bool:
    """The story is seeded once: its first complaint's title is its mark."""
    return Complaint.objects.filter(title=SHENZHEN[0].title).exists()


def tier_of(*, facts: dict, received_at: datetime, until: datetime, second: bool, group: int = 1):
    """The tier and reasons the rules give these facts (the demo never invents a tier)."""
    return rules.tier_for(
        rules.TierFacts(
            litigation=facts["litigation"],
            media=facts["media"],
            complainant_count=facts["complainant_count"],
            same_issue_complainants=group,
            unresolved_for=max(until - received_at, timedelta(0)),
            second_complaint=second,
            needs_outside_support=facts["needs_outside_support"],
            issue_group_complainants=group,
        )
    )


class _People:
    """A company's complainants for the story: distinct files, owners of the project first."""

    def __init__(self, world, company_id: int, projects: list[int]):
        self.world, self.company_id, self.used = world, company_id, set()
        self.projects = projects

    def take(self, project_id: int, index: int) -> tuple:
        """(customer or None, unit or None, name, phone): an owner of the project with their unit,
        else another file of the company without a unit."""
        for candidate in self.world.buyers_by_project.get(project_id, []):
            if candidate[0] not in self.used:
                self.used.add(candidate[0])
                return candidate
        elsewhere = (
            *(buyer for other in self.projects for buyer in self.world.buyers_by_project.get(other, [])),
            *self.world.customers_by_company.get(self.company_id, []),
        )
        for candidate in elsewhere:
            if candidate[0] not in self.used:
                self.used.add(candidate[0])
                return (candidate[0], None, candidate[2], candidate[3])
        # Nobody on file (a demo without customers): a contact of its own, a distinct phone.
        return (
            None,
            None,
            FALLBACK_NAMES[index % len(FALLBACK_NAMES)],
            f"139{self.company_id:03d}{index:05d}",
        )


@transaction.atomic
def seed_story(world, numbers) -> int:
    """Insert every company's story; returns how many complaints it added."""
    now = world.now
    projects_of: dict[int, list[int]] = {}
    for project_id, company_id in world.projects:
        projects_of.setdefault(company_id, []).append(project_id)
    made: list[tuple[Beat, Complaint, dict]] = []
    for company_id, name in Company.objects.order_by("id").values_list("id", "name"):
        projects = projects_of.get(company_id)
        if not projects:
            continue
        script = SCRIPTS.get(name, SHENZHEN)
        people, by_key = _People(world, company_id, projects), {}
        groups = {
            beat.group: sum(1 for other in script if other.group == beat.group)
            for beat in script
            if beat.group
        }
        for index, beat in enumerate(script):
            project_id = projects[beat.project % len(projects)]
            earlier = by_key.get(beat.follows)
            who = (
                (earlier.customer_id, earlier.unit_id, earlier.contact_name, earlier.contact_phone)
                if earlier is not None
                else people.take(project_id, index)
            )
            unit_id = who[1]
            if beat.group:
                units = _building_units(world, project_id, beat.building)
                unit_id = units[(index * 7) % len(units)] if units else None
            elif unit_id is None:
                units = world.units_by_project.get(project_id, [])
                unit_id = units[(index * 13) % len(units)] if units else None
            complaint = _complaint(
                world, beat, company_id, project_id, unit_id, who, numbers, groups.get(beat.group, 1)
            )
            by_key[beat.key] = complaint
            made.append((beat, complaint, by_key))
    Complaint.objects.bulk_create([complaint for _beat, complaint, _keys in made])
    _link(made)
    _events(made, now)
    _repairs(world, made, timezone.localdate(now))
    return len(made)


def _building_units(world, project_id: int, building: int) -> list[int]:
    buildings = sorted({world.building_of[unit] for unit in world.units_by_project.get(project_id, [])})
    if not buildings:
        return []
    return world.units_by_building[buildings[building % len(buildings)]]


def _ago(now: datetime, days: float | None) -> datetime | None:
    return None if days is None else now - timedelta(days=days)


def _complaint(
    world, beat: Beat, company_id, project_id, unit_id, who, numbers, group_size: int
) -> Complaint:
    now = world.now
    received_at = now - timedelta(days=beat.days_ago)
    resolved_at = None if beat.reopened else _ago(now, beat.resolved_days_ago)
    closed_at = _ago(now, beat.closed_days_ago)
    facts = {
        "litigation": beat.litigation,
        "media": beat.media,
        "complainant_count": beat.complainant_count,
        "needs_outside_support": beat.needs_outside_support,
    }
    tier, reasons = tier_of(
        facts=facts,
        received_at=received_at,
        until=resolved_at or now,
        second=bool(beat.follows) or beat.reopened,
        group=group_size if beat.group and beat.linked else 1,
    )
    handler = world.handler_of.get(company_id) if beat.status != RECEIVED else None
    answered = [outcome for outcome in beat.callbacks if outcome in rules.ANSWERED_OUTCOMES]
    settled = beat.confirmed or bool(answered) or len(beat.callbacks) >= rules.UNREACHABLE_ATTEMPTS_TO_CLOSE
    return Complaint(
        number=numbers(received_at),
        company_id=company_id,
        project_id=project_id,
        unit_id=unit_id,
        customer_id=who[0],
        contact_name=who[2],
        contact_phone=who[3],
        channel=beat.channel,
        category=beat.category,
        sub_category=beat.sub_category,
        status=beat.status,
        tier=tier,
        tier_reasons=reasons,
        title=beat.title,
        description=f"【{beat.sub_category}】业主反映：{beat.title}。希望尽快给出处理方案并告知进展。",
        received_at=received_at,
        **facts,
        reopen_count=1 if beat.reopened else 0,
        follows_reason=beat.follows_reason if beat.follows else "",
        handler_id=handler,
        first_responder_id=handler,
        deadline=None if beat.plan_due_days is None else now + timedelta(days=beat.plan_due_days),
        first_response_at=None if beat.status == RECEIVED else received_at + timedelta(hours=2),
        resolved_at=resolved_at,
        closed_at=closed_at,
        callback_due_at=(
            rules.callback_due(resolved_at)
            if beat.status == RESOLVED and resolved_at and not settled
            else None
        ),
        rating=beat.rating,
        rating_comment=beat.rating_comment,
        next_due_at=rules.next_clock_due(
            received_at=received_at,
            paused_seconds=0,
            paused=False,
            resolved=beat.status in rules.HANDLED_STATUSES,
            tier=tier,
        ),
    )


def _link(made) -> None:
    """Second complaints follow the earlier one; members of an issue group point at its root."""
    roots: dict[tuple[int, str], Complaint] = {}
    linked = []
    for beat, complaint, by_key in made:
        if beat.follows:
            complaint.follows = by_key[beat.follows]
            linked.append(complaint)
        if beat.group and beat.linked:
            root = roots.setdefault((complaint.company_id, beat.group), complaint)
            if root is not complaint:
                complaint.issue_root = root
                linked.append(complaint)
    Complaint.objects.bulk_update(linked, ["follows", "issue_root"])


def _events(made, now: datetime) -> None:
    """The timeline of each story complaint, with its own times (set after the insert: ``at`` is
    filled on insert), inserted in time order so that it reads the same by id and by time."""
    events = []
    for beat, complaint, _keys in made:
        events.extend(sorted(_timeline(beat, complaint, now), key=lambda event: event.demo_at))
    ComplaintEvent.objects.bulk_create(events)
    for event in events:
        event.at = event.demo_at
    ComplaintEvent.objects.bulk_update(events, ["at"])


def _timeline(beat: Beat, complaint: Complaint, now: datetime) -> list[ComplaintEvent]:
    Kind, timeline = ComplaintEvent.Kind, []

    def add(complaint, at: datetime, kind, **fields):
        event = ComplaintEvent(complaint=complaint, kind=kind, **fields)
        event.demo_at = min(at, now)
        timeline.append(event)

    received = complaint.received_at
    by = complaint.handler_id
    if complaint.follows_id:
        add(
            complaint,
            received + timedelta(minutes=1),
            Kind.FOLLOWS_LINKED,
            to_value=complaint.follows.number,
            reasons=[complaint.follows_reason],
        )
    if complaint.issue_root_id:
        add(
            complaint,
            received + timedelta(minutes=5),
            Kind.LINKED,
            to_value=complaint.issue_root.number,
            by_id=by,
        )
    if complaint.tier != rules.NORMAL:
        clock_only = set(complaint.tier_reasons) <= {"unresolved_one_week", "unresolved_one_month"}
        after = rules.MAJOR_UNRESOLVED_AFTER if complaint.tier == rules.MAJOR else rules.HOT_UNRESOLVED_AFTER
        add(
            complaint,
            received + (after if clock_only else timedelta(minutes=10)),
            Kind.TIER_RAISED,
            from_value=rules.NORMAL,
            to_value=complaint.tier,
            reasons=complaint.tier_reasons,
        )
    if beat.plan:
        add(
            complaint,
            received + timedelta(hours=min(24, beat.days_ago * 8)),
            Kind.PLAN,
            note=beat.plan,
            deadline=complaint.deadline,
            visible_to_complainant=True,
            by_id=by,
        )
    if beat.progress:
        add(
            complaint,
            now - timedelta(days=beat.days_ago / 3),
            Kind.PROGRESS,
            note=beat.progress,
            visible_to_complainant=True,
            by_id=by,
        )
    if beat.resolved_days_ago is None:
        return timeline
    resolved = now - timedelta(days=beat.resolved_days_ago)
    add(complaint, resolved, Kind.STATUS, from_value=IN_PROGRESS, to_value=RESOLVED, by_id=by)
    last = complaint.closed_at or now
    for number, outcome in enumerate(beat.callbacks, start=1):
        # Spread between the resolve and the close (or now), in order; the last one is what the
        # owner said (a note is required when they were reached).
        at = resolved + (last - resolved) * number / (len(beat.callbacks) + 1)
        if number == len(beat.callbacks) and beat.callback_note:
            note = beat.callback_note
        else:
            note = "电话无人接听" if outcome == UNREACHABLE else "业主表示满意"
        add(complaint, at, Kind.CALLBACK, to_value=outcome, note=note, by_id=by)
    if beat.reopened:
        add(
            complaint,
            resolved + (last - resolved) * 0.6,
            Kind.STATUS,
            from_value=RESOLVED,
            to_value=IN_PROGRESS,
            note=beat.callback_note,
            by_id=by,
        )
    if beat.confirmed:
        add(complaint, last - timedelta(minutes=30), Kind.CONFIRMED, visible_to_complainant=True)
    if beat.status == CLOSED:
        basis = rules.closing_basis(list(beat.callbacks), beat.confirmed)
        add(
            complaint,
            last,
            Kind.STATUS,
            from_value=RESOLVED,
            to_value=CLOSED,
            reasons=[basis],
            visible_to_complainant=True,
            by_id=by,
        )
    return timeline


def _repairs(world, made, today: date) -> None:
    """The story's repairs, started this month (the contractor statistics have something to show)."""
    first_of_month = today.replace(day=1)
    repairs = []
    for beat, complaint, _keys in made:
        recorder = world.recorder(complaint.company_id)
        for number, (index, held) in enumerate(beat.repairs):
            contractor = world.contractors[index]
            if contractor is None or recorder is None:
                continue
            started = max(today - timedelta(days=len(beat.repairs) - number), first_of_month)
            repairs.append(
                Repair(
                    complaint=complaint,
                    contractor_id=contractor,
                    work=("返修：" if number else "") + beat.title,
                    started_on=started,
                    finished_on=None if held is None else started,
                    fixed_first_time=held,
                    recorded_by_id=recorder,
                )
            )
    Repair.objects.bulk_create(repairs)
