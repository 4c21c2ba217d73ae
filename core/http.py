"""Request helpers every app shares."""


def client_ip(request) -> str | None:
    """The client's address: the one place rate limits and logs read it from.

    ``REMOTE_ADDR`` is the peer of this process; trusting a proxy's ``X-Forwarded-For`` is decided
    here and nowhere else."""
    return request.META.get("REMOTE_ADDR") or None
