"""The default 6+2 catalogue of DOMAIN.md: the eight steps and their standard and optional actions."""

from django.db import transaction

from . import rules
from .models import ActionType, CheckQuestion, Holiday, Step

# (order, code, name, moment, [(action code, name, standard)])
STEPS = [
    (
        1,
        "warm_welcome",
        "温馨牵手",
        "购房前",
        [
            ("red_line_disclosure", "红线外不利因素公示", True),
            ("transparent_information", "透明信息披露", True),
        ],
    ),
    (
        2,
        "tying_the_knot",
        "喜结连理",
        "签约",
        [("contract_explanation", "合同条款讲解", True), ("payment_guidance", "付款指引", False)],
    ),
    (
        3,
        "staying_close",
        "亲密接触",
        "签约至交付",
        [("site_open_day", "工地开放日", True), ("progress_update", "工程进度通报", True)],
    ),
    (
        4,
        "moving_in",
        "乔迁之喜",
        "交付",
        [
            ("accompanied_inspection", "陪同验房", True),
            ("delivery_callback", "交付满意度回访", True),
            ("home_visit", "入住六个月内上门拜访", True),
        ],
    ),
    (
        5,
        "caring",
        "嘘寒问暖",
        "入住后",
        [
            ("owner_meeting", "业主恳谈会", True),
            ("periodic_callback", "定期回访", True),
            ("birthday_greeting", "生日祝福", False),
            ("holiday_greeting", "节日问候", False),
        ],
    ),
    (
        6,
        "taking_responsibility",
        "承担责任",
        "保修期",
        [("warranty_repair", "保修维修", True), ("complaint_handling", "投诉处理", True)],
    ),
    (7, "walking_together", "一路同行", "持续", [("loyalty_fund", "忠诚度维修基金", True)]),
    (8, "four_year_appointment", "四年之约", "每四年", [("four_year_visit", "四年之约回访", True)]),
]


# The call-back questions of DOMAIN.md for the quarterly execution check: (step order, code, question).
QUESTIONS = [
    (3, "invited_to_open_day", "您是否受邀参加过工地开放日？"),
    (3, "told_about_progress", "您是否收到过工程进度通报？"),
    (5, "contacted_regularly", "客服是否定期与您联系？"),
    (6, "knows_how_to_complain", "您是否知道如何投诉？"),
]


@transaction.atomic
def install_default_catalogue() -> None:
    """Create the steps, actions and check questions that are missing, and the greeting calendar on a
    new install; edits by the group centre are kept."""
    for order, code, name, moment, actions in STEPS:
        step, _created = Step.objects.get_or_create(
            code=code, defaults={"order": order, "name": name, "moment": moment}
        )
        for action_code, action_name, standard in actions:
            ActionType.objects.get_or_create(
                code=action_code, defaults={"step": step, "name": action_name, "standard": standard}
            )
    steps = {step.order: step for step in Step.objects.all()}
    for order, code, text in QUESTIONS:
        CheckQuestion.objects.get_or_create(code=code, defaults={"step": steps[order], "text": text})
    if not Holiday.objects.exists():  # first install only: a deleted holiday stays deleted
        Holiday.objects.bulk_create(Holiday(name=name, day=day) for name, day in rules.default_holidays())
