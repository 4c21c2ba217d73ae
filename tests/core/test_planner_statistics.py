"""core.tasks.refresh_planner_statistics: SQLite's planner gets the statistics it picks indexes by."""

import pytest
from django.conf import settings
from django.db import connection

from core.tasks import refresh_sqlite_statistics


def test_beat_runs_it_daily():
    assert (
        settings.CELERY_BEAT_SCHEDULE["refresh-planner-statistics"]["task"] == refresh_sqlite_statistics.name
    )


@pytest.mark.django_db
def test_sqlite_gets_statistics_and_postgresql_is_left_to_autovacuum():
    ran = refresh_sqlite_statistics()
    assert ran is (connection.vendor == "sqlite")
    if ran:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
            assert cursor.fetchone()[0] == 1
