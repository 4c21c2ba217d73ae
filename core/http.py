"""The client's address as the application sees it, behind the proxies it is told to trust."""

import ipaddress
from functools import lru_cache

from django.conf import settings

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(trusted: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in trusted)


def _parse(value: str) -> Address | None:
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def _trusted(address: Address | None) -> bool:
    networks = _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ())))
    return address is not None and any(address in network for network in networks)


def from_trusted_proxy(request) -> bool:
    """The peer that sent this request is one of ``TRUSTED_PROXIES``."""
    return _trusted(_parse(request.META.get("REMOTE_ADDR") or ""))


def client_ip(request) -> str | None:
    """REMOTE_ADDR, unless it is one of ``TRUSTED_PROXIES``: then the right-most X-Forwarded-For
    entry that is not a trusted proxy. Entries left of it were written by the client and prove
    nothing, so a spoofed header never changes the address we log or rate-limit."""
    remote = request.META.get("REMOTE_ADDR") or None
    if not from_trusted_proxy(request):
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        address = _parse(hop)
        if address is None:
            # Our proxies append valid addresses only: anything else came from the client.
            return remote
        if not _trusted(address):
            return str(address)
    return remote
