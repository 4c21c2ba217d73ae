"""Importing the authority's exported case lists (12345, housing bureau, city platforms) as a job
with visible progress, on the customers import's machinery (``customers.imports`` reads the file,
``core.jobs`` claims and reports). Idempotent by the case number: a row whose authority and number
are already a complaint of the company updates its deadline; any other row becomes a complaint
through ``services.complaint_create``.

The rows are imported in chunks of ``CHUNK_SIZE``; each chunk commits together with the job's
counters, so ``Job.processed`` is exactly where a job reclaimed from a dead worker (the beat sweep)
or resumed by hand (``manage.py import_government_cases --resume``) continues; and because a case
already on file is only updated, running the whole file again is safe too.

Optional columns: the category (a code, its name in either language, or one of the authority's
words in ``CATEGORY_WORDS``) and the building and unit number (a unit of the row's project). An
unknown category or unit does not stop the row: the referral is imported under "other" or without a
unit, and the job lists a warning for the row. The authority's clock runs whatever our master data
says, so a referral is never left out for a name we cannot match (docs/ARCHITECTURE.md).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from core.exceptions import DomainError
from core.jobs import ChunkResult, run_in_chunks
from core.models import Job
from customers.imports import UploadRejected, claim_upload, store_upload
from organization.models import Company, Project, Unit

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
    "category": ("类别", "诉求类别", "投诉类别", "category"),
    "building": ("楼栋", "楼号", "building"),
    "unit": ("房号", "房间号", "unit"),
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
# The words the authorities' lists use for a category, besides our codes and names.
CATEGORY_WORDS = {
    "房屋质量": Category.CONSTRUCTION,
    "质量": Category.CONSTRUCTION,
    "工程": Category.CONSTRUCTION,
    "设计": Category.DESIGN,
    "销售": Category.SALES,
    "合同": Category.SALES,
    "交付": Category.SALES,
    "物业": Category.PROPERTY,
    "物业服务": Category.PROPERTY,
    "服务": Category.SERVICE,
    "其他": Category.OTHER,
}
TITLE_LENGTH = 60
CHUNK_SIZE = 200


def category_names() -> dict[str, str]:
    """Every name a category may go by in a file (lower case): its code, its English and Chinese
    names, and the authorities' words."""
    names = {code: code for code in Category.values}
    for language in ("en", "zh-hans"):
        with translation.override(language):
            names.update({str(label).lower(): code for code, label in Category.choices})
    names.update(CATEGORY_WORDS)
    return names


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


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def government_import_start(*, user, company: Company, name: str, content: bytes, queue: bool = True) -> Job:
    """Store the file as a job of ``company``; ``queue=False`` leaves it for the caller to run in
    its own process (the management command)."""
    return store_upload(
        kind=Job.Kind.GOVERNMENT_IMPORT, user=user, company=company, name=name, content=content, queue=queue
    )


def government_import_resume(*, job: Job) -> bool:
    """Put a government import that stopped (failed, or running without a heartbeat for
    ``JOB_STALE_AFTER_MINUTES``) back in the queue; it continues after its last committed chunk.
    The reclaim count rises, so a worker still holding it finds its updates refused. False when the
    job is done or still alive."""
    stale_before = timezone.now() - timedelta(minutes=settings.JOB_STALE_AFTER_MINUTES)
    stopped = Job.objects.filter(pk=job.pk, kind=Job.Kind.GOVERNMENT_IMPORT).filter(
        Q(status=Job.Status.FAILED) | Q(status=Job.Status.RUNNING, heartbeat_at__lt=stale_before)
    )
    return bool(
        stopped.update(
            status=Job.Status.QUEUED,
            reclaims=F("reclaims") + 1,
            failure="",
            finished_at=None,
            enqueued_at=timezone.now(),
            enqueue_attempts=0,
        )
    )


def government_import_run(job_id: int) -> None:
    """Import the rows after the last committed chunk (``processed``)."""
    claimed = claim_upload(job_id, map_header)
    if claimed is None:
        return
    job, rows, columns = claimed
    projects = {project.name: project for project in Project.objects.filter(company=job.company)}
    categories = category_names()
    run_in_chunks(
        job,
        rows,
        lambda chunk: _import_chunk(job, chunk, columns, projects, categories),
        chunk_size=CHUNK_SIZE,
        label="Government import",
    )


def _units(job: Job, chunk: list, columns: dict) -> dict[tuple[str, str, str], Unit]:
    """The units a chunk names, by (project, building, number): one query."""
    if "unit" not in columns or "building" not in columns:
        return {}
    wanted = {
        (_text(cells[columns["building"]]), _text(cells[columns["unit"]]))
        for _number, cells in chunk
        if max(columns["building"], columns["unit"]) < len(cells)
    }
    wanted = {pair for pair in wanted if all(pair)}
    if not wanted:
        return {}
    units = Unit.objects.filter(
        company=job.company,
        building__name__in={building for building, _unit in wanted},
        number__in={unit for _building, unit in wanted},
    ).select_related("building__project")
    return {(unit.building.project.name, unit.building.name, unit.number): unit for unit in units}


def _import_chunk(job: Job, chunk: list, columns: dict, projects: dict, categories: dict) -> ChunkResult:
    units = _units(job, chunk, columns)
    created = updated = 0
    errors, warnings = [], []
    for number, cells in chunk:
        row = {name: _text(cells[index]) if index < len(cells) else "" for name, index in columns.items()}
        raw = {name: cells[index] if index < len(cells) else "" for name, index in columns.items()}
        problems = []
        source = SOURCES.get(row["source"])
        ref = row["ref"]
        deadline = _moment(raw["deadline"])
        project = projects.get(row["project"])
        if source is None:
            problems.append(_("Unknown authority."))
        if not ref:
            problems.append(_("The case number is missing."))
        if deadline is None:
            problems.append(_("The deadline is not a date and time."))
        if project is None:
            problems.append(_("No such project in this company."))
        if not row["content"]:
            problems.append(_("The complaint's content is missing."))
        if problems:
            errors.append({"row": number, "errors": problems})
            continue
        notes = []
        category = categories.get(row.get("category", "").lower()) if row.get("category") else Category.OTHER
        if category is None:
            category = Category.OTHER
            notes.append(_("Unknown category %(name)s: filed under Other.") % {"name": row["category"]})
        unit = None
        if row.get("building") and row.get("unit"):
            unit = units.get((project.name, row["building"], row["unit"]))
            if unit is None:
                notes.append(
                    _("No unit %(unit)s in building %(building)s of this project: filed without a unit.")
                    % {"unit": row["unit"], "building": row["building"]}
                )
        try:
            with transaction.atomic():
                made = services.referral_import(
                    company=job.company,
                    intake=services.Intake(
                        project=project,
                        unit=unit,
                        channel=Channel.GOVERNMENT,
                        category=category,
                        title=row["content"][:TITLE_LENGTH],
                        description=row["content"],
                        received_at=_moment(raw.get("received_at") or "") or None,
                        contact_name=row.get("name", ""),
                        contact_phone=row.get("phone", ""),
                        external_source=source,
                        external_ref=ref,
                        external_deadline=deadline,
                    ),
                    by=job.created_by,
                )
        except DomainError as error:
            errors.append({"row": number, "errors": [str(error.message)]})
            continue
        if notes:
            warnings.append({"row": number, "errors": notes})
        created, updated = created + made, updated + (not made)
    return ChunkResult(created, updated, errors, warnings)
