from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from core.exceptions import Conflict, DomainError

from . import access
from .models import Building, Company, Project, Unit


def _stale(message) -> Conflict:
    return Conflict(message, code="stale_version")


def refuse_taken_external_id(model, *, company_id: int, external_id: str, other_than: int | None) -> None:
    """External ids (the sales system's keys) are unique per company and model when given."""
    if external_id and (
        model.objects.filter(company_id=company_id, external_id=external_id).exclude(pk=other_than).exists()
    ):
        raise Conflict(
            _("Another record of your company already has the external id %(id)s.") % {"id": external_id},
            code="external_id_taken",
        )


def _refuse_taken_name(queryset, name: str, other_than: int | None, message) -> None:
    if queryset.filter(name=name).exclude(pk=other_than).exists():
        raise Conflict(message, code="name_taken")


# --- Projects -----------------------------------------------------------------------------------

PROJECT_FIELDS = ("name", "address", "external_id")


@transaction.atomic
def project_create(*, company: Company, name: str, address: str = "", external_id: str = "") -> Project:
    """A new project of ``company`` (the caller's write company, ``access.write_company_for``)."""
    _refuse_taken_name(
        Project.objects.filter(company=company),
        name,
        None,
        _("Your company already has a project of this name."),
    )
    refuse_taken_external_id(Project, company_id=company.pk, external_id=external_id, other_than=None)
    project = Project(company=company, name=name, address=address, external_id=external_id)
    project.full_clean()
    project.save()
    return project


@transaction.atomic
def project_update(*, project: Project, expected_version: int, changes: dict) -> Project:
    """Change a project's name, address or external id; the company never changes."""
    return _named_update(
        Project,
        pk=project.pk,
        expected_version=expected_version,
        changes=changes,
        fields=PROJECT_FIELDS,
        siblings=lambda locked: Project.objects.filter(company_id=locked.company_id),
        stale=_("Someone else changed this project after the version you sent. Reload it and try again."),
        name_taken=_("Your company already has a project of this name."),
    )


def _named_update(model, *, pk, expected_version, changes, fields, siblings, stale, name_taken):
    """A project's or building's edit under its row lock: the version read, a name free among its
    ``siblings``, an external id free in its company; then the version moves on."""
    locked = model.objects.select_for_update().get(pk=pk)
    if locked.version != expected_version:
        raise _stale(stale)
    if "name" in changes:
        _refuse_taken_name(siblings(locked), changes["name"], locked.pk, name_taken)
    if "external_id" in changes:
        refuse_taken_external_id(
            model, company_id=locked.company_id, external_id=changes["external_id"], other_than=locked.pk
        )
    for field in fields:
        if field in changes:
            setattr(locked, field, changes[field])
    locked.version += 1
    locked.full_clean()
    locked.save()
    return locked


# --- Buildings ----------------------------------------------------------------------------------

BUILDING_FIELDS = ("name", "external_id")


@transaction.atomic
def building_create(*, project: Project, name: str, external_id: str = "") -> Building:
    _refuse_taken_name(
        Building.objects.filter(project=project),
        name,
        None,
        _("The project already has a building of this name."),
    )
    refuse_taken_external_id(
        Building, company_id=project.company_id, external_id=external_id, other_than=None
    )
    building = Building(project=project, company_id=project.company_id, name=name, external_id=external_id)
    building.full_clean()
    building.save()
    return building


@transaction.atomic
def building_update(*, building: Building, expected_version: int, changes: dict) -> Building:
    """Rename a building or change its external id; it never moves to another project."""
    return _named_update(
        Building,
        pk=building.pk,
        expected_version=expected_version,
        changes=changes,
        fields=BUILDING_FIELDS,
        siblings=lambda locked: Building.objects.filter(project_id=locked.project_id),
        stale=_("Someone else changed this building after the version you sent. Reload it and try again."),
        name_taken=_("The project already has a building of this name."),
    )


# --- Units --------------------------------------------------------------------------------------


def _refuse_taken_number(building_id: int, number: str, other_than: int | None) -> None:
    if Unit.objects.filter(building_id=building_id, number=number).exclude(pk=other_than).exists():
        raise Conflict(_("The building already has a unit with this number."), code="number_taken")


@transaction.atomic
def unit_create(
    *,
    building: Building,
    number: str,
    floor: int,
    layout: str,
    area: Decimal,
    list_price: Decimal,
    external_id: str = "",
) -> Unit:
    _refuse_taken_number(building.pk, number, None)
    refuse_taken_external_id(Unit, company_id=building.company_id, external_id=external_id, other_than=None)
    unit = Unit(
        building=building,
        company_id=building.company_id,
        number=number,
        floor=floor,
        layout=layout,
        area=area,
        list_price=list_price,
        external_id=external_id,
    )
    unit.full_clean()
    unit.save()
    return unit


@transaction.atomic
def unit_update(
    *,
    unit: Unit,
    expected_version: int,
    floor: int,
    layout: str,
    area: Decimal,
    list_price: Decimal,
    number: str | None = None,
    external_id: str | None = None,
) -> Unit:
    """Save an edit made on a copy loaded at ``expected_version``; a newer save in between is a conflict.
    ``number`` and ``external_id`` change only when given (the page edits neither)."""
    locked = Unit.objects.select_for_update().get(pk=unit.pk)
    if locked.version != expected_version:
        raise _stale(
            _(
                "Someone else changed this unit while you were editing. "
                "Reload the page and apply your changes again."
            )
        )
    fields = ["floor", "layout", "area", "list_price", "version"]
    if number is not None and number != locked.number:
        _refuse_taken_number(locked.building_id, number, locked.pk)
        locked.number = number
        fields.append("number")
    if external_id is not None and external_id != locked.external_id:
        refuse_taken_external_id(
            Unit, company_id=locked.company_id, external_id=external_id, other_than=locked.pk
        )
        locked.external_id = external_id
        fields.append("external_id")
    locked.version += 1
    locked.floor = floor
    locked.layout = layout
    locked.area = area
    locked.list_price = list_price
    locked.full_clean()
    locked.save(update_fields=fields)
    return locked


@transaction.atomic
def project_set_duty_handler(*, project: Project, handler, by) -> Project:
    """Choose who is assigned the project's complaints that arrive without a person (public form, API);
    ``None`` leaves them to the company's managers. Only someone who may handle the company's
    complaints can be chosen (``access.may_be_assigned``)."""
    if handler is not None and not access.may_be_assigned(
        handler, project.company_id, perm=access.HANDLE_COMPLAINTS
    ):
        raise DomainError(
            _("%(name)s cannot handle this company's complaints.") % {"name": handler},
            code="duty_handler_outside",
        )
    locked = Project.objects.select_for_update().get(pk=project.pk)
    locked.duty_handler = handler
    locked.save(update_fields=["duty_handler"])
    return locked
