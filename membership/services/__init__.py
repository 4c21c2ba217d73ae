"""Every change to the club goes through here: pages, the member's page, the API, tasks and the
purchase hook call these.

Locks: every change of points takes the member row ``FOR UPDATE`` first (so two redemptions of one
member run one after the other and the second sees the first's balance); a sign-up or a change of
the event locks the event row (capacity), a gift redemption or a stock change the gift row (stock),
a code use the code row.

The package splits by sub-domain: ``members`` (joining, levels, referrals, suspension), ``ledger``
(earn, spend, expire, correct; the FIFO lots and the member row lock), ``events``, ``rewards``
(gifts, fee offsets, merchants' offers and codes) and ``campaigns``. The public functions are
re-exported here, so callers import ``membership.services`` and not its modules. To patch a name in
a test, patch it in the module that uses it (e.g. ``membership.services.ledger.LOT_BATCH``).
"""

from .campaigns import TOPIC, campaign_create, campaign_deliver, campaign_run
from .events import (
    EVENT_NOTICE_TOPIC,
    EventPlan,
    event_call_off,
    event_cancel_signup,
    event_create,
    event_mark_attendance,
    event_plan_of,
    event_signup,
    event_update,
)
from .ledger import (
    NotEnoughPoints,
    ledger_mismatches,
    partner_key,
    points_correct,
    points_earn,
    points_earn_from_partner,
    points_expire_due,
    points_spend,
)
from .members import (
    member_join,
    member_join_on_purchase,
    member_set_status,
    members_join_for_purchases,
    referral_create,
)
from .rewards import (
    code_use,
    fee_offset_redeem,
    gift_create,
    gift_redeem,
    gift_stock_change,
    gift_update,
    merchant_create,
    merchant_update,
    offer_claim,
    offer_create,
    offer_update,
)

__all__ = [
    "EVENT_NOTICE_TOPIC",
    "TOPIC",
    "EventPlan",
    "NotEnoughPoints",
    "campaign_create",
    "campaign_deliver",
    "campaign_run",
    "code_use",
    "event_call_off",
    "event_cancel_signup",
    "event_create",
    "event_mark_attendance",
    "event_plan_of",
    "event_signup",
    "event_update",
    "fee_offset_redeem",
    "gift_create",
    "gift_redeem",
    "gift_stock_change",
    "gift_update",
    "ledger_mismatches",
    "member_join",
    "member_join_on_purchase",
    "member_set_status",
    "members_join_for_purchases",
    "merchant_create",
    "merchant_update",
    "offer_claim",
    "offer_create",
    "offer_update",
    "partner_key",
    "points_correct",
    "points_earn",
    "points_earn_from_partner",
    "points_expire_due",
    "points_spend",
    "referral_create",
]
