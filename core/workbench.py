"""The home page's workbench (我的工作台): every app adds its own blocks by registering them.

A block says who it is for (a permission, and whether it is for everyone holding it, for company
managers or for the group centre) and how to read its content: ``read(user, now) -> dict``, the
template's context. Each read is a bounded query (a LIMIT, or an aggregate over an indexed,
selective filter) scoped with ``visible_to(user)``; never a COUNT(*) of a whole table. Complaints and
touchpoints register theirs in their AppConfig.ready().
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .scoping import scope_for

# Who a block is for, besides its permission.
EVERYONE = "everyone"  # every user holding the permission
COMPANY = "company"  # users of one company (a company manager: the permission says which)
GROUP = "group"  # group-level users (they see every company)

ROW_LIMIT = 10  # rows a list block shows; it reads one more to know that there are more


@dataclass(frozen=True)
class Block:
    key: str  # stable, used as the card's id (workbench-<key>) and data-block
    title: Any  # a lazy translation
    order: int
    template: str
    read: Callable[[Any, datetime], dict]
    permission: str
    audience: str = EVERYONE
    wide: bool = False  # spans the whole grid (tiles, tables)
    # Optional: whether the block concerns this user at all (e.g. a customer manager's buildings).
    applies: Callable[[Any], bool] | None = None

    def is_for(self, user) -> bool:
        if not user.has_perm(self.permission):
            return False
        if self.applies is not None and not self.applies(user):
            return False
        scope = scope_for(user)
        if self.audience == COMPANY:
            return not scope.all_companies and scope.company_id is not None
        if self.audience == GROUP:
            return scope.all_companies
        return not scope.is_empty


@dataclass(frozen=True)
class ShownBlock:
    block: Block
    context: dict = field(default_factory=dict)

    @property
    def key(self) -> str:
        return self.block.key


_blocks: dict[str, Block] = {}


def register(block: Block) -> Block:
    """Add (or replace, by key) a block; AppConfig.ready() calls this."""
    _blocks[block.key] = block
    return block


def registered() -> list[Block]:
    return sorted(_blocks.values(), key=lambda block: (block.order, block.key))


def blocks_for(user, now: datetime) -> list[ShownBlock]:
    """The user's blocks in order, each read once."""
    return [ShownBlock(block, block.read(user, now)) for block in registered() if block.is_for(user)]


def limited(queryset, limit: int = ROW_LIMIT) -> dict:
    """``rows`` (at most ``limit``) and ``more`` (whether there are others), from one query."""
    rows = list(queryset[: limit + 1])
    return {"rows": rows[:limit], "more": len(rows) > limit}
