"""Refuse an over-large request from its Content-Length, before Django reads a byte of the body."""

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


class RequestSizeLimitMiddleware:
    """``Content-Length`` above ``MAX_UPLOAD_REQUEST_BYTES`` is a 413 (JSON under /api/, else a
    translated page). Placed after the locale middleware, before anything that reads the body
    (CSRF, the views); the web server in front keeps its own, equal limit (README)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.MAX_UPLOAD_REQUEST_BYTES:
            return self.too_large(request)
        return self.get_response(request)

    def too_large(self, request):
        message = _("The request is larger than %(limit)d MB. Send fewer or smaller files.") % {
            "limit": settings.MAX_UPLOAD_REQUEST_BYTES // (1024 * 1024)
        }
        if request.path.startswith("/api/"):
            response = JsonResponse({"detail": message, "code": "request_too_large"}, status=413)
        else:
            response = render(request, "413.html", {"message": message}, status=413)
        # The body was never read; the connection cannot be reused for another request.
        response["Connection"] = "close"
        return response
