"""Where webhooks may be sent: never to the machine itself or a private network (SSRF).

Every address the host name resolves to is checked, at registration and again before each send,
and the send connects to the checked address (the name is not resolved again); redirects are not
followed. Hosts listed in ``WEBHOOK_ALLOWED_HOSTS`` (names or addresses) are
exempt, for an integrator inside the company network (and the tests' local receiver).
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from core.exceptions import DomainError


class TargetRefused(DomainError):
    pass


def _allowed_hosts() -> set[str]:
    return {
        host.strip().lower().strip("[]") for host in getattr(settings, "WEBHOOK_ALLOWED_HOSTS", ()) if host
    }


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_unspecified)


def check_url(url: str) -> str | None:
    """Raise ``TargetRefused`` unless ``url`` is http(s) to a host whose every address is public
    (or the host is allowed in settings). Returns the checked address to connect to (None for an
    allowed host), so that the sender does not resolve the name a second time (DNS rebinding)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise TargetRefused(_("The webhook URL is not valid."), code="webhook_url_invalid") from None
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise TargetRefused(
            _("The webhook URL must start with http:// or https://."), code="webhook_url_invalid"
        )
    if parts.username or parts.password:
        raise TargetRefused(_("The webhook URL must not contain credentials."), code="webhook_url_invalid")
    host = parts.hostname.lower()
    if host in _allowed_hosts():
        return None
    try:
        infos = socket.getaddrinfo(
            host, port or (443 if parts.scheme == "https" else 80), type=socket.SOCK_STREAM
        )
    except (OSError, UnicodeError):
        raise TargetRefused(
            _("The webhook host %(host)s cannot be resolved.") % {"host": host},
            code="webhook_host_unresolved",
        ) from None
    addresses = [info[4][0] for info in infos]
    if not addresses or not all(_public(address) for address in addresses):
        raise TargetRefused(
            _("Webhooks cannot be sent to %(host)s: it is on a private, loopback or link-local network.")
            % {"host": host},
            code="webhook_url_private",
        )
    return addresses[0]
