import datetime
import json
from dataclasses import dataclass

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connection, models
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, pagination

from core.filters import MAX_ID


class IdCursorPagination(pagination.CursorPagination):
    """Cursor pagination: each page costs the same at any depth and never counts the table."""

    ordering = "id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 100
    invalid_cursor_message = _("Invalid cursor.")
    invalid_page_size_message = _("Give a whole number of at least 1.")
    position_field: models.Field | None = None

    def get_page_size(self, request):
        """``page_size`` is a whole number from 1; above ``max_page_size`` it is capped. Anything else
        (0, a negative number, ``null``) is a 400, not silently the default."""
        value = request.query_params.get(self.page_size_query_param)
        if value is None:
            return self.page_size
        try:
            size = int(value)
        except ValueError:
            size = 0
        if size < 1:
            raise exceptions.ValidationError({self.page_size_query_param: [self.invalid_page_size_message]})
        return min(size, self.max_page_size)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1}
                parameter["description"] = str(
                    _("Rows per page, from 1 (default %(default)s; above %(max)s, %(max)s).")
                    % {"default": self.page_size, "max": self.max_page_size}
                )
        return parameters

    def paginate_queryset(self, queryset, request, view=None):
        ordering = self.ordering if isinstance(self.ordering, str) else self.ordering[0]
        self.position_field = queryset.model._meta.get_field(ordering.lstrip("-"))
        return super().paginate_queryset(queryset, request, view)

    def decode_cursor(self, request):
        """A cursor the server did not write is the caller's mistake (400), not a missing page (404),
        and its position must be a value of the ordering field before it reaches the query
        (PostgreSQL raises on a malformed one)."""
        try:
            cursor = super().decode_cursor(request)
        except exceptions.NotFound:
            cursor, valid = None, False
        else:
            valid = cursor is None or cursor.position is None or self._valid_position(cursor.position)
        if not valid:
            raise exceptions.ValidationError({self.cursor_query_param: [self.invalid_cursor_message]})
        return cursor

    def _valid_position(self, position: str) -> bool:
        if self.position_field is None:
            return True
        try:
            value = self.position_field.to_python(position)
        except (DjangoValidationError, ValueError, OverflowError):
            return False
        if isinstance(value, int):
            return 0 <= value <= MAX_ID
        if isinstance(value, datetime.date):
            return 1900 <= value.year <= 2199
        return value is not None


class NewestFirstPagination(IdCursorPagination):
    ordering = "-id"


# --- A list page's total, without counting a large table ------------------------------------------

EXACT_UP_TO = 1000


@dataclass(frozen=True)
class Total:
    """How many rows a list shows: ``exact`` (counted), ``at_least`` (more than ``EXACT_UP_TO``, not
    counted further) or ``about`` (the planner's estimate, rounded)."""

    count: int
    kind: str  # "exact" | "at_least" | "about"


def _capped_count(queryset: models.QuerySet) -> Total:
    """``queryset`` is the ids only, unordered (``estimated_total`` makes it so)."""
    # Counting a slice reads at most EXACT_UP_TO + 1 rows of the index, never the whole table.
    count = queryset[: EXACT_UP_TO + 1].count()
    return Total(EXACT_UP_TO, "at_least") if count > EXACT_UP_TO else Total(count, "exact")


def _rounded(estimate: int) -> int:
    """Two significant figures from 10,000 up (12,345 → 12,000), hundreds below (1,234 → 1,200)."""
    step = max(100, 10 ** (len(str(estimate)) - 2))
    return max(step, round(estimate / step) * step)


def estimated_total(queryset: models.QuerySet) -> Total:
    """The total for a list page of ``queryset`` (already scoped and filtered). On PostgreSQL the
    planner's row estimate of the query (``EXPLAIN (FORMAT JSON)``, nothing executed) when it is large;
    an exact count with ``LIMIT 1001`` when the estimate is under ``EXACT_UP_TO`` (and on other
    databases). Never ``COUNT(*)`` over the whole table."""
    # Only the ids: no joins of select_related, no ordering, so the planner reads the narrowest index.
    queryset = queryset.order_by().select_related(None).values("pk")
    if connection.vendor != "postgresql":
        return _capped_count(queryset)
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str | bytes):
        plan = json.loads(plan)
    estimate = int(plan[0]["Plan"]["Plan Rows"])
    if estimate < EXACT_UP_TO:
        return _capped_count(queryset)
    return Total(_rounded(estimate), "about")
