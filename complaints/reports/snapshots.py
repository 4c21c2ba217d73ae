"""Scheduled report snapshots: the previous month on the 1st, the previous week on Mondays, for the
group, every region and every company; stored idempotently and e-mailed once to the scope's managers
through the core outbox (one message per reader, topic ``staff_notification``), with the report's
header (whose, for when, generated when in Beijing time), the tiers from major down, the major, hot and
important complaints and the contractor quality and repair statistics."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core import outbox
from organization import access
from organization.models import Company, Region

from ..models import Complaint, ReportSnapshot, Status
from ..services.notifications import STAFF_TOPIC
from .periods import Period
from .presentation import (
    SCOPE_COMPANY,
    SCOPE_GROUP,
    SCOPE_REGION,
    ReportHeader,
    contractor_kind_label,
    tier_rows,
)
from .queries import complaint_report, contractor_statistics

EMAILED_ESCALATED_LIMIT = 50  # the e-mail lists this many; the dashboard behind its link has them all
HEADER_SCOPES = {
    ReportSnapshot.Scope.COMPANY: SCOPE_COMPANY,
    ReportSnapshot.Scope.REGION: SCOPE_REGION,
    ReportSnapshot.Scope.GROUP: SCOPE_GROUP,
}


def previous_period(kind: str, today: date) -> Period:
    if kind == ReportSnapshot.Kind.MONTHLY:
        return Period.month(today.year, today.month).previous()
    iso = today.isocalendar()
    return Period.iso_week(iso.year, iso.week).previous()


def scopes(company_id: int | None = None):
    """(scope, id, name, base queryset) for the group, each region and each company."""
    if company_id is not None:
        company = Company.objects.get(pk=company_id)
        yield (
            ReportSnapshot.Scope.COMPANY,
            company.pk,
            company.name,
            Complaint.objects.filter(company=company),
        )
        return
    yield ReportSnapshot.Scope.GROUP, 0, _("Group"), Complaint.objects.all()
    for region in Region.objects.all():
        yield (
            ReportSnapshot.Scope.REGION,
            region.pk,
            region.name,
            Complaint.objects.filter(company__region=region),
        )
    for company in Company.objects.all():
        yield (
            ReportSnapshot.Scope.COMPANY,
            company.pk,
            company.name,
            Complaint.objects.filter(company=company),
        )


def generate(kind: str, period: Period, company_id: int | None = None) -> list[ReportSnapshot]:
    snapshots = []
    for scope, scope_id, name, base in scopes(company_id):
        snapshot, _created = ReportSnapshot.objects.update_or_create(
            kind=kind,
            period=period.label,
            scope=scope,
            scope_id=scope_id,
            defaults={
                "scope_name": name,
                "data": _json_safe(
                    {**complaint_report(base, period), "contractors": contractor_statistics(base, period)}
                ),
                "generated_at": timezone.now(),
            },
        )
        snapshots.append(snapshot)
    return snapshots


def _json_safe(value):
    if isinstance(value, dict):
        return {key: _json_safe(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_json_safe(item) for item in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def recipients(snapshot: ReportSnapshot) -> list[str]:
    if snapshot.scope == ReportSnapshot.Scope.COMPANY:
        users = access.company_managers(snapshot.scope_id)
    else:
        users = access.group_centre()
    return sorted(set(users.exclude(email="").values_list("email", flat=True)))


def header(snapshot: ReportSnapshot) -> ReportHeader:
    period = (
        Period.parse_month(snapshot.period)
        if snapshot.kind == ReportSnapshot.Kind.MONTHLY
        else Period.parse_week(snapshot.period)
    )
    name = "" if snapshot.scope == ReportSnapshot.Scope.GROUP else snapshot.scope_name
    return ReportHeader(HEADER_SCOPES[snapshot.scope], name, period, snapshot.generated_at)


def dashboard_link(snapshot: ReportSnapshot, period: Period) -> str:
    """The dashboard of the snapshot's scope and month (a week's: the month it starts in)."""
    query = {"month": timezone.localtime(period.start).strftime("%Y-%m")}
    if snapshot.scope != ReportSnapshot.Scope.GROUP:
        query[snapshot.scope] = snapshot.scope_id
    return f"{settings.PUBLIC_BASE_URL}{reverse('reports')}?{urlencode(query)}"


def email_text(snapshot: ReportSnapshot) -> tuple[str, str]:
    """(subject, body) of the snapshot's e-mail, in the active language."""
    report_header = header(snapshot)
    data = snapshot.data
    escalated = [{**row, "status_label": Status(row["status"]).label} for row in data["escalated"]]
    contractors = [
        {**row, "kind_label": contractor_kind_label(row["kind"])} for row in data.get("contractors", [])
    ]
    subject = f"{report_header.title} · {report_header.scope_text} · {snapshot.period}"
    body = render_to_string(
        "complaints/email/report_snapshot.txt",
        {
            "header": report_header,
            "report": data,
            "tiers": tier_rows(data["by_tier"]),
            "escalated": escalated[:EMAILED_ESCALATED_LIMIT],
            "escalated_more": max(len(escalated) - EMAILED_ESCALATED_LIMIT, 0),
            "contractors": contractors,
            "link": dashboard_link(snapshot, report_header.period),
        },
    )
    return subject, body


def email_once(snapshot: ReportSnapshot) -> bool:
    """Queue the snapshot's e-mail to its readers unless it was already sent (the row lock and
    ``emailed_at`` make it once; each message's dedupe key names the snapshot and the reader)."""
    with transaction.atomic():
        locked = ReportSnapshot.objects.select_for_update().get(pk=snapshot.pk)
        if locked.emailed_at is not None:
            return False
        subject, body = email_text(locked)
        outbox.message_queue_many(
            outbox.Message(
                channel="email",
                recipient=address,
                topic=STAFF_TOPIC,
                subject=subject,
                body=body,
                dedupe_key=(
                    f"report:{locked.kind}:{locked.period}:{locked.scope}:{locked.scope_id}:"
                    f"{outbox.recipient_key(address)}"
                ),
                company_id=locked.scope_id if locked.scope == ReportSnapshot.Scope.COMPANY else None,
            )
            for address in recipients(locked)
        )
        locked.emailed_at = timezone.now()
        locked.save(update_fields=["emailed_at"])
        return True


def run_scheduled(kind: str, today: date | None = None) -> int:
    period = previous_period(kind, today or timezone.localdate())
    snapshots = generate(kind, period)
    for snapshot in snapshots:
        email_once(snapshot)
    return len(snapshots)
