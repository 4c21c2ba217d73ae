"""complaints.0013 sets the reminder clocks of the complaints open before the sweep existed."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from complaints import rules

BEFORE = [("complaints", "0012_intake_ownership_and_second_complaints")]
AFTER = [("complaints", "0013_backfill_reminder_clocks")]


@pytest.mark.django_db(transaction=True)
def test_open_complaints_get_their_clocks_and_handled_ones_none():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    executor.loader.build_graph()
    old = executor.loader.project_state(list(executor.loader.applied_migrations)).apps
    Holding, Region, Company = (old.get_model("organization", m) for m in ("Holding", "Region", "Company"))
    Project = old.get_model("organization", "Project")
    Complaint, Event = old.get_model("complaints", "Complaint"), old.get_model("complaints", "ComplaintEvent")
    company = Company.objects.create(
        region=Region.objects.create(holding=Holding.objects.create(name="集团"), name="南方"),
        name="深圳",
        city="深圳",
    )
    project = Project.objects.create(company=company, name="四季花城")
    friday_17 = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)  # 17:00 in Beijing

    def complaint(number, status, **fields):
        return Complaint.objects.create(
            number=number,
            company=company,
            project=project,
            channel="hotline",
            category="construction",
            title="渗漏",
            description="渗漏",
            received_at=friday_17,
            status=status,
            **fields,
        )

    received = complaint("TS1", "received")
    deadline = friday_17 + timedelta(days=5)
    working = complaint("TS2", "in_progress", deadline=deadline)
    told = Event.objects.create(complaint=working, kind="progress", visible_to_complainant=True)
    Event.objects.create(complaint=working, kind="progress", visible_to_complainant=False)  # internal
    closed = complaint("TS3", "closed", deadline=deadline)

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    Complaint = executor.loader.project_state(AFTER).apps.get_model("complaints", "Complaint")
    clocks = {
        c.number: (c.assign_due_at, c.plan_due_at, c.owner_update_due_at)
        for c in Complaint.objects.filter(pk__in=[received.pk, working.pk, closed.pk])
    }
    monday_0930 = datetime(2026, 11, 30, 1, 30, tzinfo=UTC)
    wednesday_17 = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)  # three working days after Friday 17:00
    # The migration runs the live rule: the owner update counts working days (issue 19).
    three_working_days = rules.add_working_time(
        told.at, rules.OWNER_UPDATE_WITHIN, hours=rules.whole_days(ZoneInfo("Asia/Shanghai"))
    )
    assert clocks == {
        "TS1": (monday_0930, None, wednesday_17),
        "TS2": (None, deadline, three_working_days),
        "TS3": (None, None, None),
    }
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
