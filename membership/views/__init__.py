"""Staff pages of the club (/club/…) and the member's private page (/m/<token>/), by sub-domain.
The views are re-exported here for ``membership.urls``."""

from .campaigns import campaign_list
from .events import (
    event_attended,
    event_call_off,
    event_cancel,
    event_detail,
    event_edit,
    event_list,
    event_signup,
)
from .member_page import (
    member_page,
    member_page_cancel,
    member_page_claim,
    member_page_redeem,
    member_page_signup,
)
from .members import (
    member_correct,
    member_detail,
    member_fee_offset,
    member_list,
    member_redeem_gift,
    member_refer,
    member_status,
)
from .rewards import code_use, gift_list, gift_stock, merchant_add, merchant_list, offer_add

__all__ = [
    "campaign_list",
    "code_use",
    "event_attended",
    "event_call_off",
    "event_cancel",
    "event_detail",
    "event_edit",
    "event_list",
    "event_signup",
    "gift_list",
    "gift_stock",
    "member_correct",
    "member_detail",
    "member_fee_offset",
    "member_list",
    "member_page",
    "member_page_cancel",
    "member_page_claim",
    "member_page_redeem",
    "member_page_signup",
    "member_redeem_gift",
    "member_refer",
    "member_status",
    "merchant_add",
    "merchant_list",
    "offer_add",
]
