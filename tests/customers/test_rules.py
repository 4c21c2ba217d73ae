from datetime import date

import pytest

from customers import rules
from customers.rules import HouseholdFacts


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("008613812345678", "13812345678"),
        ("8613812345678", "13812345678"),
    ],
)
def test_phone_normalisation(raw, expected):
    assert rules.normalise_phone(raw) == expected


@pytest.mark.parametrize(
    "raw", ["", "12812345678", "1381234567", "138123456789", "abc", "0755-88888888", None]
)
def test_malformed_phones_are_refused(raw):
    with pytest.raises(rules.InvalidPhone):
        rules.normalise_phone(raw)


def test_masks():
    assert rules.mask_phone("13812345678") == "138****5678"
    assert rules.mask_id_number("11010519491231002X") == "1101**********002X"


def valid_id(prefix="110105", birth="19491231", sequence="002"):
    first = prefix + birth + sequence
    return first + rules.id_check_char(first)


def test_id_number_checksum_and_birth_date():
    value = valid_id()
    assert rules.normalise_id_number(value.lower()) == value
    wrong_check = value[:-1] + ("1" if value[-1] != "1" else "2")
    for bad in [wrong_check, valid_id(birth="19490231"), "12345", value[:-1]]:
        with pytest.raises(rules.InvalidIdNumber):
            rules.normalise_id_number(bad)


@pytest.mark.parametrize(
    ("birth", "today", "age"),
    [
        (date(1990, 5, 1), date(2026, 4, 30), 35),
        (date(1990, 5, 1), date(2026, 5, 1), 36),
        (date(2000, 2, 29), date(2026, 2, 28), 25),
    ],
)
def test_age(birth, today, age):
    assert rules.age_on(birth, today) == age


def test_birth_date_problems():
    today = date(2026, 11, 22)
    assert rules.birth_date_problem(date(2027, 1, 1), today)
    assert rules.birth_date_problem(date(1900, 1, 1), today)
    assert rules.birth_date_problem(date(1980, 1, 1), today) is None


@pytest.mark.parametrize(
    ("moved_in", "phase"),
    [
        (None, None),
        (date(2026, 1, 1), "run_in"),
        (date(2025, 11, 23), "run_in"),
        (date(2025, 11, 22), "settled"),
        (date(2023, 11, 23), "settled"),
        (date(2023, 11, 22), "long_time"),
        (date(2010, 1, 1), "long_time"),
    ],
)
def test_owner_phase_boundaries(moved_in, phase):
    assert rules.owner_phase(moved_in, date(2026, 11, 22)) == phase


def facts(**overrides):
    base = {
        "age": 40,
        "children_count": 0,
        "elderly_at_home": False,
        "income_band": "",
        "purchase_motive": "",
    }
    return HouseholdFacts(**{**base, **overrides})


@pytest.mark.parametrize(
    ("household", "segment", "reasons"),
    [
        (facts(income_band="very_high"), "affluent", ("very_high_income",)),
        (facts(purchase_motive="status", children_count=2), "affluent", ("status_motive",)),
        (facts(elderly_at_home=True, children_count=1), "health_elderly", ("elderly_at_home",)),
        (facts(purchase_motive="environment"), "health_elderly", ("environment_motive",)),
        (facts(children_count=1), "family_children", ("children_0_17",)),
        (facts(purchase_motive="school"), "family_children", ("school_motive",)),
        (facts(purchase_motive="price"), "pragmatic", ("price_motive",)),
        (
            facts(purchase_motive="convenience", income_band="low"),
            "pragmatic",
            ("convenience_motive", "low_income"),
        ),
        (facts(income_band="low"), "pragmatic", ("low_income",)),
        (facts(age=28), "young_professional", ("young_without_children",)),
        (facts(age=28, children_count=1), "family_children", ("children_0_17",)),
    ],
)
def test_segment_rules(household, segment, reasons):
    suggestion = rules.suggest_segment(household)
    assert (suggestion.segment, suggestion.reasons) == (segment, reasons)


def test_no_segment_without_facts():
    assert rules.suggest_segment(facts(age=None)) is None
    assert rules.suggest_segment(facts(age=45)) is None
