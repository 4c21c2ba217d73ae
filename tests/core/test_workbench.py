"""core.workbench: blocks in registry order, each for its permission and audience."""

from datetime import timedelta

import pytest
from django.utils import timezone

from complaints import workbench as complaint_blocks
from core import workbench
from tests.factories import UserFactory


@pytest.fixture
def fresh_registry(monkeypatch):
    monkeypatch.setattr(workbench, "_blocks", {})


def block(key, order, audience=workbench.EVERYONE, permission="complaints.view_complaint"):
    return workbench.Block(
        key=key,
        title=key,
        order=order,
        template="x.html",
        read=lambda user, now: {"key": key},
        permission=permission,
        audience=audience,
    )


def test_blocks_come_in_their_order_then_by_key(fresh_registry, staff_a):
    for key, order in (("late", 30), ("b", 10), ("a", 10)):
        workbench.register(block(key, order))
    assert [shown.key for shown in workbench.blocks_for(staff_a, timezone.now())] == ["a", "b", "late"]


def test_registering_a_key_again_replaces_the_block(fresh_registry):
    workbench.register(block("a", 10))
    workbench.register(block("a", 5))
    assert [b.order for b in workbench.registered()] == [5]


def test_a_block_is_for_its_permission_and_audience(fresh_registry, staff_a, manager_a, group_user, db):
    workbench.register(block("everyone", 1))
    workbench.register(block("company", 2, workbench.COMPANY, "complaints.lower_tier"))
    workbench.register(block("group", 3, workbench.GROUP, "complaints.lower_tier"))
    now = timezone.now()
    assert [s.key for s in workbench.blocks_for(staff_a, now)] == ["everyone"]
    assert [s.key for s in workbench.blocks_for(manager_a, now)] == ["everyone", "company"]
    assert [s.key for s in workbench.blocks_for(group_user, now)] == ["everyone", "group"]
    no_company = UserFactory(company=None, role="frontline_staff")
    assert workbench.blocks_for(no_company, now) == []


def test_each_block_is_read_with_the_user_and_now(fresh_registry, staff_a):
    seen = []
    workbench.register(
        workbench.Block(
            key="k",
            title="k",
            order=1,
            template="x.html",
            read=lambda user, now: seen.append((user, now)) or {},
            permission="complaints.view_complaint",
        )
    )
    now = timezone.now()
    workbench.blocks_for(staff_a, now)
    assert seen == [(staff_a, now)]


def test_the_apps_register_their_blocks_in_order():
    keys = [b.key for b in workbench.registered()]
    assert keys == [
        "companies",
        "company-figures",
        "my-complaints",
        "unassigned",
        "risk-signals",
        "callbacks",
        "my-tasks",
        "my-buildings",
        "repair-follow-ups",
    ]


def test_a_block_that_does_not_apply_is_not_shown_nor_read(fresh_registry, staff_a):
    seen = []
    workbench.register(
        workbench.Block(
            key="k2",
            title="k2",
            order=1,
            template="x.html",
            read=lambda user, now: seen.append(user) or {},
            permission="complaints.view_complaint",
            applies=lambda user: False,
        )
    )
    assert "k2" not in [shown.key for shown in workbench.blocks_for(staff_a, timezone.now())]
    assert seen == []


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ({}, [0, 0, 0, 0]),
        ({"hot": 2, "normal": 5}, [0, 2, 0, 5]),
        ({"major": 1, "hot": 1, "important": 1, "normal": 1}, [1, 1, 1, 1]),
    ],
)
def test_tier_tiles_go_major_hot_important_normal(counts, expected, db):
    tiles = complaint_blocks.tier_tiles(counts, "company=7")
    assert [t["tier"] for t in tiles] == ["major", "hot", "important", "normal"]
    assert [t["count"] for t in tiles] == expected
    assert tiles[1]["url"] == "/complaints/?company=7&tier=hot"


@pytest.mark.parametrize(
    ("hours", "median"),
    [([], None), ([2], 2.0), ([1, 3], 1.0), ([1, 3, 5], 3.0), ([1, 2, 3, 10], 2.0)],
)
def test_median_is_the_reports_nearest_rank(hours, median):
    assert complaint_blocks.nearest_rank_median([timedelta(hours=h) for h in hours]) == median


@pytest.mark.parametrize(("part", "whole", "share"), [(0, 0, None), (1, 2, 50.0), (2, 3, 66.7)])
def test_percent(part, whole, share):
    assert complaint_blocks.percent(part, whole) == share
