from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from core.exceptions import Conflict

from .models import Unit


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
