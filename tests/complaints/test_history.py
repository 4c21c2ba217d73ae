"""The handling history's pure parts: the order of entries and how an event says what changed."""

from datetime import UTC, datetime

import pytest
from django.utils import translation

from complaints.history import HistoryEntry, chronological, event_entry
from complaints.models import Complaint, ComplaintEvent

NOON = datetime(2026, 11, 30, 4, 0, tzinfo=UTC)  # 12:00 in Shanghai


def entry(kind: str, at: datetime, order: tuple[int, int]) -> HistoryEntry:
    return HistoryEntry(at=at, kind=kind, label=kind, order=order)


def test_oldest_first_and_ties_in_the_order_they_were_written():
    later = NOON.replace(minute=5)
    entries = [
        entry("repair", NOON, (1, 1)),
        entry("callback", later, (0, 9)),
        entry("progress", NOON, (0, 7)),
        entry("plan", NOON, (0, 3)),
    ]
    assert [e.kind for e in chronological(entries)] == ["plan", "progress", "repair", "callback"]


class Person:
    def __init__(self, name):
        self.name = name

    def __str__(self):
        return self.name


@pytest.mark.parametrize(
    ("kind", "from_value", "to_value", "change"),
    [
        ("handover", "2", "3", "王芳 → 李强"),
        ("handover", "", "3", "— → 李强"),
        ("handover", "2", "99", "王芳 → —"),  # a person no longer there
        ("status", "in_progress", "resolved", "In progress → Resolved"),
        ("tier_raised", "normal", "hot", "Normal → Hot"),
        ("callback", "", "not_satisfied", "Not satisfied"),
        ("feedback", "", "4", "4/5"),
        ("attachment", "", "2", "2 files"),
        ("reminder", "", "owner_update", ""),
        ("created", "", "received", ""),
        ("follows_unlinked", "TS202611-000001", "", "TS202611-000001"),
    ],
)
def test_an_event_says_what_changed_in_words(kind, from_value, to_value, change):
    event = ComplaintEvent(kind=kind, from_value=from_value, to_value=to_value, at=NOON, id=1)
    users = {2: Person("王芳"), 3: Person("李强")}
    with translation.override("en"):
        assert event_entry(event, Complaint(channel="hotline"), users).change == change


def test_who_wrote_an_event_without_a_person():
    with translation.override("en"):
        owner = event_entry(ComplaintEvent(kind="feedback", to_value="5", at=NOON, id=1), Complaint(), {})
        filed = event_entry(
            ComplaintEvent(kind="created", at=NOON, id=2), Complaint(channel="online_form"), {}
        )
        swept = event_entry(
            ComplaintEvent(kind="tier_raised", to_value="hot", at=NOON, id=3), Complaint(), {}
        )
    assert (owner.by, filed.by, swept.by) == ("from the complainant", "from the complainant", "System")
