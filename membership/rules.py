"""Pure rules of the club: points amounts, levels, expiry, FIFO allocation, fee offsets. No ORM."""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_DOWN, Decimal

# Points the club gives for business events (the group centre's numbers).
PURCHASE_POINTS = 1000  # per home bought
REFERRAL_POINTS = 2000  # to the referrer, when the referred customer signs
# Earned points are valid for two years.
POINTS_VALID_YEARS = 2
# Property-fee offset: 100 points pay 1 yuan.
POINTS_PER_YUAN = 100
FEE_OFFSET_MAX = Decimal("10000.00")

# Levels: by homes bought or by points earned in total, whichever gives the higher level.
GOLD_HOMES, GOLD_POINTS = 3, 20_000
SILVER_HOMES, SILVER_POINTS = 2, 5_000


# What each level brings (codes; labels in models.Benefit). Discounts apply to new homes bought
# from the group; priority selection means choosing a unit before the public at a new launch.
BENEFITS = {
    "regular": ["points", "events"],
    "silver": ["points", "events", "discount_1"],
    "gold": ["points", "events", "discount_2", "priority_selection"],
}


def benefits_for(level: str) -> list[str]:
    return BENEFITS[level]


def level_for(*, homes: int, earned_total: int) -> str:
    if homes >= GOLD_HOMES or earned_total >= GOLD_POINTS:
        return "gold"
    if homes >= SILVER_HOMES or earned_total >= SILVER_POINTS:
        return "silver"
    return "regular"


def add_years(moment: datetime, years: int) -> datetime:
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:  # 29 February → 28 February
        return moment.replace(year=moment.year + years, day=28)


def expires_at_for(earned_at: datetime) -> datetime:
    return add_years(earned_at, POINTS_VALID_YEARS)


def allocate_some(lots: list[tuple[int, int]], amount: int) -> tuple[list[tuple[int, int]], int]:
    """Take up to ``amount`` points from ``lots`` ((id, remaining), already in FIFO order): the lot
    that expires first is used first. Returns (id, taken) per touched lot and what is still owed."""
    if amount <= 0:
        raise ValueError("amount must be positive")
    taken: list[tuple[int, int]] = []
    left = amount
    for lot_id, remaining in lots:
        if left == 0:
            break
        take = min(remaining, left)
        if take > 0:
            taken.append((lot_id, take))
            left -= take
    return taken, left


def allocate(lots: list[tuple[int, int]], amount: int) -> list[tuple[int, int]]:
    """``allocate_some`` that must cover the whole amount (ValueError if the lots hold too little)."""
    taken, left = allocate_some(lots, amount)
    if left:
        raise ValueError("not enough points")
    return taken


def fee_offset_points(amount: Decimal) -> int:
    """Points needed to offset ``amount`` yuan of property fees (whole fen only)."""
    if amount <= 0 or amount > FEE_OFFSET_MAX:
        raise ValueError("amount out of range")
    if amount.quantize(Decimal("0.01"), rounding=ROUND_DOWN) != amount:
        raise ValueError("amount has more than two decimals")
    return int(amount * POINTS_PER_YUAN)


def signup_status(*, confirmed: int, capacity: int) -> str:
    return "confirmed" if confirmed < capacity else "waiting"


def audience_levels(audience: str) -> list[str]:
    return {"all": ["regular", "silver", "gold"], "silver_up": ["silver", "gold"], "gold": ["gold"]}[audience]
