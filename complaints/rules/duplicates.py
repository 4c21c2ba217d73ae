"""Repeat complaints caught at intake (issue 19 §4) and what a complaint costs (§5), as pure rules.

A new complaint *may repeat* an earlier one of its company when both are about the same unit (or
came from the same phone), in the same category, of the same defect type when both have one, and
the earlier one is still open or was handled (resolved) within DUPLICATE_WINDOW. Staff decide what it
is (DUPLICATE_DECISIONS); an owner's second filing on the public form within PUBLIC_AUTO_LINK_WINDOW
of the same unit and category joins the earlier one's issue group by itself.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from .tiers import FOLLOWS_WINDOW

DUPLICATE_WINDOW = FOLLOWS_WINDOW  # an earlier complaint handled this long ago may still be repeated
PUBLIC_AUTO_LINK_WINDOW = timedelta(days=7)  # the owner files again on the public form: linked by itself
DUPLICATES_SHOWN = 10

# Similarity: the category must match (0.5); the same unit adds 0.3, else the same phone 0.2; the same
# defect type adds 0.2, an untyped side 0.1 (it may be the same defect). Unit + category + type = 1.0.
SIMILARITY_CATEGORY = Decimal("0.5")
SIMILARITY_UNIT = Decimal("0.3")
SIMILARITY_PHONE = Decimal("0.2")
SIMILARITY_SAME_DEFECT = Decimal("0.2")
SIMILARITY_UNTYPED = Decimal("0.1")

SAME_ISSUE, FOLLOW_UP, SEPARATE = "same_issue", "follow_up", "separate"
DUPLICATE_DECISIONS = (SAME_ISSUE, FOLLOW_UP, SEPARATE)


def duplicate_similarity(
    *,
    same_unit: bool,
    same_phone: bool,
    same_category: bool,
    defect_types: tuple[int | None, int | None],
    earlier_open: bool,
    handled_at: datetime | None,
    received_at: datetime,
) -> Decimal | None:
    """How alike a new complaint (received at ``received_at``) and an earlier one are, from 0.7 to
    1.0, or None when the earlier one is not a possible duplicate. ``defect_types`` are the two
    complaints' defect type ids (None: untyped)."""
    if not same_category or not (same_unit or same_phone):
        return None
    if not earlier_open and (handled_at is None or handled_at < received_at - DUPLICATE_WINDOW):
        return None
    earlier_type, new_type = defect_types
    if earlier_type is not None and new_type is not None and earlier_type != new_type:
        return None
    score = SIMILARITY_CATEGORY + (SIMILARITY_UNIT if same_unit else SIMILARITY_PHONE)
    score += (
        SIMILARITY_SAME_DEFECT if earlier_type is not None and new_type is not None else SIMILARITY_UNTYPED
    )
    return score


def links_by_itself(
    *, same_unit: bool, same_category: bool, earlier_received_at: datetime, received_at: datetime
) -> bool:
    """The public form: the owner's filing of the same unit and category within
    PUBLIC_AUTO_LINK_WINDOW of an earlier one joins its issue group without asking staff."""
    return (
        same_unit
        and same_category
        and received_at - PUBLIC_AUTO_LINK_WINDOW <= earlier_received_at <= received_at
    )


# --- Costs ---------------------------------------------------------------------------------------

COMPENSATION, IN_KIND, REPAIR_COST, BACK_CHARGE = "compensation", "in_kind", "repair", "back_charge"
COST_KINDS = (COMPENSATION, IN_KIND, REPAIR_COST, BACK_CHARGE)
SPENT_KINDS = (COMPENSATION, IN_KIND, REPAIR_COST)  # what the company paid out (goodwill and repairs)
PROPOSED, AGREED, DEDUCTED = "proposed", "agreed", "deducted"
BACK_CHARGE_FLOW = {PROPOSED: AGREED, AGREED: DEDUCTED}  # one step forward at a time, never back
COST_AMOUNT_MAX = Decimal("99999999.99")


def back_charge_next(state: str) -> str | None:
    """The state a back-charge may move to next, or None once it is deducted."""
    return BACK_CHARGE_FLOW.get(state)


def cost_totals(entries) -> dict[str, Decimal]:
    """What a ledger adds up to, from ``(kind, state, amount)`` rows (reversals are negative):
    ``spent`` = goodwill money + in-kind value + repair cost; ``back_charged`` = back-charges in any
    state; ``recovered`` = deducted back-charges only (money actually taken back from a contractor);
    ``net`` = spent - recovered."""
    spent = back_charged = recovered = Decimal("0")
    for kind, state, amount in entries:
        if kind in SPENT_KINDS:
            spent += amount
        elif kind == BACK_CHARGE:
            back_charged += amount
            if state == DEDUCTED:
                recovered += amount
    return {"spent": spent, "back_charged": back_charged, "recovered": recovered, "net": spent - recovered}
