"""The demo's handled complaints carry the events the closing rule and the reports read."""

from django.db.models import F
from django.utils import timezone

from complaints import demo, reports, rules, services
from complaints.models import Complaint, ComplaintEvent
from organization import demo as organization_demo


def test_demo_complaints_are_closed_by_the_rule_and_counted_by_the_report(db):
    organization_demo.seed_organisation()
    now = timezone.now()
    list(demo.generate_complaints(600, batch_size=250, now=now))
    closed = Complaint.objects.filter(status="closed")
    assert closed.count() > 100
    for complaint in closed[:50]:
        outcomes, confirmed = services.since_latest_resolve(complaint)
        close = complaint.events.get(kind="status", to_value="closed")
        assert close.reasons == [rules.closing_basis(outcomes, confirmed)] != [None]
        assert close.at == complaint.closed_at
    resolved = Complaint.objects.filter(status="resolved")
    assert not resolved.filter(callback_due_at__isnull=True).exists()
    assert not resolved.exclude(callback_due_at=F("resolved_at") + rules.CALLBACK_DUE_AFTER).exists()
    assert not Complaint.objects.exclude(status="resolved").filter(callback_due_at__isnull=False).exists()
    reopened = ComplaintEvent.objects.filter(kind="status", from_value="resolved", to_value="in_progress")
    assert reopened.exists()
    assert not reopened.exclude(complaint__status="in_progress").exists()
    assert not ComplaintEvent.objects.filter(at__gt=now).exists()
    # Events are in time order within each complaint: a call-back never precedes its resolve.
    for complaint in Complaint.objects.filter(events__kind="callback").distinct()[:50]:
        times = list(complaint.events.order_by("id").values_list("at", flat=True))
        assert times == sorted(times)
    today = timezone.localdate()
    figures = reports.complaint_report(Complaint.objects.all(), reports.Period.month(today.year, today.month))
    assert figures["callbacks"]["resolved"] > 0
