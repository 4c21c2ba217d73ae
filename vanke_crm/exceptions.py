"""The one domain error type; services raise it, the API and pages turn it into 400/409."""

from django.utils.translation import gettext_lazy as _
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


class DomainError(Exception):
    """A business rule refused the request; ``message`` is translated and shown to the user."""

    status_code = 400
    code = "invalid"

    def __init__(self, message=None, *, code: str | None = None):
        self.message = message or _("The request was refused.")
        if code:
            self.code = code
        super().__init__(str(self.message))


class Conflict(DomainError):
    """The request is valid but clashes with the current state (a concurrent edit, a duplicate)."""

    status_code = 409
    code = "conflict"


def api_exception_handler(exc, context):
    if isinstance(exc, DomainError):
        return Response({"detail": str(exc.message), "code": exc.code}, status=exc.status_code)
    return drf_exception_handler(exc, context)
