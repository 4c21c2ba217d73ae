import datetime

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
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
    position_field: models.Field | None = None

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
