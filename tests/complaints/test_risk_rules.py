"""Risk signals read from text (pure, no database), one row per behaviour of the rule; what confirming
a signal sets; and the labelled owner sentences in tests/data/risk_sentences.csv with their precision
and recall."""

import csv
from pathlib import Path

import pytest

from complaints import rules
from complaints.rules import RiskFacts, RiskVocabulary, risk_signals_in

SENTENCES = Path(__file__).resolve().parent.parent / "data" / "risk_sentences.csv"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Each signal, from the words owners use.
        ("我已经找了律师", {"litigation_possible": ["律师"]}),
        ("再不解决我就去法院起诉你们", {"litigation_possible": ["法院", "起诉"]}),
        ("实在不行只能打官司", {"litigation_possible": ["打官司"]}),
        ("我们准备申请仲裁", {"litigation_possible": ["仲裁"]}),
        ("你们这是合同欺诈", {"litigation_possible": ["欺诈"]}),  # 指责欺诈
        ("法院已经立案了", {"litigation_filed": ["立案"]}),
        ("传票已经寄到你们公司", {"litigation_filed": ["传票"]}),
        ("再不解决就找媒体曝光", {"media_possible": ["媒体", "曝光"]}),
        ("我要发微博，再发抖音", {"media_possible": ["微博", "抖音"]}),
        ("千方百计也要把你们曝光", {"media_possible": ["曝光"]}),
        ("我已经打了12345", {"hotline_12345": ["12345"]}),
        ("我要去住建局和信访办反映", {"hotline_12345": ["住建局", "信访"]}),
        ("业主们已经联名写信了", {"collective": ["业主们", "联名"]}),
        ("我们已经建了维权群", {"collective": ["维权", "群"]}),
        # A filed lawsuit is one mention, not also a possible one, and it says more than 律师 beside it.
        ("我已起诉", {"litigation_filed": ["已起诉"]}),
        ("我已起诉，律师也请好了", {"litigation_filed": ["已起诉"]}),
        ("已经提起诉讼", {"litigation_filed": ["已经提起诉讼"]}),
        # Several signals in one text.
        (
            "业主们找了律师和记者",
            {"collective": ["业主们"], "litigation_possible": ["律师"], "media_possible": ["记者"]},
        ),
    ],
)
def test_signals_and_their_words(text, expected):
    assert risk_signals_in(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "我不会起诉的",
        "我们不想打官司",
        "我没有找律师",
        "暂时不打算起诉",
        "不必走到法院那一步",
        "没打算找媒体",
        "我不准备找记者",
        "我从来没有找过媒体",
        "还没打12345",
        "不起诉，不上访，只求修好",
        "我不想找律师也不想找媒体",  # each negated
        "不会找律师、媒体",  # a negation carries over to the next word in the list
        "起诉就算了",  # a negation after the word
        "律师我就不请了",
        "媒体暂时不找",
        "案子还没立案",  # a filed word negated
        "我们没有联名",
    ],
)
def test_negated_mentions_raise_nothing(text):
    assert risk_signals_in(text) == {}


@pytest.mark.parametrize(
    ("text", "signal"),
    [
        ("没办法只能起诉了", "litigation_possible"),  # 只能 turns the sentence: a threat
        ("你们再不解决就找媒体", "media_possible"),  # 不解决 does not deny 媒体
        ("我不排除起诉", "litigation_possible"),  # 不排除 is not a negation
        ("我不得不起诉你们", "litigation_possible"),
        ("不怕打官司", "litigation_possible"),
        ("我们不会放弃起诉的权利", "litigation_possible"),
        ("物业没有处理我们找了律师", "litigation_possible"),  # the marker is too far away
        ("我不想打官司，但我会找媒体", "media_possible"),  # the negation ends with the clause
    ],
)
def test_what_is_not_a_negation(text, signal):
    assert signal in risk_signals_in(text)


@pytest.mark.parametrize(
    "text",
    [
        "联系电话13812345678",  # 12345 inside a phone number
        "维修单号123456",
        "我家楼上是群租房",  # 群 inside an exception
        "物业群发了通知",
        "大家好，我想问一下停车费",
        "谢谢大家的帮忙",
        "大家电搬不进电梯",
        "宽带经常无法上网",
        "一梯四户，电梯不够用",  # a floor plan, not a count of complainants
        "物业来了3个人看了一眼",
    ],
)
def test_near_misses_raise_nothing(text):
    assert risk_signals_in(text) == {}


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("我们楼有30多户都裂了", "30多户"),
        ("十几位业主一起来讨说法", "十几位业主"),
        ("同一栋楼已经有五户人家渗水", "五户人家"),
    ],
)
def test_a_count_of_households_is_collective(text, word):
    assert risk_signals_in(text) == {"collective": [word]}


def test_full_width_digits_are_read_as_digits():
    assert risk_signals_in("打了１２３４５") == {"hotline_12345": ["12345"]}


def test_the_words_come_from_the_vocabulary_given():
    vocabulary = RiskVocabulary(words={"media_possible": ["朋友圈"]}, exceptions={})
    assert risk_signals_in("我要发朋友圈", vocabulary) == {"media_possible": ["朋友圈"]}
    assert risk_signals_in("我要找媒体", vocabulary) == {}
    masked = RiskVocabulary(words={"collective": ["群"]}, exceptions={"collective": ["服务群"]})
    assert risk_signals_in("物业服务群没人回", masked) == {}
    assert risk_signals_in("业主群里都在说", masked) == {"collective": ["群"]}


def risk_facts(**overrides) -> RiskFacts:
    return RiskFacts(
        **{
            "litigation": "none",
            "media": "none",
            "complainant_count": 1,
            "needs_outside_support": False,
            **overrides,
        }
    )


@pytest.mark.parametrize(
    ("signal", "facts", "count", "change"),
    [
        ("litigation_possible", risk_facts(), None, {"litigation": "possible"}),
        ("litigation_possible", risk_facts(litigation="filed"), None, {}),  # never back to possible
        ("litigation_filed", risk_facts(litigation="possible"), None, {"litigation": "filed"}),
        ("media_possible", risk_facts(), None, {"media": "possible"}),
        ("media_possible", risk_facts(media="exposed"), None, {}),
        ("hotline_12345", risk_facts(), None, {"needs_outside_support": True}),
        ("hotline_12345", risk_facts(needs_outside_support=True), None, {}),
        ("collective", risk_facts(), 12, {"complainant_count": 12}),
        ("collective", risk_facts(complainant_count=20), 12, {}),
    ],
)
def test_what_confirming_a_signal_sets(signal, facts, count, change):
    assert rules.fact_raised_by(signal, facts, complainant_count=count) == change


@pytest.mark.parametrize(
    ("signal", "facts", "covered"),
    [
        ("litigation_possible", risk_facts(litigation="possible"), True),
        ("litigation_filed", risk_facts(litigation="possible"), False),
        ("media_possible", risk_facts(), False),
        ("collective", risk_facts(complainant_count=2), True),
        ("collective", risk_facts(), False),
        ("hotline_12345", risk_facts(needs_outside_support=True), True),
    ],
)
def test_a_signal_the_facts_already_answer_is_covered(signal, facts, covered):
    assert rules.signal_covered(signal, facts) is covered


def test_precision_and_recall_on_labelled_owner_sentences():
    """Micro precision and recall over every (sentence, signal) pair of the labelled set."""
    with SENTENCES.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) >= 200
    true_positives = false_positives = false_negatives = 0
    for row in rows:
        expected = {signal for signal in row["expected"].split("|") if signal}
        assert expected <= set(rules.RISK_SIGNALS), row
        found = set(risk_signals_in(row["sentence"]))
        true_positives += len(found & expected)
        false_positives += len(found - expected)
        false_negatives += len(expected - found)
    precision = true_positives / (true_positives + false_positives)
    recall = true_positives / (true_positives + false_negatives)
    print(f"risk signals on {len(rows)} sentences: precision {precision:.3f}, recall {recall:.3f}")
    assert {signal for row in rows for signal in row["expected"].split("|") if signal} == set(
        rules.RISK_SIGNALS
    )
    assert recall >= 0.9
    assert precision >= 0.8
