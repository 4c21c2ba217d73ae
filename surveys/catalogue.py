"""The default indicator tree and questionnaires (DOMAIN.md, "Satisfaction"), installed after every
migrate; what the group centre edits is kept."""

from django.db import transaction

from .models import Indicator, Question, Questionnaire

SATISFACTION = "satisfaction"
LOYALTY = "loyalty"

# (code, name, department, [(operation code, name)]) under each assessment indicator.
TREE = [
    (
        SATISFACTION,
        "总体满意度",
        [
            ("design", "规划设计", "design", [("layout", "户型设计"), ("landscape", "园林景观")]),
            (
                "construction",
                "工程质量",
                "engineering",
                [("doors_windows", "门窗"), ("waterproofing", "防水"), ("finishing", "装修质量")],
            ),
            (
                "sales",
                "销售服务",
                "sales",
                [("sales_promise", "销售承诺兑现"), ("contract_service", "签约服务")],
            ),
            (
                "property",
                "物业服务",
                "property",
                [("security", "安全秩序"), ("cleaning", "清洁卫生"), ("repair_response", "维修响应")],
            ),
            ("service", "客户服务", "customer_service", [("complaint_handling", "投诉处理")]),
        ],
    ),
    (
        LOYALTY,
        "忠诚度",
        [("loyalty_intent", "忠诚意愿", "", [("recommend", "推荐意愿"), ("buy_again", "再次购买意愿")])],
    ),
]

# (operation code, question, kind, scale_max)
BUYER_QUESTIONS = [
    ("sales_promise", "销售人员的承诺是否兑现？请打分", "rating", 5),
    ("contract_service", "签约过程中的讲解与服务", "rating", 5),
    ("complaint_handling", "您的问题和投诉是否得到及时处理？", "rating", 5),
    ("recommend", "您有多大可能向亲友推荐万科？", "rating", 10),
    ("buy_again", "如果再次购房，您会选择万科吗？", "rating", 5),
    ("", "您还有什么意见或建议？", "text", 5),
]
OWNER_QUESTIONS = [
    ("layout", "户型设计", "rating", 5),
    ("landscape", "园林景观：入住前的期望与实际感受", "pair", 5),
    ("doors_windows", "门窗的质量", "rating", 5),
    ("waterproofing", "防水（是否渗漏）", "rating", 5),
    ("finishing", "装修质量：入住前的期望与实际感受", "pair", 5),
    ("security", "小区安全秩序", "rating", 5),
    ("cleaning", "公共区域清洁卫生", "rating", 5),
    ("repair_response", "报修后的维修响应", "rating", 5),
    ("complaint_handling", "您的问题和投诉是否得到及时处理？", "rating", 5),
    ("recommend", "您有多大可能向亲友推荐万科？", "rating", 10),
    ("buy_again", "如果再次购房，您会选择万科吗？", "rating", 5),
    ("", "您还有什么意见或建议？", "text", 5),
]
QUESTIONNAIRES = [
    ("buyer", "准业主满意度问卷", BUYER_QUESTIONS),
    ("run_in", "磨合期业主满意度问卷", OWNER_QUESTIONS),
    ("settled", "稳定期业主满意度问卷", OWNER_QUESTIONS),
    ("long_time", "老业主满意度问卷", OWNER_QUESTIONS),
]


@transaction.atomic
def install_default_catalogue() -> None:
    order = 0
    for code, name, directions in TREE:
        order += 1
        root, _created = Indicator.objects.get_or_create(
            code=code, defaults={"level": "assessment", "name": name, "order": order}
        )
        for direction_code, direction_name, department, operations in directions:
            order += 1
            direction, _created = Indicator.objects.get_or_create(
                code=direction_code,
                defaults={
                    "level": "direction",
                    "parent": root,
                    "name": direction_name,
                    "department": department,
                    "order": order,
                },
            )
            for operation_code, operation_name in operations:
                order += 1
                Indicator.objects.get_or_create(
                    code=operation_code,
                    defaults={
                        "level": "operation",
                        "parent": direction,
                        "name": operation_name,
                        "order": order,
                    },
                )
    indicators = {indicator.code: indicator for indicator in Indicator.objects.all()}
    for stage, name, questions in QUESTIONNAIRES:
        questionnaire, created = Questionnaire.objects.get_or_create(
            stage=stage,
            segment="",
            defaults={"name": name, "intro": "感谢您抽出几分钟时间告诉我们您的感受。"},
        )
        if not created:
            continue
        Question.objects.bulk_create(
            Question(
                questionnaire=questionnaire,
                order=number,
                text=text,
                kind=kind,
                indicator=indicators.get(code),
                scale_max=scale_max,
                required=kind != "text",
            )
            for number, (code, text, kind, scale_max) in enumerate(questions, start=1)
        )
