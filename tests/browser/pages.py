"""A small, realistic data set that gives every staff and public page something to show, and the
list of those pages per role: used by test_accessibility.py (and its parts by ``make screenshots``).

Built from the factories and the services, so the rows are the ones the product writes: complaints
filed through the intake with their events, a hot complaint with its reasons and notifications,
members who joined on a purchase, a survey with answers, a failed message, a finished job.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from complaints import services as complaints
from complaints.models import Complaint, Contractor, DefectType
from core import outbox
from core.models import Job, OutboundMessage
from customers import services as customers
from membership import services as club
from organization import roles
from surveys import services as surveys
from surveys.catalogue import install_default_catalogue
from surveys.models import Respondent
from tests.factories import (
    BuildingFactory,
    CompanyFactory,
    CustomerFactory,
    ProjectFactory,
    PurchaseFactory,
    UnitFactory,
    UserFactory,
)
from tests.surveys.conftest import full_answers
from touchpoints import services as touchpoints
from touchpoints.models import ActionType

# Pages every role with the staff UI sees; then what each role adds.
STAFF_PAGES = [
    "home",
    "organisation",
    "project",
    "complaints",
    "complaint",
    "notifications",
    "reports",
    "customers",
]


@dataclass
class Site:
    urls: dict[str, str] = field(default_factory=dict)
    # username → the names of the pages (keys of ``urls``) that user opens signed in
    visits: dict[str, list[str]] = field(default_factory=dict)
    public: list[str] = field(default_factory=list)


def complaint_story(*, project, unit, staff, manager, customer) -> dict[str, Complaint]:
    """Complaints as they happen: one followed from intake to call-back, three owners about the same
    leak (hot, with its reason, and notifications to the managers), one filed on the public form."""
    now = timezone.now()
    handled = complaints.complaint_create(
        intake=complaints.Intake(
            project=project,
            unit=unit,
            customer=customer,
            channel="hotline",
            category="construction",
            sub_category="渗漏水",
            defect_type=DefectType.objects.get(code="WP-02"),
            title="卫生间天花板渗漏水",
            description="业主反映卫生间天花板渗漏水，楼上住户装修后开始出现，希望尽快处理。",
            received_at=now - timedelta(days=3),
        ),
        received_by=staff,
    )
    complaints.complaint_assign(
        complaint=handled,
        handler=staff,
        department="engineering",
        deadline=now + timedelta(days=4),
        by=manager,
    )
    complaints.complaint_transition(complaint=handled, status="in_progress", by=staff)
    complaints.complaint_add_plan(
        complaint=handled,
        measures="工程部上门检查防水层，联系楼上住户配合闭水试验。",
        deadline=now + timedelta(days=2),
        by=staff,
    )
    complaints.complaint_add_progress(
        complaint=handled,
        note="已完成闭水试验，确认为楼上卫生间防水层破损。",
        visible_to_complainant=True,
        by=staff,
    )
    contractor, _created = Contractor.objects.get_or_create(name="深圳安居防水工程有限公司")
    complaints.repair_record(
        complaint=handled,
        contractor=contractor,
        work="重做楼上卫生间防水层",
        started_on=timezone.localdate() - timedelta(days=1),
        finished_on=None,
        fixed_first_time=None,
        by=staff,
    )
    complaints.complaint_transition(
        complaint=handled, status="resolved", by=staff, note="维修完成，业主确认不再渗水。"
    )
    complaints.complaint_rate(complaint=handled, rating=4, comment="处理及时")
    complaints.complaint_callback(complaint=handled, outcome="satisfied", note="业主表示满意。", by=staff)
    complaints.complaint_transition(complaint=handled, status="closed", by=staff)

    first = None
    for number, name in enumerate(["王芳", "刘洋", "陈静"]):
        leak = complaints.complaint_create(
            intake=complaints.Intake(
                project=project,
                channel="hotline",
                category="construction",
                defect_type=DefectType.objects.get(code="WP-05"),
                title="地下车库顶板渗漏水",
                description="地下车库B区顶板多处渗水，车辆被污水弄脏。",
                contact_name=name,
                contact_phone=f"1380013{number:04d}",
                same_issue_as=first,
            ),
            received_by=staff,
        )
        first = first or leak
    public = complaints.complaint_create(
        intake=complaints.Intake(
            project=project,
            unit=unit,
            channel="online_form",
            category="property",
            title="小区门禁经常失灵",
            description="东门门禁卡经常刷不开，晚上回家很不方便。",
            contact_name="赵敏",
            contact_phone="13700002222",
        )
    )
    # 王芳 calls again about the garage leak: a possible duplicate of her open complaint (same phone,
    # category and defect type), with what it cost (goodwill, the repair, a back-charge agreed with the
    # contractor, a reversal).
    repeat = complaints.complaint_create(
        intake=complaints.Intake(
            project=project,
            channel="hotline",
            category="construction",
            defect_type=DefectType.objects.get(code="WP-05"),
            title="车库顶板还在渗水，车被弄脏",
            description="上周反映过车库顶板渗水，至今未修好，车辆再次被污水弄脏，要求赔偿洗车费。",
            contact_name="王芳",
            contact_phone="13800130000",
        ),
        received_by=staff,
    )
    complaints.cost_record(
        complaint=repeat, kind="compensation", amount=Decimal("800.00"), description="物业费抵扣", by=manager
    )
    wrong = complaints.cost_record(
        complaint=repeat, kind="in_kind", amount=Decimal("300.00"), description="超市购物卡", by=staff
    )
    complaints.cost_reverse(cost=wrong, reason="录入错误", by=manager)
    complaints.cost_record(
        complaint=repeat, kind="repair", amount=Decimal("2600.00"), description="重做防水层", by=staff
    )
    charge = complaints.cost_record(
        complaint=repeat,
        kind="back_charge",
        amount=Decimal("2600.00"),
        description="防水层施工缺陷",
        contractor=contractor,
        by=manager,
    )
    complaints.back_charge_advance(cost=charge, by=manager)
    return {"handled": handled, "hot": leak, "public": public, "repeat": repeat}


def failed_message(company) -> OutboundMessage:
    """A club text the gateway refused five times: it waits on the failed-messages page."""
    outbox.message_queue(
        outbox.Message(
            channel="sms",
            recipient="13900001111",
            topic="member_news",
            subject="中秋游园会",
            body="尊敬的会员：中秋亲子游园会本周六举行，欢迎报名。",
            company_id=company.pk,
            dedupe_key="a11y:failed-sms",
        )
    )
    OutboundMessage.objects.filter(dedupe_key="a11y:failed-sms").update(
        status="failed", attempts=5, last_error="网关拒绝：号码 13900001111 已停机"
    )
    return OutboundMessage.objects.get(dedupe_key="a11y:failed-sms")


def finished_import(user, company) -> Job:
    """A customer import that finished with two rows refused."""
    return Job.objects.create(
        kind="customer_import",
        status="done",
        created_by=user,
        company=company,
        params={"file_name": "客户.csv"},
        total=120,
        processed=120,
        created_count=110,
        updated_count=8,
        error_count=2,
        errors=[
            {"row": 17, "errors": ["手机号码格式不正确"]},
            {"row": 58, "errors": ["签约日期晚于交付日期"]},
        ],
        started_at=timezone.now() - timedelta(minutes=3),
        finished_at=timezone.now() - timedelta(minutes=2),
    )


def seed_site() -> Site:
    install_default_catalogue()
    today = timezone.localdate()
    shenzhen = CompanyFactory(name="深圳万科", city="深圳", hotline="0755-2560 0000")
    beijing = CompanyFactory(name="北京万科", city="北京")
    project = ProjectFactory(company=shenzhen, name="四季花城", address="深圳市龙岗区四季花城")
    ProjectFactory(company=shenzhen, name="第五园")
    ProjectFactory(company=beijing, name="城市花园")
    building = BuildingFactory(project=project, name="3栋")
    units = [
        UnitFactory(building=building, number=f"{floor}0{door}", floor=floor)
        for floor in (12, 15)
        for door in (1, 2)
    ]

    staff = UserFactory(username="staff_sz", name="陈晓丽", company=shenzhen, role=roles.FRONTLINE_STAFF)
    manager = UserFactory(username="manager_sz", name="李明华", company=shenzhen, role=roles.COMPANY_MANAGER)
    UserFactory(username="group_cr", name="张慧敏", company=None, role=roles.GROUP_CENTRE)
    UserFactory(username="auditor", name="赵审计", company=None, role=roles.AUDITOR)

    # Owners: bought and moved in 40 days ago (delivery call-backs are due), members of the club.
    owners = []
    for index, (name, unit) in enumerate(zip(["张伟", "李娜", "王磊", "刘芳"], units, strict=True)):
        customer = CustomerFactory(
            company=shenzhen,
            name=name,
            phone=f"1391234{index:04d}",
            gender="female" if index % 2 else "male",
            occupation="教师",
            stage="owner",
            moved_in_on=today - timedelta(days=40),
        )
        purchase = PurchaseFactory(
            customer=customer,
            unit=unit,
            contract_date=today - timedelta(days=400),
            delivery_date=today - timedelta(days=40),
            price=Decimal("3260000"),
        )
        club.member_join_on_purchase(purchase=purchase)
        customers.source_record(customer=customer, source="sales")
        owners.append(customer)
    customers.communication_log(
        customer=owners[0], channel="phone", content="业主来电咨询车位租赁事宜，已转物业。", staff=staff
    )
    customers.customer_set_segment(customer=owners[0], segment="family_children", reason="家有学龄儿童")
    touchpoints.generate_delivery_work(today=today)
    touchpoints.plan_item_add(
        project=project,
        action=ActionType.objects.filter(step__order=6).first() or ActionType.objects.first(),
        planned_on=today + timedelta(days=10),
        note="秋季业主恳谈会",
    )

    stories = complaint_story(
        project=project, unit=units[0], staff=staff, manager=manager, customer=owners[0]
    )

    plan = surveys.plan_create(
        project=project,
        year=today.year,
        name="磨合期业主满意度调查",
        stage="run_in",
        sample_size=3,
        method="online",
        opens_on=today - timedelta(days=1),
        closes_on=today + timedelta(days=14),
        by=manager,
    )
    surveys.plan_draw_sample(plan=plan)
    respondents = list(Respondent.objects.filter(plan=plan).order_by("pk"))
    surveys.answers_save(respondent=respondents[0], answers=full_answers(respondents[0], 4), complete=True)
    improvement = surveys.improvement_plan_create(
        by=manager,
        company=shenzhen,
        project=project,
        indicator=respondents[0].plan.questionnaire.questions.exclude(indicator=None).first().indicator,
        goal="提高维修及时率",
        department="property",
        owner=manager,
        deadline=today + timedelta(days=60),
        measures="维修工单两小时内响应；每周通报超时工单。",
    )

    members = [owner.membership for owner in owners]
    event = club.event_create(
        plan=club.EventPlan(
            title="中秋亲子游园会",
            kind="family",
            starts_at=timezone.now() + timedelta(days=7),
            place="四季花城会所",
            capacity=2,
            points=30,
            project=project,
        ),
        company=shenzhen,
        by=manager,
    )
    for member in members[:3]:
        club.event_signup(event=event, member=member, channel="staff", by=staff)
    gift = club.gift_create(company=shenzhen, name="保温杯", points=500, stock=20, by=manager)
    club.gift_create(company=shenzhen, name="儿童绘本套装", points=1500, stock=0, by=manager)
    merchant = club.merchant_create(company=shenzhen, name="万科生活超市", category="超市", by=manager)
    offer = club.offer_create(
        merchant=merchant, title="满100减20", points=200, valid_until=today + timedelta(days=90), by=manager
    )
    club.gift_redeem(member=members[0], gift=gift, by=staff)
    club.offer_claim(member=members[0], offer=offer)
    club.campaign_create(
        company=shenzhen,
        audience="all",
        channel="sms",
        subject="中秋游园会报名开始",
        body="尊敬的会员：中秋亲子游园会本周六举行，欢迎报名。",
        by=manager,
    )
    failed_message(shenzhen)
    job = finished_import(manager, shenzhen)
    unsubscribe = outbox.unsubscribe_link(recipient=owners[1].phone, topic="member_news")

    urls = {
        "home": "/",
        "organisation": "/organisation/",
        "project": f"/projects/{project.pk}/",
        "unit-edit": f"/units/{units[0].pk}/edit/",
        "complaints": "/complaints/",
        "complaint": f"/complaints/{stories['handled'].pk}/",
        "complaint-hot": f"/complaints/{stories['hot'].pk}/",
        "complaint-costs": f"/complaints/{stories['repeat'].pk}/",
        "complaint-new": "/complaints/new/",
        "notifications": "/notifications/",
        "reports": "/reports/",
        "customers": "/customers/",
        "customer": f"/customers/{owners[0].pk}/",
        "customer-edit": f"/customers/{owners[0].pk}/edit/",
        "customer-new": "/customers/new/",
        "segments": "/customers/segments/",
        "import": "/customers/import/",
        "merge": "/customers/merge/",
        "audit": "/audit/",
        "my-tasks": "/tasks/",
        "board": f"/projects/{project.pk}/service/",
        "check": f"/projects/{project.pk}/service/check/",
        "surveys": "/surveys/",
        "survey-plan": f"/surveys/plans/{plan.pk}/",
        "survey-answer": f"/surveys/respondents/{respondents[1].pk}/answer/",
        "survey-report": "/surveys/report/",
        "indicators": "/surveys/indicators/",
        "improvements": "/surveys/improvements/",
        "improvement": f"/surveys/improvements/{improvement.pk}/",
        "improvement-new": "/surveys/improvements/new/",
        "scorecard": "/surveys/scorecard/",
        "club": "/club/",
        "member": f"/club/members/{members[0].pk}/",
        "events": "/club/events/",
        "event": f"/club/events/{event.pk}/",
        "event-edit": f"/club/events/{event.pk}/edit/",
        "gifts": "/club/gifts/",
        "merchants": "/club/merchants/",
        "campaigns": "/club/campaigns/",
        "job": f"/jobs/{job.pk}/",
        "failed-messages": "/messages/failed/",
        "search": "/search/?q=3栋1502",
        "clusters": "/complaints/clusters/",
        "canned-replies": "/complaints/replies/",
        "canned-reply-new": "/complaints/replies/new/",
        "reports-print": "/reports/print/",
        "webhooks": "/webhooks/",
        "defects": f"/defects/?project={project.pk}",
        "defects-top": "/defects/top/",
        # public pages
        "login": "/login/",
        "public-complaint": "/complain/",
        "tracking": f"/complain/track/{stories['public'].tracking_token}/",
        "public-survey": f"/s/{respondents[2].token}/",
        "member-page": f"/m/{members[1].token}/",
        "unsubscribe": unsubscribe.removeprefix(outbox.settings.PUBLIC_BASE_URL),
    }
    company_pages = [
        *STAFF_PAGES,
        "customer",
        "my-tasks",
        "board",
        "check",
        "surveys",
        "survey-plan",
        "survey-report",
        "improvements",
        "improvement",
        "club",
        "member",
        "events",
        "event",
        "gifts",
        "merchants",
        "campaigns",
        "search",
    ]
    return Site(
        urls=urls,
        visits={
            "staff_sz": [
                *company_pages,
                "complaint-hot",
                "complaint-costs",
                "complaint-new",
                "customer-new",
                "survey-answer",
            ],
            "manager_sz": [
                *company_pages,
                "complaint-hot",
                "complaint-costs",
                "unit-edit",
                "customer-edit",
                "segments",
                "import",
                "improvement-new",
                "scorecard",
                "indicators",
                "event-edit",
                "job",
                "failed-messages",
                "clusters",
                "canned-replies",
                "canned-reply-new",
                "reports-print",
                "webhooks",
                "defects",
                "defects-top",
            ],
            "group_cr": [
                *STAFF_PAGES,
                "complaint-hot",
                "audit",
                "scorecard",
                "failed-messages",
                "merge",
                "clusters",
                "canned-replies",
                "defects",
                "defects-top",
            ],
            "auditor": [*STAFF_PAGES, "customer", "audit", "survey-report", "member"],
        },
        public=["login", "public-complaint", "tracking", "public-survey", "member-page", "unsubscribe"],
    )
