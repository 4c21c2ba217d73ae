from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from core.exceptions import Conflict, DomainError

from . import access
from .models import Project, Unit


@transaction.atomic
def unit_update(
    *, unit: Unit, expected_version: int, floor: int, layout: str, area: Decimal, list_price: Decimal
) -> Unit:
    """Save an edit made on a copy loaded at ``expected_version``; a newer save in between is a conflict."""
    locked = Unit.objects.select_for_update().get(pk=unit.pk)
    if locked.version != expected_version:
        raise Conflict(
            _(
                "Someone else changed this unit while you were editing. "
                "Reload the page and apply your changes again."
            ),
            code="stale_version",
        )
    locked.version += 1
    locked.floor = floor
    locked.layout = layout
    locked.area = area
    locked.list_price = list_price
    locked.full_clean()
    locked.save(update_fields=["floor", "layout", "area", "list_price", "version"])
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
