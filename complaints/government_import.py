"""Importing the authority's exported case lists (12345, housing bureau, city platforms) as a job
with visible progress, on the customers import's machinery (``customers.imports`` reads the file,
``core.jobs`` claims and reports). Idempotent by the case number: a row whose authority and number
are already a complaint of the company updates its deadline; any other row becomes a complaint
through ``services.complaint_create``."""

from __future__ import annotations

import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from core.exceptions import DomainError
from core.jobs import claim, finish, job_enqueue_on_commit, progress
from core.models import Job
from customers.imports import UploadRejected, check_upload, read_rows
from organization.models import Company, Project

from . import services
from .models import Category, Channel, ExternalSource

logger = logging.getLogger(__name__)

HEADERS = {
    "source": ("来源", "转办来源", "source"),
    "ref": ("工单号", "案件编号", "编号", "case number", "external_ref"),
    "received_at": ("受理时间", "received", "received_at"),
    "deadline": ("办理时限", "截止时间", "deadline"),
    "name": ("诉求人", "姓名", "name"),
    "phone": ("联系电话", "电话", "phone"),
    "content": ("诉求内容", "内容", "content"),
    "project": ("项目", "project"),
}
REQUIRED = ("source", "ref", "deadline", "content", "project")
SOURCES = {
    **{code: code for code in ExternalSource.values},
    "12345": ExternalSource.HOTLINE_12345,
    "房管局": ExternalSource.HOUSING_BUREAU,
    "住建局": ExternalSource.HOUSING_BUREAU,
    "城市平台": ExternalSource.CITY_PLATFORM,
    "心通桥": ExternalSource.CITY_PLATFORM,
}
TITLE_LENGTH = 60


def map_header(header: list[str]) -> dict[str, int]:
    aliases = {alias.lower(): name for name, names in HEADERS.items() for alias in names}
    columns: dict[str, int] = {}
    for index, title in enumerate(header):
        name = aliases.get(str(title).strip().lower())
        if name and name not in columns:
            columns[name] = index
    missing = [HEADERS[name][0] for name in REQUIRED if name not in columns]
    if missing:
        raise UploadRejected(
            _("Required columns are missing: %(columns)s.") % {"columns": "、".join(missing)}
        )
    return columns


def _moment(value):
    """A date and time from a cell (an XLSX datetime or text such as 2026-12-05 18:00), or None."""
    try:
        moment = value if hasattr(value, "tzinfo") else parse_datetime(str(value).strip().replace("/", "-"))
    except ValueError:
        return None
    if moment is not None and timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def government_import_start(*, user, company: Company, name: str, content: bytes) -> Job:
    check_upload(name, len(content), content[:8])
    with transaction.atomic():
        job = Job(
            kind=Job.Kind.GOVERNMENT_IMPORT, created_by=user, company=company, params={"file_name": name}
        )
        job.input_file.save(name, ContentFile(content), save=False)
        job.save()
        job_enqueue_on_commit(job)
    return job


def government_import_run(job_id: int) -> None:
    job = claim(job_id)
    if job is None:
        return
    try:
        with job.input_file.open("rb") as stored:
            header, rows = read_rows(job.params["file_name"], stored.read())
        columns = map_header(header)
    except UploadRejected as rejected:
        finish(job, failure=str(rejected))
        return
    projects = {project.name: project for project in Project.objects.filter(company=job.company)}
    created = updated = 0
    errors = []
    for number, cells in enumerate(rows, start=2):
        if not any(cell not in (None, "") for cell in cells):
            continue
        row = {name: cells[index] if index < len(cells) else "" for name, index in columns.items()}
        problems = []
        source = SOURCES.get(str(row["source"]).strip())
        ref = str(row["ref"]).strip()
        deadline = _moment(row["deadline"])
        project = projects.get(str(row["project"]).strip())
        if source is None:
            problems.append(_("Unknown authority."))
        if not ref:
            problems.append(_("The case number is missing."))
        if deadline is None:
            problems.append(_("The deadline is not a date and time."))
        if project is None:
            problems.append(_("No such project in this company."))
        if not str(row["content"]).strip():
            problems.append(_("The complaint's content is missing."))
        if problems:
            errors.append({"row": number, "errors": problems})
            continue
        try:
            with transaction.atomic():
                made = services.referral_import(
                    company=job.company,
                    intake=services.Intake(
                        project=project,
                        channel=Channel.GOVERNMENT,
                        category=Category.OTHER,
                        title=str(row["content"]).strip()[:TITLE_LENGTH],
                        description=str(row["content"]).strip(),
                        received_at=_moment(row.get("received_at") or "") or None,
                        contact_name=str(row.get("name") or "").strip(),
                        contact_phone=str(row.get("phone") or "").strip(),
                        external_source=source,
                        external_ref=ref,
                        external_deadline=deadline,
                    ),
                    by=job.created_by,
                )
        except DomainError as error:
            errors.append({"row": number, "errors": [str(error.message)]})
            continue
        created, updated = created + made, updated + (not made)
    progress(
        job,
        total=len(rows),
        processed=len(rows),
        created_count=created,
        updated_count=updated,
        error_count=len(errors),
        errors=errors,
    )
    finish(job)
