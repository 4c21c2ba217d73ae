"""Request-wide protections that no single view owns."""

from core.http import from_trusted_proxy

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
