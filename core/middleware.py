"""Request-wide protections that no single view owns."""

import logging
import re

from django.conf import settings
from django.core.exceptions import BadRequest, PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from core.exceptions import api_error, is_api
from core.http import from_trusted_proxy

# "\u0000" in JSON, unless its backslash is itself escaped ("\\u0000" is the text \u0000).
_ESCAPED_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")

# Headers only a proxy of ours may set; from any other peer they are the client's claim and dropped.
PROXY_HEADERS = ("HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST", "HTTP_X_FORWARDED_PORT")


class TrustedProxyMiddleware:
    """Drops X-Forwarded-Proto/Host/Port unless the peer is in ``TRUSTED_PROXIES``, so Django's
    SECURE_PROXY_SSL_HEADER never believes a client that reached the web server directly."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not from_trusted_proxy(request):
            for header in PROXY_HEADERS:
                request.META.pop(header, None)
        return self.get_response(request)


class RejectNullCharactersMiddleware:
    """A NUL byte in a query string or a JSON body is a 400 here, in one place: PostgreSQL refuses NUL
    in text and would raise at query time, deep inside whichever filter or search received it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _has_null_character(request):
            message = _("Remove the null character (\\0) from the request.")
            if is_api(request):
                return JsonResponse({"detail": str(message), "code": "null_character"}, status=400)
            raise BadRequest(message)
        return self.get_response(request)


def _has_null_character(request) -> bool:
    if any("\x00" in key or "\x00" in value for key, values in request.GET.lists() for value in values):
        return True
    if request.content_type == "application/json" and request.method in ("POST", "PUT", "PATCH"):
        body = request.body
        return b"\x00" in body or bool(_ESCAPED_NUL.search(body))
    return False


class ApiErrorsMiddleware:
    """An exception no view handled, under /api/: logged like Django logs it, answered as JSON 500
    (in DEBUG too, where Django would send its technical HTML page)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_api(request) or isinstance(exception, Http404 | PermissionDenied | BadRequest):
            return None  # Django's handlers (handler404/403/400) answer those as JSON already
        logging.getLogger("django.request").error(
            "Internal Server Error: %s", request.path, exc_info=exception, extra={"status_code": 500}
        )
        return api_error(500)


class ContentSecurityPolicyMiddleware:
    """Sends ``CONTENT_SECURITY_POLICY``: scripts and styles from our own origin only, no inline
    script (a stored XSS that slips past escaping cannot run), no framing, no plugins, forms post only
    to us. Templates keep every script in static/ files."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = "; ".join(
            f"{directive} {' '.join(sources)}".strip()
            for directive, sources in settings.CONTENT_SECURITY_POLICY.items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        if settings.DEBUG and response.status_code >= 400:
            return response  # Django's technical error pages rely on inline style and script
        response.headers.setdefault("Content-Security-Policy", self.policy)
        return response


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
        if is_api(request):
            response = JsonResponse({"detail": message, "code": "request_too_large"}, status=413)
        else:
            response = render(request, "413.html", {"message": message}, status=413)
        # The body was never read; the connection cannot be reused for another request.
        response["Connection"] = "close"
        return response
