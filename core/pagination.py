from django.utils.translation import gettext_lazy as _
from rest_framework import pagination


class IdCursorPagination(pagination.CursorPagination):
    """Cursor pagination: each page costs the same at any depth and never counts the table."""

    ordering = "id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 100
    invalid_cursor_message = _("Invalid cursor.")


class NewestFirstPagination(IdCursorPagination):
    ordering = "-id"
