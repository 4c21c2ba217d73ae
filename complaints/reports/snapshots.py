"""Scheduled report snapshots: the previous month on the 1st, the previous week on Mondays, for the
group, every region and every company; stored idempotently and e-mailed once to the scope's managers."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from organization import access
from organization.models import Company, Region

from ..models import Complaint, ReportSnapshot
from .periods import Period
from .queries import complaint_report


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
                "data": _json_safe(complaint_report(base, period)),
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


def email_once(snapshot: ReportSnapshot) -> bool:
    """Send the snapshot's summary to its readers unless it was already sent."""
    with transaction.atomic():
        locked = ReportSnapshot.objects.select_for_update().get(pk=snapshot.pk)
        if locked.emailed_at is not None:
            return False
        counts = locked.data["counts"]
        subject = _("Complaint report %(period)s · %(scope)s") % {
            "period": locked.period,
            "scope": locked.scope_name,
        }
        body = _(
            "New %(new)s, resolved %(resolved)s, closed %(closed)s, open at the end %(open)s; "
            "major/hot/important in progress: %(escalated)s.\n%(link)s"
        ) % {
            "new": counts["new"],
            "resolved": counts["resolved"],
            "closed": counts["closed"],
            "open": counts["open_at_end"],
            "escalated": len(locked.data["escalated"]),
            "link": f"{settings.PUBLIC_BASE_URL}/reports/?period={locked.period}",
        }
        addresses = recipients(locked)
        if addresses:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, addresses)
        locked.emailed_at = timezone.now()
        locked.save(update_fields=["emailed_at"])
        return True


def run_scheduled(kind: str, today: date | None = None) -> int:
    period = previous_period(kind, today or timezone.localdate())
    snapshots = generate(kind, period)
    for snapshot in snapshots:
        email_once(snapshot)
    return len(snapshots)
