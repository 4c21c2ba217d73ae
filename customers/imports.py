"""Reading and checking a sales-system export of customers and purchases (CSV or XLSX).

Every row is checked on its own; a bad row is reported with its number and reason and the
good rows go on. Writing happens in ``customers.jobs`` in chunks. ``claim_upload`` starts the run
of an import job from its stored file (the government referrals import reads its files here too).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.jobs import claim, finish, job_enqueue_on_commit
from core.models import Job

from . import rules
from .models import Gender, SourceChannel

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
ALLOWED_EXTENSIONS = (".csv", ".xlsx")

# Canonical field → the header names sales systems use for it (compared case-insensitively).
HEADERS = {
    "name": ("姓名", "客户姓名", "name"),
    "phone": ("手机", "手机号", "手机号码", "phone", "mobile"),
    "gender": ("性别", "gender"),
    "birth_date": ("出生日期", "birth_date"),
    "id_number": ("证件号码", "身份证号", "身份证号码", "id_number"),
    "email": ("邮箱", "电子邮件", "email"),
    "occupation": ("职业", "occupation"),
    "source": ("来源", "source"),
    "project": ("项目", "project"),
    "building": ("楼栋", "building"),
    "unit": ("房号", "unit"),
    "contract_date": ("签约日期", "contract_date"),
    "price": ("成交价", "成交总价", "price"),
    "area": ("面积", "area"),
    "layout": ("户型", "layout"),
    "delivery_date": ("交付日期", "delivery_date"),
}
REQUIRED = ("name", "phone")
PURCHASE_REQUIRED = ("project", "building", "unit", "contract_date", "price")
GENDERS = {
    "男": Gender.MALE,
    "女": Gender.FEMALE,
    "male": Gender.MALE,
    "female": Gender.FEMALE,
    "m": Gender.MALE,
    "f": Gender.FEMALE,
}
SOURCES = {
    **{code: code for code in SourceChannel.values},
    **{str(label): code for code, label in SourceChannel.choices},
}
ZH_SOURCES = {
    "销售": "sales",
    "案场": "sales",
    "网上咨询": "online_enquiry",
    "看房预约": "viewing_appointment",
    "客服": "service_contact",
    "社区活动": "community_event",
    "推荐": "referral",
    "老带新": "referral",
}


class UploadRejected(ValueError):
    """The file as a whole cannot be imported; nothing was written."""


@dataclass
class ParsedRow:
    number: int  # as the user sees it in the spreadsheet: the header is row 1
    phone: str
    source: str
    profile: dict
    purchase: dict | None = None


@dataclass
class RowError:
    number: int
    messages: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"row": self.number, "errors": self.messages}


def check_upload(name: str, size: int, head: bytes) -> None:
    lower = name.lower()
    if not lower.endswith(ALLOWED_EXTENSIONS):
        raise UploadRejected(_("Upload a .csv or .xlsx file."))
    if size > MAX_UPLOAD_BYTES:
        raise UploadRejected(
            _("The file is larger than %(limit)s MB; split it into smaller files.")
            % {"limit": MAX_UPLOAD_BYTES // 2**20}
        )
    if size == 0:
        raise UploadRejected(_("The file is empty."))
    if lower.endswith(".xlsx") and not head.startswith(b"PK"):
        raise UploadRejected(_("This is not an Excel .xlsx file."))
    if lower.endswith(".csv") and b"\x00" in head:
        raise UploadRejected(_("This is not a text CSV file."))


def read_rows(name: str, content: bytes) -> tuple[list[str], list[list]]:
    """The header and the data rows of a CSV (UTF-8 or GB18030, as Excel saves it) or XLSX file."""
    if name.lower().endswith(".xlsx"):
        return _read_xlsx(content)
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise UploadRejected(_("The CSV file is neither UTF-8 nor GB18030 text."))
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        raise UploadRejected(_("The file is empty."))
    return [str(cell) for cell in rows[0]], rows[1:]


def store_upload(*, kind: str, user, company, name: str, content: bytes, queue: bool = True) -> Job:
    """Check an uploaded file and store it as an import job of ``company``, queued after the commit;
    ``queue=False`` leaves it for the caller to run in its own process (a management command)."""
    check_upload(name, len(content), content[:8])
    with transaction.atomic():
        job = Job(kind=kind, created_by=user, company=company, params={"file_name": name})
        job.input_file.save(name, ContentFile(content), save=False)
        job.save()
        if queue:
            job_enqueue_on_commit(job)
    return job


def claim_upload(
    job_id: int, map_header: Callable[[list[str]], dict[str, int]]
) -> tuple[Job, list[list], dict[str, int]] | None:
    """Claim an import job and read its stored file: the job, the data rows and the columns
    ``map_header`` finds in the header. None when there is nothing to import: the job was not
    claimed (a redelivered task), or the file was refused and the job failed with the reason."""
    job = claim(job_id)
    if job is None:
        return None
    try:
        with job.input_file.open("rb") as stored:
            header, rows = read_rows(job.params["file_name"], stored.read())
        return job, rows, map_header(header)
    except UploadRejected as rejected:
        finish(job, failure=str(rejected))
        return None


def _read_xlsx(content: bytes) -> tuple[list[str], list[list]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise UploadRejected(_("The Excel file cannot be read; save it again as .xlsx.")) from exc
    rows = [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
    workbook.close()
    if not rows:
        raise UploadRejected(_("The file is empty."))
    return ["" if cell is None else str(cell) for cell in rows[0]], rows[1:]


def map_header(header: list[str]) -> dict[str, int]:
    """Column index of each known field; unknown columns are ignored, required ones must be there."""
    aliases = {alias.lower(): field_name for field_name, names in HEADERS.items() for alias in names}
    columns: dict[str, int] = {}
    for index, title in enumerate(header):
        field_name = aliases.get(str(title).strip().lower())
        if field_name and field_name not in columns:
            columns[field_name] = index
    missing = [HEADERS[name][0] for name in REQUIRED if name not in columns]
    if missing:
        raise UploadRejected(
            _("Required columns are missing: %(columns)s.") % {"columns": "、".join(missing)}
        )
    return columns


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _date(value, label, errors: list[str]) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value).replace("/", "-").replace(".", "-")
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors.append(
            _("%(field)s: “%(value)s” is not a date like 2024-06-30.") % {"field": label, "value": text[:20]}
        )
        return None


def _decimal(value, label, errors: list[str], minimum: Decimal) -> Decimal | None:
    text = _text(value).replace(",", "")
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        errors.append(_("%(field)s: “%(value)s” is not a number.") % {"field": label, "value": text[:20]})
        return None
    if not number.is_finite() or number < minimum or number >= Decimal("1e10"):
        errors.append(_("%(field)s: %(value)s is out of range.") % {"field": label, "value": text[:20]})
        return None
    return number.quantize(Decimal("0.01"))


LABELS = {name: gettext_lazy(names[0]) for name, names in HEADERS.items()}


def parse_row(number: int, cells: list, columns: dict[str, int], today: date) -> ParsedRow | RowError:
    def cell(name):
        index = columns.get(name)
        return cells[index] if index is not None and index < len(cells) else None

    errors: list[str] = []
    name = _text(cell("name"))
    if not name:
        errors.append(_("Name is required."))
    elif len(name) > 50:
        errors.append(_("Name is longer than 50 characters."))
    phone = ""
    try:
        phone = rules.normalise_phone(_text(cell("phone")))
    except rules.InvalidPhone:
        errors.append(
            _("“%(value)s” is not a mainland mobile number (11 digits starting with 1).")
            % {"value": _text(cell("phone"))[:20]}
        )

    profile: dict = {"name": name}
    gender = _text(cell("gender")).lower()
    if gender:
        if gender not in GENDERS:
            errors.append(_("Gender must be 男 or 女."))
        else:
            profile["gender"] = GENDERS[gender]
    birth_date = _date(cell("birth_date"), LABELS["birth_date"], errors)
    if birth_date:
        problem = rules.birth_date_problem(birth_date, today)
        if problem:
            errors.append(problem)
        else:
            profile["birth_date"] = birth_date
    id_number = _text(cell("id_number"))
    if id_number:
        try:
            profile["id_number"] = rules.normalise_id_number(id_number)
        except rules.InvalidIdNumber:
            errors.append(_("The ID number is not a valid 18-character resident ID number."))
    email = _text(cell("email"))
    if email:
        try:
            validate_email(email)
            profile["email"] = email
        except ValidationError:
            errors.append(_("“%(value)s” is not an email address.") % {"value": email[:50]})
    occupation = _text(cell("occupation"))
    if occupation:
        profile["occupation"] = occupation[:50]
    source_text = _text(cell("source"))
    source = SOURCES.get(source_text) or ZH_SOURCES.get(source_text) or ("sales" if not source_text else None)
    if source is None:
        errors.append(_("Unknown source “%(value)s”.") % {"value": source_text[:20]})

    purchase = None
    if any(_text(cell(name)) for name in ("project", "building", "unit")):
        missing = [str(LABELS[name]) for name in PURCHASE_REQUIRED if not _text(cell(name))]
        if missing:
            errors.append(_("A purchase needs %(columns)s.") % {"columns": "、".join(missing)})
        contract_date = _date(cell("contract_date"), LABELS["contract_date"], errors)
        delivery_date = _date(cell("delivery_date"), LABELS["delivery_date"], errors)
        price = _decimal(cell("price"), LABELS["price"], errors, Decimal(0))
        area = _decimal(cell("area"), LABELS["area"], errors, Decimal(1))
        if contract_date and contract_date > today:
            errors.append(_("The contract date is in the future."))
        if contract_date and delivery_date and delivery_date < contract_date:
            errors.append(_("The delivery date is before the contract date."))
        if delivery_date and delivery_date > today:
            errors.append(_("A delivery date is recorded once the unit is delivered, not in advance."))
        purchase = {
            "key": (_text(cell("project")), _text(cell("building")), _text(cell("unit"))),
            "contract_date": contract_date,
            "delivery_date": delivery_date,
            "price": price,
            "area": area,
            "layout": _text(cell("layout"))[:50],
        }
    if errors:
        return RowError(number, errors)
    return ParsedRow(number=number, phone=phone, source=source, profile=profile, purchase=purchase)
