"""The one domain error type; services raise it, the API and pages turn it into 400/409."""

from django.http import JsonResponse
from django.utils.translation import gettext_lazy as _
from django.views import defaults as django_views
from django.views.decorators.csrf import csrf_exempt
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


# --- Errors outside DRF's views (no route, a crash, a bad request before any view) -----------------
# Under /api/ every error is JSON in the shape of ``Error`` in the schema, in DEBUG too; pages keep
# Django's templates (404.html, 403.html) and views.

API_PREFIX = "/api/"
API_ERRORS = {
    400: (_("The request is invalid."), "invalid"),
    403: (_("You do not have permission to perform this action."), "permission_denied"),
    404: (_("Not found."), "not_found"),
    500: (_("A server error occurred; it has been logged."), "server_error"),
}


def is_api(request) -> bool:
    return request.path.startswith(API_PREFIX)


def api_error(status: int) -> JsonResponse:
    detail, code = API_ERRORS[status]
    return JsonResponse({"detail": str(detail), "code": code}, status=status)


def bad_request(request, exception):
    return api_error(400) if is_api(request) else django_views.bad_request(request, exception)


def permission_denied(request, exception):
    return api_error(403) if is_api(request) else django_views.permission_denied(request, exception)


def page_not_found(request, exception):
    return api_error(404) if is_api(request) else django_views.page_not_found(request, exception)


def server_error(request):
    return api_error(500) if is_api(request) else django_views.server_error(request)


@csrf_exempt  # it changes nothing; a POST to an unknown path is a 404, not the CSRF failure page
def api_not_found(request, *args, **kwargs):
    """The last route under /api/: an unknown API path is JSON even in DEBUG, where Django would
    answer with its technical HTML page instead of calling handler404."""
    return api_error(404)
