# The default risk words (DOMAIN.md, "Risk wording"), as they were when this migration was written;
# the group centre edits them in the admin afterwards. A copy, not an import of complaints.rules, so
# that later changes to the defaults do not rewrite history (tests compare the two).

from django.db import migrations

WORDS = {
    "litigation_possible": "律师 起诉 法院 诉讼 打官司 仲裁 官司 法庭 法律途径 欺诈",
    "litigation_filed": "已起诉 立案 传票 已经起诉 已提起诉讼 已经提起诉讼 开庭 案号 一审 二审 上诉 判决",
    "media_possible": "媒体 记者 曝光 微博 抖音 上网 电视台 上电视 小红书 报社 热搜 爆料",
    "hotline_12345": "12345 市长热线 信访 住建局 上访 房管局 市长信箱 消协 消费者协会",
    "collective": "业主们 大家 全体业主 联名 维权 群 我们业主 邻居们 住户们 集体 横幅",
}
EXCEPTIONS = {
    "media_possible": "无法上网 不能上网 宽带上网 上网课 多媒体",
    "collective": "群租 群发 人群 大家好 谢谢大家 感谢大家 辛苦大家 麻烦大家 大家电 大家具",
}


def install(apps, schema_editor):
    RiskWord = apps.get_model("complaints", "RiskWord")
    RiskWord.objects.bulk_create(
        [
            RiskWord(signal=signal, word=word, is_exception=is_exception)
            for table, is_exception in ((WORDS, False), (EXCEPTIONS, True))
            for signal, words in table.items()
            for word in words.split()
        ],
        ignore_conflicts=True,
    )


def remove(apps, schema_editor):
    apps.get_model("complaints", "RiskWord").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0014_risk_words_and_signals"),
    ]

    operations = [migrations.RunPython(install, remove)]
