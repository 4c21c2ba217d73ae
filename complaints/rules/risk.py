"""Risk facts and risk signals read from the complaint text, as pure functions.

DOMAIN.md, "Risk wording": the words owners use for the new risks (指责欺诈, 千方百计曝光, 群众运动,
媒体参与) are read from the text as suggestions that staff confirm. Nothing here reads the database:
the word lists come in as a ``RiskVocabulary`` (``complaints.RiskWord`` rows in production).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import timedelta

from .tiers import HOT_COLLECTIVE_MIN

LITIGATION_POSSIBLE = "litigation_possible"
LITIGATION_FILED = "litigation_filed"
MEDIA_POSSIBLE = "media_possible"
HOTLINE_12345 = "hotline_12345"
COLLECTIVE = "collective"
RISK_SIGNALS = (LITIGATION_FILED, LITIGATION_POSSIBLE, MEDIA_POSSIBLE, HOTLINE_12345, COLLECTIVE)

LITIGATION_RANK = {"none": 0, "possible": 1, "filed": 2}
MEDIA_RANK = {"none": 0, "possible": 1, "exposed": 2}
MAX_COMPLAINANTS = 100000
RISK_SIGNAL_NOTIFY_AFTER = timedelta(hours=24)  # an undecided signal is put to the company's managers

# The defaults, installed after every migrate; the group centre edits them in the admin. An exception is
# a longer phrase inside which a word does not count (群租 is not 群, 大家好 is a greeting).
DEFAULT_RISK_WORDS: dict[str, tuple[str, ...]] = {
    LITIGATION_POSSIBLE: (
        *("律师", "起诉", "法院", "诉讼", "打官司", "仲裁"),
        *("官司", "法庭", "法律途径", "欺诈"),
    ),
    LITIGATION_FILED: (
        *("已起诉", "立案", "传票"),
        *("已经起诉", "已提起诉讼", "已经提起诉讼", "开庭", "案号", "一审", "二审", "上诉", "判决"),
    ),
    MEDIA_POSSIBLE: (
        *("媒体", "记者", "曝光", "微博", "抖音", "上网", "电视台"),
        *("上电视", "小红书", "报社", "热搜", "爆料"),
    ),
    HOTLINE_12345: (
        *("12345", "市长热线", "信访", "住建局"),
        *("上访", "房管局", "市长信箱", "消协", "消费者协会"),
    ),
    COLLECTIVE: (
        *("业主们", "大家", "全体业主", "联名", "维权", "群"),
        *("我们业主", "邻居们", "住户们", "集体", "横幅"),
    ),
}
DEFAULT_RISK_EXCEPTIONS: dict[str, tuple[str, ...]] = {
    MEDIA_POSSIBLE: ("无法上网", "不能上网", "宽带上网", "上网课", "多媒体"),
    COLLECTIVE: (
        *("群租", "群发", "人群", "大家好", "谢谢大家", "感谢大家", "辛苦大家", "麻烦大家"),
        *("大家电", "大家具"),
    ),
}

# Negation: a marker shortly before a word, in the same clause, with nothing between them that turns
# the sentence around (「不会起诉」, 「没有找律师」, 「不想去信访」; but 「没办法只能起诉」 and
# 「不解决就曝光」 are threats). Multi-character markers reach four characters ahead, bare 不/没/未 one
# (「不起诉」, 「没找律师」).
NEGATIONS = (
    *("不会", "不想", "没有", "不打算", "不必", "没打算", "不准备", "没想过", "不愿", "不用"),
    *("不需要", "无需", "没必要", "还没", "尚未", "从没", "从未", "不是要", "不是想", "不考虑", "暂时不"),
)
NEGATION_WINDOW = 4
SHORT_NEGATIONS = ("不", "没", "未")
SHORT_NEGATION_WINDOW = 1
# Phrases with 不 that do not deny what follows (「不得不起诉」, 「不怕打官司」, 「要不…」).
NOT_NEGATIONS = ("不得不", "不排除", "不怕", "不惜", "不如", "不管", "不然", "要不", "不行", "不停", "不断")
# Between a marker and the word these end the negation: a consequence or a turn follows.
NEGATION_BREAKS = ("就", "才", "只能", "只好", "但", "可是", "否则", "再", "放弃", "排除", "逼", "怕", "如果")
# Markers right after the word (「起诉就算了」, 「律师我就不请了」, 「媒体暂时不找」).
NEGATIONS_AFTER = ("算了", "不必", "没必要", "就不", "暂时不", "先不", "不考虑", "不用", "免了")
NEGATION_AFTER_WINDOW = 2
NEGATION_CHAIN_GAP = 3  # 「不想找律师和媒体」: a negated word carries over to the next one this close
CLAUSE_ENDS = frozenset(",.!?;:，。！？；：…\n\r\t ")

# A count of households or owners (「30多户」, 「十几位业主」, 「五户人家」) is a collective signal too.
_NUMBER = r"(?P<number>\d+|[一二两三四五六七八九十百千几]+)"
COUNTED_PEOPLE = (
    re.compile(_NUMBER + r"(?P<about>多|余|来)?(?:个|位|名|户|家)?(?:业主|邻居|住户|户主|家庭|人家)"),
    re.compile(_NUMBER + r"(?P<about>多|余)?户"),
)
_CHINESE_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


@dataclass(frozen=True)
class RiskVocabulary:
    """Signal → words, and signal → exception phrases (``rules.DEFAULT_*`` or the RiskWord rows)."""

    words: Mapping[str, Collection[str]]
    exceptions: Mapping[str, Collection[str]] = field(default_factory=dict)


DEFAULT_VOCABULARY = RiskVocabulary(words=DEFAULT_RISK_WORDS, exceptions=DEFAULT_RISK_EXCEPTIONS)


@dataclass(frozen=True)
class _Mention:
    signal: str
    word: str
    start: int
    end: int


def normalise_text(text: str) -> str:
    """Full-width digits and letters as ASCII (１２３４５ is 12345), lower case."""
    return unicodedata.normalize("NFKC", text or "").lower()


def _occurrences(text: str, needle: str):
    start = text.find(needle)
    while start != -1:
        yield start, start + len(needle)
        start = text.find(needle, start + 1)


def _standalone(text: str, start: int, end: int, word: str) -> bool:
    """A number is a number only on its own: 12345 inside 13812345678 is part of a phone number."""
    if not word.isascii() or not word.isalnum():
        return True
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    return not (before.isascii() and before.isalnum()) and not (after.isascii() and after.isalnum())


def _people_counted(number: str) -> int:
    if number.isdigit():
        return int(number)
    if "百" in number or "千" in number:
        return 100
    if "十" in number:
        return 10
    if number == "几":
        return HOT_COLLECTIVE_MIN
    return _CHINESE_DIGITS.get(number[-1], 0)


def _count_mentions(text: str) -> list[_Mention]:
    mentions = []
    for which, pattern in enumerate(COUNTED_PEOPLE):
        for match in pattern.finditer(text):
            counted = _people_counted(match["number"])
            # A bare 「四户」 is a floor plan (一梯四户); households are counted with 多/几 or from ten.
            vague = match["about"] or "几" in match["number"] or counted >= 10
            if counted >= HOT_COLLECTIVE_MIN and (which == 0 or vague):
                mentions.append(_Mention(COLLECTIVE, match.group(), match.start(), match.end()))
    return mentions


def _mentions(text: str, vocabulary: RiskVocabulary) -> list[_Mention]:
    """Every word of every signal, outside its exceptions; where two overlap the longer wins, so
    「已起诉」 is one filed mention and not also 「起诉」."""
    found = _count_mentions(text)
    for signal, words in vocabulary.words.items():
        masked = [
            span
            for phrase in vocabulary.exceptions.get(signal, ())
            for span in _occurrences(text, normalise_text(phrase))
        ]
        for word in words:
            needle = normalise_text(word)
            for start, end in _occurrences(text, needle) if needle else ():
                if not _standalone(text, start, end, needle):
                    continue
                if any(m_start <= start and end <= m_end for m_start, m_end in masked):
                    continue
                found.append(_Mention(signal, word, start, end))
    taken: list[_Mention] = []
    for mention in sorted(found, key=lambda m: (m.start - m.end, m.start, RISK_SIGNALS.index(m.signal))):
        if all(mention.end <= other.start or other.end <= mention.start for other in taken):
            taken.append(mention)
    return sorted(taken, key=lambda m: m.start)


def _clause_start(text: str, position: int) -> int:
    start = position
    while start > 0 and text[start - 1] not in CLAUSE_ENDS:
        start -= 1
    return start


def _clause_end(text: str, position: int) -> int:
    end = position
    while end < len(text) and text[end] not in CLAUSE_ENDS:
        end += 1
    return end


def _is_real_negation(text: str, start: int, end: int) -> bool:
    return not any(
        p_start <= start and end <= p_end
        for phrase in NOT_NEGATIONS
        for p_start, p_end in _occurrences(text, phrase)
    )


def _negated_before(text: str, mention: _Mention) -> bool:
    clause_start = _clause_start(text, mention.start)
    for markers, window in ((NEGATIONS, NEGATION_WINDOW), (SHORT_NEGATIONS, SHORT_NEGATION_WINDOW)):
        for marker in markers:
            for start, end in _occurrences(text[clause_start : mention.start], marker):
                start, end = start + clause_start, end + clause_start
                gap = text[end : mention.start]
                if (
                    len(gap) <= window
                    and not any(word in gap for word in NEGATION_BREAKS)
                    and _is_real_negation(text, start, end)
                ):
                    return True
    return False


def _negated_after(text: str, mention: _Mention) -> bool:
    after = text[mention.end : _clause_end(text, mention.end)]
    return any(0 <= after.find(marker) <= NEGATION_AFTER_WINDOW for marker in NEGATIONS_AFTER)


def _chained(text: str, previous: _Mention, mention: _Mention) -> bool:
    gap = text[previous.end : mention.start]
    return (
        len(gap) <= NEGATION_CHAIN_GAP
        and not any(char in CLAUSE_ENDS for char in gap)
        and not any(word in gap for word in NEGATION_BREAKS)
    )


def risk_signals_in(text: str, vocabulary: RiskVocabulary = DEFAULT_VOCABULARY) -> dict[str, list[str]]:
    """The risk signals in an owner's or a staff member's text: signal → the words that raised it,
    in the order they appear. Negated mentions do not count (「我不会起诉」, 「没有找媒体」); a filed
    lawsuit says more than a possible one, so ``litigation_filed`` replaces ``litigation_possible``."""
    text = normalise_text(text)
    signals: dict[str, list[str]] = {}
    previous: _Mention | None = None
    previous_negated = False
    for mention in _mentions(text, vocabulary):
        negated = (
            _negated_before(text, mention)
            or _negated_after(text, mention)
            or (previous_negated and previous is not None and _chained(text, previous, mention))
        )
        if not negated and mention.word not in signals.setdefault(mention.signal, []):
            signals[mention.signal].append(mention.word)
        previous, previous_negated = mention, negated
    if signals.get(LITIGATION_FILED):
        signals.pop(LITIGATION_POSSIBLE, None)
    return {signal: words for signal, words in signals.items() if words}


# What confirming a signal sets (docs/ARCHITECTURE.md, "Risk signals"). A collective signal sets the
# number of complainants staff give; 12345 and petitions bring in parties outside the handling team.
SIGNAL_FACTS = {
    LITIGATION_POSSIBLE: ("litigation", "possible"),
    LITIGATION_FILED: ("litigation", "filed"),
    MEDIA_POSSIBLE: ("media", "possible"),
    HOTLINE_12345: ("needs_outside_support", True),
    COLLECTIVE: ("complainant_count", None),
}
COLLECTIVE_MIN_COMPLAINANTS = 2  # confirming a collective complaint: more than one complainant


@dataclass(frozen=True)
class RiskFacts:
    litigation: str
    media: str
    complainant_count: int
    needs_outside_support: bool


def fact_raised_by(signal: str, facts: RiskFacts, *, complainant_count: int | None = None) -> dict:
    """The fact change confirming ``signal`` makes: {} when the facts already say as much (a confirmed
    ``litigation_possible`` never turns a filed lawsuit back into a possible one)."""
    name, value = SIGNAL_FACTS[signal]
    if name == "litigation":
        return {name: value} if LITIGATION_RANK[value] > LITIGATION_RANK[facts.litigation] else {}
    if name == "media":
        return {name: value} if MEDIA_RANK[value] > MEDIA_RANK[facts.media] else {}
    if name == "needs_outside_support":
        return {} if facts.needs_outside_support else {name: True}
    if complainant_count is not None and complainant_count > facts.complainant_count:
        return {name: complainant_count}
    return {}


def signal_covered(signal: str, facts: RiskFacts) -> bool:
    """Whether the facts already say what the signal suggests, so it need not be raised (or stays
    open): litigation already possible or filed, a collective complaint already counted, …"""
    if signal == COLLECTIVE:
        return facts.complainant_count >= COLLECTIVE_MIN_COMPLAINANTS
    return not fact_raised_by(signal, facts)
