"""Defect types (缺陷分类) and the defect register's pure rules: the default two-level catalogue
(DOMAIN.md, "Defect feedback"), which complaint categories carry a defect type, how an older free-text
sub-category maps to a type, the project-age bands of the 客户缺陷手册 and the mass-complaint hint.
Nothing here reads the database or the clock."""

from __future__ import annotations

from datetime import date, timedelta

# Complaints of these categories (工程质量, 规划设计) carry a defect type; the others never do.
DEFECT_CATEGORIES = ("construction", "design")

# (code, name, [(code, name), ...]): parents and their leaf types, in display order. Codes are stable
# (reports and integrators use them); names are the words the design and construction departments use.
DEFAULT_DEFECT_TYPES: list[tuple[str, str, list[tuple[str, str]]]] = [
    (
        "WP",
        "防水",
        [
            ("WP-01", "外墙渗水"),
            ("WP-02", "卫生间渗水"),
            ("WP-03", "屋面渗水"),
            ("WP-04", "窗边渗水"),
            ("WP-05", "地下室渗水"),
            ("WP-06", "厨房及阳台渗水"),
            ("WP-99", "其他渗漏"),
        ],
    ),
    (
        "ST",
        "结构",
        [
            ("ST-01", "裂缝"),
            ("ST-02", "空鼓"),
            ("ST-03", "墙面开裂"),
            ("ST-04", "楼板开裂"),
            ("ST-05", "地面沉降"),
        ],
    ),
    (
        "DW",
        "门窗",
        [
            ("DW-01", "入户门关闭不严"),
            ("DW-02", "窗户密封不良"),
            ("DW-03", "门窗五金损坏"),
            ("DW-04", "玻璃破损"),
            ("DW-05", "推拉门窗变形"),
        ],
    ),
    (
        "PL",
        "给排水",
        [
            ("PL-01", "排水管堵塞"),
            ("PL-02", "下水反味"),
            ("PL-03", "给水管漏水"),
            ("PL-04", "水压不足"),
            ("PL-05", "地漏排水不畅"),
        ],
    ),
    (
        "EL",
        "电气",
        [
            ("EL-01", "插座开关故障"),
            ("EL-02", "线路短路跳闸"),
            ("EL-03", "弱电及网络故障"),
            ("EL-04", "可视对讲故障"),
        ],
    ),
    (
        "PA",
        "公共部位",
        [
            ("PA-01", "电梯故障"),
            ("PA-02", "地下车库问题"),
            ("PA-03", "园林景观缺陷"),
            ("PA-04", "公共照明故障"),
            ("PA-05", "外立面脱落"),
        ],
    ),
    (
        "FN",
        "装修",
        [
            ("FN-01", "地板起拱变形"),
            ("FN-02", "墙面涂料脱落"),
            ("FN-03", "瓷砖空鼓开裂"),
            ("FN-04", "橱柜洁具损坏"),
            ("FN-05", "阳台栏杆锈蚀"),
        ],
    ),
    (
        "DS",
        "规划设计",
        [
            ("DS-01", "户型功能不合理"),
            ("DS-02", "采光通风不足"),
            ("DS-03", "噪音干扰"),
            ("DS-04", "配套设施与承诺不符"),
        ],
    ),
]

# The older free-text sub-categories, read with the title: the first (words in the title, code) whose
# words all appear wins; then the sub-category alone. No match leaves the complaint without a type.
SUB_CATEGORY_TITLE_TYPES: list[tuple[str, tuple[str, ...], str]] = [
    ("渗漏水", ("卫生间",), "WP-02"),
    ("渗漏水", ("屋面",), "WP-03"),
    ("渗漏水", ("顶楼",), "WP-03"),
    ("渗漏水", ("窗",), "WP-04"),
    ("渗漏水", ("地下",), "WP-05"),
    ("渗漏水", ("车库",), "WP-05"),
    ("渗漏水", ("外墙",), "WP-01"),
    ("渗漏水", ("厨房",), "WP-06"),
    ("渗漏水", ("阳台",), "WP-06"),
    ("裂缝", ("外墙",), "ST-03"),
    ("裂缝", ("墙面",), "ST-03"),
    ("裂缝", ("楼板",), "ST-04"),
    ("功能", ("门",), "DW-01"),
    ("功能", ("排水",), "PL-01"),
    ("功能", ("反味",), "PL-02"),
    ("功能", ("插座",), "EL-01"),
    ("观感", ("地板",), "FN-01"),
    ("观感", ("涂料",), "FN-02"),
    ("耐久性", ("栏杆",), "FN-05"),
    ("户型", ("通风",), "DS-02"),
    ("户型", ("采光",), "DS-02"),
    ("配套", ("承诺",), "DS-04"),
    ("景观", ("宣传",), "DS-04"),
]
SUB_CATEGORY_TYPES: dict[str, str] = {
    "渗漏水": "WP-99",
    "渗漏": "WP-99",
    "渗水": "WP-99",
    "漏水": "WP-99",
    "裂缝": "ST-01",
    "开裂": "ST-01",
    "空鼓": "ST-02",
    "户型": "DS-01",
    "配套": "DS-04",
}


def defect_code_for(sub_category: str, title: str = "") -> str | None:
    """The defect type's code an older complaint's sub-category (and title) stands for, or None: the
    title rules first (渗漏水 + 卫生间 is 卫生间渗水), then a leaf type's own name, then the generic
    words (渗漏水 alone is 其他渗漏)."""
    sub_category = (sub_category or "").strip()
    if not sub_category:
        return None
    for text, words, code in SUB_CATEGORY_TITLE_TYPES:
        if sub_category == text and all(word in (title or "") for word in words):
            return code
    for _parent_code, _name, leaves in DEFAULT_DEFECT_TYPES:
        for code, name in leaves:
            if sub_category == name:
                return code
    return SUB_CATEGORY_TYPES.get(sub_category)


# The 客户缺陷手册's project-age bands: years since the project's first handover (首次交付).
AGE_BANDS: list[tuple[str, int | None]] = [("0-1", 1), ("1-2", 2), ("2-5", 5), ("5+", None)]
NOT_DELIVERED = "undelivered"


def add_years(day: date, years: int) -> date:
    """The same calendar day ``years`` later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def age_band(first_delivery: date | None, as_of: date) -> str:
    """The band of a project first delivered on ``first_delivery`` as of ``as_of``: "0-1" in its first
    year (up to the day before the first anniversary), "1-2", "2-5", "5+"; not delivered yet (or only
    in the future) is NOT_DELIVERED."""
    if first_delivery is None or first_delivery > as_of:
        return NOT_DELIVERED
    for band, years in AGE_BANDS:
        if years is None or as_of < add_years(first_delivery, years):
            return band
    return AGE_BANDS[-1][0]


# A mass-complaint risk (群诉风险): this many complaints of one defect type in one building within the
# window (DOMAIN.md's three complaints about the same issue within a month, read per building and type).
DEFECT_HOTSPOT_MIN = 3
DEFECT_HOTSPOT_WINDOW = timedelta(days=30)
# The register's trend covers this many months, the current one included.
REGISTER_MONTHS = 12


def months_back(as_of: date, count: int = REGISTER_MONTHS) -> list[date]:
    """The first days of the ``count`` months up to ``as_of``'s, oldest first."""
    year, month = as_of.year, as_of.month
    months = []
    for _index in range(count):
        months.append(date(year, month, 1))
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return months[::-1]


def quarter_of(day: date) -> tuple[date, date]:
    """The first day of ``day``'s quarter and the first day of the next."""
    start = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    end = date(start.year + (start.month == 10), (start.month + 2) % 12 + 1, 1)
    return start, end


def previous_quarter(day: date) -> tuple[date, date]:
    start, _end = quarter_of(day)
    return quarter_of(start - timedelta(days=1))
