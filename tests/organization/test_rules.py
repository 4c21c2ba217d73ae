import pytest

from organization import rules


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("4", "4"),
        ("4栋", "4"),
        ("4号楼", "4"),
        ("４栋", "4"),
        (" 4 栋 ", "4"),
        ("第4栋", "4"),
        ("12幢", "12"),
        ("a座", "A"),
        ("会所", "会所"),
        ("商业 楼", "商业楼"),
    ],
)
def test_building_key(written, key):
    assert rules.building_key(written) == key


def test_every_variant_has_the_same_key():
    assert {rules.building_key(name) for name in rules.building_name_variants("7")} == {"7"}


@pytest.mark.parametrize(
    ("written", "reference"),
    [
        ("3栋1502", ("3", "1502")),
        ("3号楼1502室", ("3", "1502")),
        ("3-1502", ("3", "1502")),
        ("３栋 １５０２", ("3", "1502")),
        ("3 1502", ("3", "1502")),
        ("B座801", ("B", "801")),
        ("1502", None),
        ("3栋", None),
        ("张三", None),
        ("13800001502", None),
    ],
)
def test_parse_unit_reference(written, reference):
    assert rules.parse_unit_reference(written) == reference
