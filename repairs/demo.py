"""Demo warranty repairs: a few per company on delivered units, through the services, at every stage
(received, dispatched, fixed awaiting confirmation, redone and closed, a missed appointment). None
becomes a complaint: the demo's complaint counts stay as asked."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.models import Contractor, DefectType
from core.seeding import DemoOutput, DemoSize
from customers.models import Purchase

from . import services
from .models import Confirmation, RepairRequest

# (defect code, description, the steps after the report)
STORIES = [
    ("WP-02", "卫生间天花板渗水，楼下邻居反映墙面潮湿", []),
    ("EL-01", "客厅两个插座不通电", ["dispatch"]),
    ("PL-03", "厨房水槽下给水管接头滴水", ["dispatch", "fixed"]),
    ("WP-04", "下雨时主卧窗边渗水", ["dispatch", "not_fixed", "dispatch", "fixed", "confirm"]),
    ("DW-02", "阳台推拉窗密封条脱落，进风", ["dispatch", "missed"]),
]


def seed(size: DemoSize, out: DemoOutput) -> None:
    if not size.customers or RepairRequest.objects.exists():
        return
    contractors = list(Contractor.objects.filter(active=True)[:3])
    if not contractors:
        return
    types = {t.code: t for t in DefectType.objects.filter(code__in=[code for code, _d, _s in STORIES])}
    purchases = Purchase.objects.filter(delivery_date__isnull=False).select_related("unit", "customer")
    made = 0
    users = get_user_model().objects
    for company_id in purchases.values_list("company_id", flat=True).distinct().order_by("company_id"):
        staff = users.filter(company_id=company_id, is_active=True).order_by("id").first()
        homes = list(purchases.filter(company_id=company_id).order_by("id")[: len(STORIES)])
        for index, (purchase, (code, text, steps)) in enumerate(zip(homes, STORIES, strict=False)):
            repair = services.repair_create(
                report=services.Report(
                    unit=purchase.unit, defect_type=types[code], description=text, customer=purchase.customer
                ),
                by=staff,
            )
            for step in steps:
                if step == "dispatch":
                    start = timezone.now() + timedelta(days=1)
                    repair = services.repair_dispatch(
                        repair=repair,
                        contractor=contractors[index % len(contractors)],
                        window_from=start,
                        window_to=start + timedelta(hours=2),
                        by=staff,
                    )
                elif step == "confirm":
                    repair = services.repair_confirm(repair=repair, fixed=True, via=Confirmation.OWNER)
                else:
                    repair = services.repair_record_visit(repair=repair, outcome=step, by=staff)
            made += 1
    out.line(_("Recorded %(count)s warranty repairs.") % {"count": made})
