"""Nearest-rank percentiles in the database: the value at rank ⌈q·n⌉ of the ordered values (for a
half, the lower median, as ``statistics.median_low``). PostgreSQL's ``percentile_disc`` is exactly
that, in one pass; elsewhere (SQLite in development) each value is read at its offset in order."""

from __future__ import annotations

import math
from collections.abc import Sequence

from django.db import connection
from django.db.models import Aggregate, Count, DurationField, Expression, ExpressionWrapper, Field, QuerySet


class PercentileDisc(Aggregate):
    """PostgreSQL's percentile_disc(share) WITHIN GROUP (ORDER BY expression)."""

    function = "percentile_disc"
    template = "%(function)s(%(share)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = DurationField()

    def __init__(self, expression, *, share: float, **extra):
        super().__init__(expression, share=float(share), **extra)


def nearest_ranks(
    rows: QuerySet,
    value: Expression,
    *,
    shares: Sequence[float],
    output_field: Field,
    count: int | None = None,
) -> tuple[int, list]:
    """How many ``rows`` there are and the ``value`` at each of ``shares`` (None when there are none).
    ``rows`` holds only rows with a value. A caller that counted them already hands in ``count``,
    which saves the count query outside PostgreSQL."""
    ranked = rows.annotate(ranked=ExpressionWrapper(value, output_field=output_field))
    if connection.vendor == "postgresql":
        at = {
            f"at_{index}": PercentileDisc("ranked", share=share, output_field=output_field)
            for index, share in enumerate(shares)
        }
        result = ranked.order_by().aggregate(count=Count("pk"), **at)
        return result["count"], [result[name] for name in at]
    ordered = ranked.order_by("ranked").values_list("ranked", flat=True)
    total = ordered.count() if count is None else count
    return total, [ordered[max(math.ceil(share * total) - 1, 0)] if total else None for share in shares]
