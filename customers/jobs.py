"""Customer imports and exports as background jobs with visible progress.

``*_start`` runs in the request: it checks the input, stores a ``core.Job`` and queues the
task after the commit. ``*_run`` runs in the Celery worker and claims the job exactly once.
"""

from __future__ import annotations

import io
import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exports import cells
from core.jobs import ChunkResult, JobReclaimed, claim, finish, job_enqueue_on_commit, progress, run_in_chunks
from core.models import Job
from organization.models import Company, Unit

from . import imports, privacy, rules, selectors, services, signals
from .models import AccessAction, Customer, CustomerSource, Purchase

logger = logging.getLogger(__name__)

CHUNK_SIZE = 2000


# --- Import -------------------------------------------------------------------------------------


def customer_import_start(*, user, company: Company, name: str, content: bytes) -> Job:
    return imports.store_upload(
        kind=Job.Kind.CUSTOMER_IMPORT, user=user, company=company, name=name, content=content
    )


def customer_import_run(job_id: int) -> None:
    """Import the rows after the last committed chunk (``processed``): a job reclaimed from a dead
    worker resumes where it stopped."""
    claimed = imports.claim_upload(job_id, imports.map_header)
    if claimed is None:
        return
    job, rows, columns = claimed
    units = _unit_index(job.company)
    today = timezone.localdate()

    def import_chunk(chunk: list[tuple[int, list]]) -> ChunkResult:
        parsed = [imports.parse_row(number, cells, columns, today) for number, cells in chunk]
        created, updated, errors = _import_chunk(job, parsed, units)
        return ChunkResult(created, updated, [error.as_dict() for error in errors])

    run_in_chunks(job, rows, import_chunk, chunk_size=CHUNK_SIZE, label="Customer import")


def _unit_index(company: Company) -> dict[tuple[str, str, str], Unit]:
    units = Unit.objects.filter(building__project__company=company).select_related("building__project")
    return {(u.building.project.name, u.building.name, u.number): u for u in units.iterator(chunk_size=5000)}


@transaction.atomic
def _import_chunk(job: Job, chunk: list, units: dict) -> tuple[int, int, list[imports.RowError]]:
    errors = [row for row in chunk if isinstance(row, imports.RowError)]
    rows = [row for row in chunk if isinstance(row, imports.ParsedRow)]
    for row in rows:
        if row.purchase and row.purchase["key"] not in units:
            project, building, unit = row.purchase["key"]
            errors.append(
                imports.RowError(
                    row.number,
                    [
                        _("No unit %(unit)s in building %(building)s of project %(project)s of this company.")
                        % {"unit": unit, "building": building, "project": project}
                    ],
                )
            )
    bad = {error.number for error in errors}
    rows = [row for row in rows if row.number not in bad]

    # An ID number identifies one person: a row giving another of the company's customers' numbers
    # is refused (other companies' files are not looked at).
    id_owners = dict(
        Customer.objects.filter(
            company=job.company,
            id_number__in=[r.profile["id_number"] for r in rows if r.profile.get("id_number")],
        ).values_list("id_number", "phone")
    )
    accepted = []
    for row in rows:
        id_number = row.profile.get("id_number")
        if (
            id_number
            and (id_owners.get(id_number) or id_owners.setdefault(id_number, row.phone)) != row.phone
        ):
            errors.append(
                imports.RowError(row.number, [_("Another customer of your company has this ID number.")])
            )
        else:
            accepted.append(row)
    rows = accepted

    # Several rows of one phone are one person: their values merge, later rows winning.
    by_phone: dict[str, dict] = {}
    for row in rows:
        by_phone.setdefault(row.phone, {}).update(
            {k: v for k, v in row.profile.items() if v not in (None, "")}
        )
    existing = {
        c.phone: c
        for c in Customer.objects.select_for_update().filter(company=job.company, phone__in=by_phone)
    }

    today = timezone.localdate()
    new, changed = [], []
    for phone, profile in by_phone.items():
        customer = existing.get(phone)
        if customer is None:
            customer = Customer(
                company=job.company, phone=phone, phone_tail=rules.phone_tail(phone), **profile
            )
            services.apply_suggested_segment(customer, today)
            new.append(customer)
            continue
        before = [getattr(customer, name) for name in services.PROFILE_FIELDS] + [customer.segment]
        for name, value in profile.items():
            setattr(customer, name, value)
        services.apply_suggested_segment(customer, today)
        if before != [getattr(customer, name) for name in services.PROFILE_FIELDS] + [customer.segment]:
            customer.version += 1
            changed.append(customer)
    Customer.objects.bulk_create(new, batch_size=500)
    if changed:
        Customer.objects.bulk_update(
            changed,
            [*services.PROFILE_FIELDS, "segment", "segment_reasons", "version", "updated_at"],
            batch_size=500,
        )
    customers = {**existing, **{c.phone: c for c in new}}

    CustomerSource.objects.bulk_create(
        {
            (row.phone, row.source): CustomerSource(customer=customers[row.phone], channel=row.source)
            for row in rows
        }.values(),
        ignore_conflicts=True,
    )
    _import_purchases(rows, customers, units)
    return len(new), len(changed), sorted(errors, key=lambda error: error.number)


def _import_purchases(rows: list, customers: dict, units: dict) -> None:
    wanted = {}
    for row in rows:
        if row.purchase:
            unit = units[row.purchase["key"]]
            wanted[(customers[row.phone].pk, unit.pk)] = (row.purchase, unit)
    if not wanted:
        return
    customer_ids = {customer_id for customer_id, _unit in wanted}
    existing = {
        (p.customer_id, p.unit_id): p
        for p in Purchase.objects.filter(customer_id__in=customer_ids, unit_id__in={u for _c, u in wanted})
    }
    new, changed = [], []
    for (customer_id, unit_id), (data, unit) in wanted.items():
        values = {
            "contract_date": data["contract_date"],
            "price": data["price"],
            "area": data["area"] or unit.area,
            "layout": data["layout"] or unit.layout,
            "delivery_date": data["delivery_date"],
        }
        purchase = existing.get((customer_id, unit_id))
        if purchase is None:
            new.append(
                Purchase(customer_id=customer_id, company_id=unit.company_id, unit_id=unit_id, **values)
            )
        elif any(getattr(purchase, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(purchase, name, value)
            changed.append(purchase)
    Purchase.objects.bulk_create(new, batch_size=500)
    Purchase.objects.bulk_update(
        changed, ["contract_date", "price", "area", "layout", "delivery_date"], batch_size=500
    )
    services.refresh_stages(customer_ids)
    signals.purchases_created_in_bulk.send(sender=Purchase, purchase_ids=[p.pk for p in new])


# --- Export -------------------------------------------------------------------------------------

EXPORT_COLUMNS = (
    "name",
    "phone",
    "gender",
    "birth_date",
    "email",
    "occupation",
    "id_number",
    "stage",
    "segment",
    "moved_in_on",
)


def customer_export_start(*, user, filters: selectors.CustomerFilters, ip_address: str | None) -> Job:
    full = privacy.can_see_personal_data(user)
    with transaction.atomic():
        job = Job.objects.create(
            kind=Job.Kind.CUSTOMER_EXPORT,
            created_by=user,
            company=user.company,
            params={"filters": filters.__dict__, "full_personal_data": full},
        )
        services.access_log_record(
            user=user,
            customer_ids=[None],
            action=AccessAction.EXPORT,
            full_data=full,
            ip_address=ip_address,
            detail=f"job #{job.pk}; filters {_describe(filters)}",
        )
        job_enqueue_on_commit(job)
    return job


def _describe(filters: selectors.CustomerFilters) -> str:
    return ", ".join(f"{k}={v}" for k, v in filters.__dict__.items() if v) or "none"


def customer_export_run(job_id: int) -> None:
    job = claim(job_id)
    if job is None:
        return
    try:
        _export(job)
    except JobReclaimed:
        logger.warning("Customer export job %s was reclaimed; this worker stops", job.pk)


def _export(job: Job) -> None:
    """Write the whole file; a reclaimed export simply starts again from the first row."""
    from openpyxl import Workbook

    filters = selectors.CustomerFilters(**job.params["filters"])
    full = job.params["full_personal_data"]
    customers = selectors.customer_list(user=job.created_by, filters=filters)
    progress(job, total=customers.count(), processed=0)

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Customers"))
    sheet.append(cells(Customer._meta.get_field(name).verbose_name for name in EXPORT_COLUMNS))
    written = 0
    for customer in customers.only(*EXPORT_COLUMNS).iterator(chunk_size=5000):
        sheet.append(cells(export_row(customer, full)))
        written += 1
        if written % 5000 == 0:
            progress(job, processed=written)
    buffer = io.BytesIO()
    workbook.save(buffer)
    progress(job, processed=written)
    job.result_file.save(f"customers-{job.pk}.xlsx", ContentFile(buffer.getvalue()), save=False)
    finish(job)


def export_row(customer: Customer, full: bool) -> list:
    phone = customer.phone if full else rules.mask_phone(customer.phone)
    id_number = (
        customer.id_number if full or not customer.id_number else rules.mask_id_number(customer.id_number)
    )
    return [
        customer.name,
        phone,
        customer.get_gender_display(),
        customer.birth_date,
        customer.email,
        customer.occupation,
        id_number,
        customer.get_stage_display(),
        customer.get_segment_display(),
        customer.moved_in_on,
    ]
