"""Demo organisation: the tree from the group to units, and one user per role.

Created idempotently, so running ``seed_demo`` twice adds nothing here.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from core.seeding import DemoOutput, DemoSize

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
    api_token: bool = False  # a system account that signs its API calls with a token
    duty_handler: bool = False  # owns the complaints of their company's projects at intake


DEMO_USERS = [
    DemoUser("admin", "系统管理员", roles.GROUP_CENTRE, None, is_staff=True, is_superuser=True),
    DemoUser("staff_sz", "陈晓丽", roles.FRONTLINE_STAFF, "深圳万科", duty_handler=True),
    DemoUser("staff_bj", "王建国", roles.FRONTLINE_STAFF, "北京万科"),
    DemoUser("manager_sz", "李明华", roles.COMPANY_MANAGER, "深圳万科"),
    DemoUser("group_cr", "张慧敏", roles.GROUP_CENTRE, None, is_staff=True),
    DemoUser("auditor", "赵审计", roles.AUDITOR, None),
    DemoUser("integrator", "销售系统接口", roles.INTEGRATOR, "深圳万科", api_token=True),
]


@transaction.atomic
def seed_organisation() -> None:
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
        Building(project=project, company_id=project.company_id, name=f"{number}栋")
        for number in range(1, BUILDINGS_PER_PROJECT + 1)
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
                        company_id=building.company_id,
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
        if demo.api_token:
            Token.objects.get_or_create(user=user)
        if demo.duty_handler and user.company_id:
            # The other companies keep none, so the demo shows both ways an intake is routed.
            Project.objects.filter(company_id=user.company_id, duty_handler__isnull=True).update(
                duty_handler=user
            )
    return DEMO_USERS


def seed(size: DemoSize, out: DemoOutput) -> None:
    seed_organisation()
    seed_users()
    out.line(_("Organisation and demo users are ready."))


def summary(out: DemoOutput) -> None:
    out.line(_("Demo logins (password %(password)s):") % {"password": settings.DEMO_PASSWORD})
    group_level = _("group level")
    for user in DEMO_USERS:
        out.line(f"  {user.username:<12} {user.role:<16} {user.company or group_level}")
