"""The 客户缺陷手册's workbook: one sheet per project-age band with the quarter's top defect types
(``core.exports`` writes the cells)."""

from __future__ import annotations

import logging
from datetime import date, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core import outbox
from core.exports import Chart, Section, file_name_part, sections_to_xlsx
from core.jobs import JobReclaimed, claim, finish, job_enqueue_on_commit, progress
from core.models import Job
from organization import access

from .. import rules
from ..services.notifications import STAFF_TOPIC
from . import defects as queries

logger = logging.getLogger(__name__)
TOP_IN_HANDBOOK = 20


def _band_title(band: str) -> str:
    if band == rules.NOT_DELIVERED:
        return _("Not delivered yet")
    return _("%(band)s years since first handover") % {"band": band}


def top_defects_xlsx(*, user, since: date, until: date, label: str) -> bytes:
    bands = queries.top_defects(user=user, since=since, until=until, limit=TOP_IN_HANDBOOK)
    sources = queries.source_labels()
    header = [
        _("code"),
        _("defect type"),
        _("parent type"),
        *(label for _key, label in sources),
        _("total"),
        _("units affected"),
        _("projects"),
        _("share (%)"),
    ]
    preamble = [
        [_("Customer defect handbook"), label],
        [_("Period"), since, until - timedelta(days=1)],
        [_("Generated at"), timezone.now()],
    ]
    sections = [
        Section(
            _band_title(band),
            header,
            [
                [
                    row.code,
                    row.name,
                    row.parent_name,
                    *(row.by_source[key] for key, _label in sources),
                    row.total,
                    row.units,
                    row.projects,
                    row.share,
                ]
                for row in rows
            ],
            # The total's column (1-based), after the code, the names and one column per source.
            Chart("bar", _band_title(band), value_column=4 + len(sources), label_column=2) if rows else None,
        )
        for band, rows in bands.items()
    ]
    return sections_to_xlsx(sections, preamble=preamble)


def quarter_label(since: date) -> str:
    return f"{since.year}-Q{(since.month - 1) // 3 + 1}"


def handbook_names(label: str) -> tuple[str, str]:
    """The download's name in the active language and its ASCII fallback."""
    return f"{file_name_part(_('Customer defect handbook'))} {label}.xlsx", f"defect-handbook-{label}.xlsx"


def handbook_start(*, user, since: date, until: date) -> tuple[Job, bool]:
    """The quarter's handbook as a job of ``user`` (its page shows progress and the download): one per
    person and quarter, so a second beat run (or a redelivered task) makes none. Returns (job, created)."""
    label = quarter_label(since)
    with transaction.atomic():
        existing = Job.objects.filter(
            kind=Job.Kind.DEFECT_HANDBOOK, created_by=user, params__quarter=label
        ).first()
        if existing is not None:
            return existing, False
        job = Job.objects.create(
            kind=Job.Kind.DEFECT_HANDBOOK,
            created_by=user,
            company=user.company,
            params={"quarter": label, "since": since.isoformat(), "until": until.isoformat()},
        )
        job_enqueue_on_commit(job)
    return job, True


def handbook_run(job_id: int) -> None:
    """Build the workbook for the job's creator (their scope), store it, and e-mail them the link."""
    job = claim(job_id)
    if job is None:
        return
    try:
        since, until = date.fromisoformat(job.params["since"]), date.fromisoformat(job.params["until"])
        progress(job, total=1, processed=0)
        content = top_defects_xlsx(user=job.created_by, since=since, until=until, label=job.params["quarter"])
        job.refresh_from_db()
        job.result_file.save(
            f"defect-handbook-{job.params['quarter']}.xlsx", ContentFile(content), save=False
        )
        progress(job, processed=1)
        if finish(job, download_names=handbook_names(job.params["quarter"])):
            _tell(job)
    except JobReclaimed:
        logger.warning("Defect handbook job %s was reclaimed; this worker stops", job_id)
    except Exception:
        logger.exception("Defect handbook job %s failed", job_id)
        job.refresh_from_db()
        finish(job, failure=_("The defect handbook could not be built; try again."))


def _tell(job: Job) -> None:
    """An e-mail to the job's creator with the link to its page (the core outbox, once per job)."""
    user = job.created_by
    if not user.email:
        return
    with translation.override(settings.LANGUAGE_CODE):
        link = f"{settings.PUBLIC_BASE_URL}{reverse('job-detail', args=[job.pk])}"
        outbox.message_queue_many(
            [
                outbox.Message(
                    channel="email",
                    recipient=user.email,
                    topic=STAFF_TOPIC,
                    subject=_("Customer defect handbook %(quarter)s") % {"quarter": job.params["quarter"]},
                    body=_(
                        "The customer defect handbook for %(quarter)s is ready for the design and "
                        "construction departments: %(link)s"
                    )
                    % {"quarter": job.params["quarter"], "link": link},
                    dedupe_key=f"defect-handbook:{job.pk}",
                )
            ]
        )


def send_quarterly_handbook(*, today: date | None = None) -> int:
    """The last full quarter's handbook for each person of the group centre (``access.group_centre``),
    each told by e-mail when theirs is ready. Idempotent per person and quarter; returns how many jobs
    were started."""
    since, until = rules.previous_quarter(today or timezone.localdate())
    return sum(handbook_start(user=user, since=since, until=until)[1] for user in access.group_centre())
