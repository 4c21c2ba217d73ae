from datetime import timedelta

import pytest
from django.utils import timezone, translation

from complaints import rules
from complaints.templatetags.complaint_clock import complaint_countdown, countdown_text
from tests.factories import ComplaintFactory

pytestmark = pytest.mark.django_db
DAY, HOUR = timedelta(days=1), timedelta(hours=1)


@pytest.mark.parametrize(
    ("time_until", "expected"),
    [
        (3 * DAY + HOUR, (3, "days")),
        (5 * HOUR + timedelta(minutes=59), (5, "hours")),
        (timedelta(minutes=30), (30, "minutes")),
        (-(2 * DAY + HOUR), (-2, "days")),
    ],
)
def test_time_left(time_until, expected):
    now = timezone.now()
    assert rules.time_left(now, now + time_until) == expected


def complaint(received_ago, **fields):
    received_at = timezone.now() - received_ago
    return ComplaintFactory(
        received_at=received_at,
        escalates_at=fields.pop("escalates_at", None),
        resolve_by=received_at + rules.MAJOR_UNRESOLVED_AFTER,
        **fields,
    )


def test_countdowns_in_both_languages():
    now = timezone.now()
    rising = complaint(4 * DAY - HOUR)
    rising.escalates_at = rising.received_at + rules.HOT_UNRESOLVED_AFTER
    to_major = complaint(27 * DAY + HOUR, tier="hot")
    to_major.escalates_at = to_major.received_at + rules.MAJOR_UNRESOLVED_AFTER
    late = complaint(33 * DAY + HOUR)
    with translation.override("en"):
        assert countdown_text(rising, now) == "Becomes Hot in 3 days"
        assert countdown_text(to_major, now) == "Becomes Major in 2 days"
        assert countdown_text(late, now) == "Overdue by 3 days"
        assert countdown_text(complaint(HOUR), now) == ""
    assert 'data-urgency="overdue"' in complaint_countdown(late)
    assert 'data-urgency="at_risk"' not in complaint_countdown(rising)
