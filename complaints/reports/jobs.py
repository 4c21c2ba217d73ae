"""A complaint report for any period, built in the worker one company at a time (so the page can
show progress), delivered as an XLSX workbook: the whole scope first, then one sheet per company."""

from __future__ import annotations

import io
import logging
from datetime import date, datetime, time, timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import DomainError
from core.exports import cells, sheet_title
from core.jobs import JobReclaimed, claim, finish, job_enqueue_on_commit, progress
from core.models import Job
from organization.models import Company, User

from .. import selectors
from . import export, presentation, queries
from .periods import Period

logger = logging.getLogger(__name__)
LONGEST_PERIOD = timedelta(days=3 * 366)


def period_between(first_day: date, last_day: date) -> Period:
    zone = timezone.get_current_timezone()
    start = datetime.combine(first_day, time.min, tzinfo=zone)
    end = datetime.combine(last_day + timedelta(days=1), time.min, tzinfo=zone)
    return Period.custom(start, end)


def custom_report_start(*, user: User, first_day: date, last_day: date, company_id: int | None) -> Job:
    if last_day < first_day:
        raise DomainError(_("The period ends before it starts."), code="period_reversed")
    if last_day - first_day > LONGEST_PERIOD:
        raise DomainError(_("Choose a period of at most three years."), code="period_too_long")
    if first_day > timezone.localdate():
        raise DomainError(_("The period starts in the future."), code="period_in_future")
    selectors.report_base(user=user, company_id=company_id)  # raises Company.DoesNotExist outside the scope
    with transaction.atomic():
        job = Job.objects.create(
            kind=Job.Kind.COMPLAINT_REPORT,
            created_by=user,
            company=user.company,
            params={
                "first_day": first_day.isoformat(),
                "last_day": last_day.isoformat(),
                "company": company_id,
            },
        )
        job_enqueue_on_commit(job)
    return job


def custom_report_run(job_id: int) -> None:
    job = claim(job_id)
    if job is None:
        return
    try:
        period = period_between(
            date.fromisoformat(job.params["first_day"]), date.fromisoformat(job.params["last_day"])
        )
        base = selectors.report_base(user=job.created_by, company_id=job.params["company"])
        companies = list(Company.objects.filter(pk__in=base.values("company_id")).order_by("name"))
        # A reclaimed report starts again from the first sheet.
        progress(job, total=len(companies) + 1, processed=0)
        now = timezone.now()
        whole = presentation.header_for(
            user=job.created_by, period=period, company_id=job.params["company"], region_id=None, now=now
        )
        parts = [(_("All"), whole, queries.complaint_report(base, period))]
        progress(job, processed=F("processed") + 1)
        for company in companies:
            header = presentation.ReportHeader(presentation.SCOPE_COMPANY, company.name, period, now)
            parts.append(
                (company.name, header, queries.complaint_report(base.filter(company=company), period))
            )
            progress(job, processed=F("processed") + 1)
        job.refresh_from_db()
        job.result_file.save(f"complaints-{period.label}.xlsx", ContentFile(_workbook(parts)), save=False)
        finish(job, download_names=(whole.file_name("xlsx"), whole.ascii_file_name("xlsx")))
    except JobReclaimed:
        logger.warning("Custom complaint report job %s was reclaimed; this worker stops", job_id)
    except Exception:
        logger.exception("Custom complaint report job %s failed", job_id)
        job.refresh_from_db()
        finish(job, failure=_("The report could not be built; try again or choose a shorter period."))


def _workbook(parts: list[tuple[str, presentation.ReportHeader, dict]]) -> bytes:
    """One sheet per part, starting with its header lines (whose report, the period, generated at)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for name, report_header, report in parts:
        sheet = workbook.create_sheet(sheet_title(name))
        for line in report_header.rows():
            sheet.append(cells(line))
        sheet.append([])
        for title, header, rows, _chart in export.sections(report):
            sheet.append(cells([title]))
            sheet.append(cells(header))
            for row in rows:
                sheet.append(cells(row))
            sheet.append([])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
