from decimal import Decimal

from django.db import transaction

from .models import Unit


@transaction.atomic
def unit_update(*, unit: Unit, floor: int, layout: str, area: Decimal, list_price: Decimal) -> Unit:
    locked = Unit.objects.select_for_update().get(pk=unit.pk)
    locked.floor = floor
    locked.layout = layout
    locked.area = area
    locked.list_price = list_price
    locked.full_clean()
    locked.save(update_fields=["floor", "layout", "area", "list_price"])
    return locked
