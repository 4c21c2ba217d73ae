"""Realistic demo data: the organisation tree, one user per role, and bulk complaints.

Used by ``manage.py seed_demo`` and by the benchmarks; everything except the
complaints is created idempotently, so running it twice adds complaints only.
"""

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from rest_framework.authtoken.models import Token

from complaints import rules as complaint_rules
from complaints.models import Category, Channel, Complaint, Contractor, NumberSequence, Status, Tier

from . import roles
from .models import Building, Company, Holding, Project, Region, Unit, User

HOLDING = "万科集团"
# region → [(company, city, price per m² in CNY, [projects])]
ORGANISATION = {
    "南方区域": [("深圳万科", "深圳", 62000, ["四季花城", "第五园", "东海岸"])],
    "北方区域": [("北京万科", "北京", 68000, ["城市花园", "西山庭院", "蓝山"])],
    "上海区域": [("上海万科", "上海", 71000, ["金色家园", "翡翠公园", "城花新园"])],
    "中西部区域": [("武汉万科", "武汉", 21000, ["四季花城", "金色城市", "城市花园"])],
}
# Demo complaint hotlines (fictional numbers), shown to owners when the public form cannot take more.
COMPLAINT_HOTLINES = {
    "深圳万科": "0755-2560 0000",
    "北京万科": "010-5926 0000",
    "上海万科": "021-6035 0000",
    "武汉万科": "027-8555 0000",
}
BUILDINGS_PER_PROJECT = 6
FLOORS = 18
UNITS_PER_FLOOR = 4
LAYOUTS = [("两室两厅", Decimal("89")), ("三室两厅", Decimal("118")), ("四室两厅", Decimal("143"))]


@dataclass(frozen=True)
class DemoUser:
    username: str
    name: str
    role: str
    company: str | None
    is_staff: bool = False
    is_superuser: bool = False


DEMO_USERS = [
    DemoUser("admin", "系统管理员", roles.GROUP_CENTRE, None, is_staff=True, is_superuser=True),
    DemoUser("staff_sz", "陈晓丽", roles.FRONTLINE_STAFF, "深圳万科"),
    DemoUser("staff_bj", "王建国", roles.FRONTLINE_STAFF, "北京万科"),
    DemoUser("manager_sz", "李明华", roles.COMPANY_MANAGER, "深圳万科"),
    DemoUser("group_cr", "张慧敏", roles.GROUP_CENTRE, None, is_staff=True),
    DemoUser("auditor", "赵审计", roles.AUDITOR, None),
    DemoUser("integrator", "销售系统接口", roles.INTEGRATOR, "深圳万科"),
]

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


CONTRACTORS = [
    ("中建三局第一建设工程有限责任公司", "contractor", "总包"),
    ("广东省建筑工程集团有限公司", "contractor", "总包"),
    ("深圳市洪涛装饰股份有限公司", "contractor", "精装修"),
    ("北京东方雨虹防水技术股份有限公司", "supplier", "防水材料"),
    ("浙江伟星新型建材股份有限公司", "supplier", "给排水管材"),
    ("广东坚朗五金制品股份有限公司", "supplier", "门窗五金"),
]


@transaction.atomic
def seed_organisation() -> None:
    for name, kind, specialty in CONTRACTORS:
        Contractor.objects.get_or_create(name=name, defaults={"kind": kind, "specialty": specialty})
    holding, _created = Holding.objects.get_or_create(name=HOLDING)
    for region_name, companies in ORGANISATION.items():
        region, _created = Region.objects.get_or_create(name=region_name, defaults={"holding": holding})
        for company_name, city, price_per_m2, project_names in companies:
            company, _created = Company.objects.get_or_create(
                name=company_name,
                defaults={"region": region, "city": city, "hotline": COMPLAINT_HOTLINES[company_name]},
            )
            for project_name in project_names:
                project, created = Project.objects.get_or_create(
                    company=company, name=project_name, defaults={"address": f"{city}市{project_name}"}
                )
                if created:
                    _seed_buildings(project, Decimal(price_per_m2))


def _seed_buildings(project: Project, price_per_m2: Decimal) -> None:
    buildings = Building.objects.bulk_create(
        Building(project=project, name=f"{number}栋") for number in range(1, BUILDINGS_PER_PROJECT + 1)
    )
    units = []
    for building in buildings:
        for floor in range(1, FLOORS + 1):
            for position in range(1, UNITS_PER_FLOOR + 1):
                layout, area = LAYOUTS[(position - 1) % len(LAYOUTS)]
                floor_premium = Decimal(1) + Decimal(floor) / Decimal(200)
                units.append(
                    Unit(
                        building=building,
                        number=f"{floor}{position:02d}",
                        floor=floor,
                        layout=layout,
                        area=area,
                        list_price=(area * price_per_m2 * floor_premium).quantize(Decimal("1")),
                    )
                )
    Unit.objects.bulk_create(units)


@transaction.atomic
def seed_users() -> list[DemoUser]:
    roles.sync_roles()
    companies = {company.name: company for company in Company.objects.all()}
    for demo in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=demo.username,
            defaults={
                "name": demo.name,
                "company": companies.get(demo.company) if demo.company else None,
                "is_staff": demo.is_staff,
                "is_superuser": demo.is_superuser,
            },
        )
        if created:
            user.set_password(settings.DEMO_PASSWORD)
            user.save(update_fields=["password"])
            user.groups.add(Group.objects.get(name=demo.role))
        if demo.role == roles.INTEGRATOR:
            Token.objects.get_or_create(user=user)
    return DEMO_USERS


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
            next_number.save()
        made += len(batch)
        yield made


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


SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红建文辉力斌宇浩凯婷雪琳晨欣怡子涵梓轩"
OCCUPATIONS = ["教师", "医生", "工程师", "公务员", "会计", "销售经理", "程序员", "律师", "个体经营", "退休"]
DEMO_PHONE_PREFIXES = ("170", "171")  # virtual-operator ranges, kept apart from numbers staff type in


def generate_customers(count: int, *, batch_size: int = 5000, seed: int = 2026, buyer_share: float = 0.3):
    """Insert ``count`` customers with household facts; some buy a unit. Yields the running total."""
    from customers import rules
    from customers.models import Customer, CustomerSource, Purchase
    from customers.services import apply_suggested_segment

    rng = random.Random(seed)
    today = timezone.localdate()
    companies = list(Company.objects.values_list("id", flat=True))
    units = list(
        Unit.objects.values_list("id", "building__project__company_id", "area", "layout", "list_price")
    )
    taken_units = set(Purchase.objects.values_list("unit_id", flat=True))
    free_units = [unit for unit in units if unit[0] not in taken_units]
    rng.shuffle(free_units)
    sequence = Customer.objects.filter(
        Q(phone__startswith=DEMO_PHONE_PREFIXES[0]) | Q(phone__startswith=DEMO_PHONE_PREFIXES[1])
    ).count()
    made = 0
    while made < count:
        size = min(batch_size, count - made)
        batch, bought = [], {}
        for offset in range(size):
            number = sequence + made + offset
            phone = f"{DEMO_PHONE_PREFIXES[number % 2]}{number // 2:08d}"
            birth = today - timedelta(days=rng.randint(22 * 365, 75 * 365))
            unit = free_units.pop() if free_units and rng.random() < buyer_share else None
            customer = Customer(
                company_id=unit[1] if unit else rng.choice(companies),
                name=rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2)))),
                phone=phone,
                phone_tail=rules.phone_tail(phone),
                gender=rng.choice(("male", "female")),
                birth_date=birth,
                occupation=rng.choice(OCCUPATIONS),
                children_count=rng.choices((0, 1, 2), weights=(45, 40, 15))[0],
                elderly_at_home=rng.random() < 0.12,
                income_band=rng.choices(("low", "middle", "high", "very_high"), weights=(25, 45, 21, 9))[0],
                purchase_motive=rng.choice(("school", "environment", "status", "price", "convenience", "")),
            )
            apply_suggested_segment(customer, today)
            batch.append(customer)
            bought[phone] = unit
        existing = set(
            Customer.objects.filter(phone__in=[c.phone for c in batch]).values_list("phone", flat=True)
        )
        batch = [customer for customer in batch if customer.phone not in existing]
        with transaction.atomic():
            Customer.objects.bulk_create(batch, batch_size=1000)
            sources, purchases = [], []
            for customer in batch:
                sources.append(
                    CustomerSource(
                        customer=customer,
                        channel=rng.choice(("sales", "online_enquiry", "viewing_appointment")),
                    )
                )
                unit = bought[customer.phone]
                if unit:
                    contract = today - timedelta(days=rng.randint(30, 6 * 365))
                    delivered = contract + timedelta(days=rng.randint(180, 720))
                    unit_id, _company, area, layout, price = unit
                    purchases.append(
                        Purchase(
                            customer=customer,
                            unit_id=unit_id,
                            contract_date=contract,
                            price=price,
                            area=area,
                            layout=layout,
                            delivery_date=delivered if delivered <= today else None,
                        )
                    )
            CustomerSource.objects.bulk_create(sources, batch_size=1000)
            Purchase.objects.bulk_create(purchases, batch_size=1000)
            _set_stages(purchases, today)
            from membership.services import members_join_for_purchases

            members_join_for_purchases(purchase_ids=[p.pk for p in purchases])
        made += size
        yield made


def _set_stages(purchases, today) -> None:
    from customers.models import Customer, Stage

    owners = [(p.customer, p.delivery_date) for p in purchases if p.delivery_date]
    for customer, delivered in owners:
        customer.stage, customer.moved_in_on = Stage.OWNER, delivered
    buyers = [p.customer for p in purchases if not p.delivery_date]
    for customer in buyers:
        customer.stage = Stage.BUYER
    Customer.objects.bulk_update([c for c, _d in owners] + buyers, ["stage", "moved_in_on"], batch_size=1000)
