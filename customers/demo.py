"""Demo customers with household facts; about a third buy a unit of the unit's company.

Each run adds the customers it is asked for (new demo phone numbers continue the sequence).
"""

import random
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.seeding import DemoOutput, DemoSize
from organization.models import Company, Unit

from . import rules, signals
from .models import Customer, CustomerSource, Purchase, Stage
from .services import apply_suggested_segment

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红建文辉力斌宇浩凯婷雪琳晨欣怡子涵梓轩"
OCCUPATIONS = ["教师", "医生", "工程师", "公务员", "会计", "销售经理", "程序员", "律师", "个体经营", "退休"]
DEMO_PHONE_PREFIXES = ("170", "171")  # virtual-operator ranges, kept apart from numbers staff type in


def generate_customers(count: int, *, batch_size: int = 5000, seed: int = 2026, buyer_share: float = 0.3):
    """Insert ``count`` customers with household facts; some buy a unit. Yields the running total."""
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
                            company_id=customer.company_id,
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
            signals.purchases_created_in_bulk.send(sender=Purchase, purchase_ids=[p.pk for p in purchases])
        made += size
        yield made


def _set_stages(purchases, today) -> None:
    owners = [(p.customer, p.delivery_date) for p in purchases if p.delivery_date]
    for customer, delivered in owners:
        customer.stage, customer.moved_in_on = Stage.OWNER, delivered
    buyers = [p.customer for p in purchases if not p.delivery_date]
    for customer in buyers:
        customer.stage = Stage.BUYER
    Customer.objects.bulk_update([c for c, _d in owners] + buyers, ["stage", "moved_in_on"], batch_size=1000)


def seed(size: DemoSize, out: DemoOutput) -> None:
    if size.customers:
        seconds = out.progress(generate_customers(size.customers), size.customers)
        out.line(
            _("Added %(count)s customers in %(seconds).1f s.")
            % {"count": f"{size.customers:,}", "seconds": seconds}
        )
