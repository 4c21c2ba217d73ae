"""Guessing limits for passwords and API tokens, kept in the cache (Redis in production, shared by
every web process; per-process memory by default, see README "Security").

Failures are counted per key in a window; reaching the limit locks the key for a period, whatever
is tried meanwhile. A success clears the account's count (not the address's: one valid account
must not reset an address that is guessing others)."""

import hashlib
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.core.cache import cache
from django.shortcuts import render
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from core.http import client_ip


def count_in_window(key: str, *, window: int) -> int:
    """Add one to the cache counter ``key``, which lives ``window`` seconds from its first count
    (atomic ``incr``, so parallel requests all count); return the new count."""
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        return 1


@dataclass(frozen=True)
class Limiter:
    name: str
    limit: int  # failures …
    window: int  # … within this many seconds …
    lockout: int  # … lock the key for this many seconds

    def _key(self, kind: str, subject: str) -> str:
        # Hashed: usernames and addresses are not kept in the cache in clear.
        digest = hashlib.sha256(subject.encode()).hexdigest()[:32]
        return f"throttle:{self.name}:{kind}:{digest}"

    def retry_after(self, subject: str) -> int:
        """Seconds until ``subject`` may try again; 0 when it is not locked."""
        until = cache.get(self._key("lock", subject))
        return max(0, math.ceil(until - time.time())) if until else 0

    def fail(self, subject: str) -> None:
        key = self._key("count", subject)
        failures = count_in_window(key, window=self.window)
        if failures >= self.limit:
            cache.set(self._key("lock", subject), time.time() + self.lockout, timeout=self.lockout)
            cache.delete(key)

    def clear(self, subject: str) -> None:
        cache.delete_many([self._key("count", subject), self._key("lock", subject)])


def login_limiters() -> tuple[Limiter, Limiter]:
    return (
        Limiter(
            "login-account",
            settings.LOGIN_FAILURE_LIMIT,
            settings.LOGIN_LOCKOUT_SECONDS,
            settings.LOGIN_LOCKOUT_SECONDS,
        ),
        Limiter(
            "login-address",
            settings.LOGIN_FAILURE_LIMIT,
            settings.LOGIN_LOCKOUT_SECONDS,
            settings.LOGIN_LOCKOUT_SECONDS,
        ),
    )


def token_limiter() -> Limiter:
    return Limiter(
        "api-token",
        settings.API_TOKEN_FAILURE_LIMIT,
        settings.API_TOKEN_WINDOW_SECONDS,
        settings.API_TOKEN_WINDOW_SECONDS,
    )


def _account(username: str) -> str:
    return username.strip().casefold()


class ThrottledLoginView(auth_views.LoginView):
    """The sign-in page: after LOGIN_FAILURE_LIMIT failed attempts for one account, or from one client
    address, both are refused for LOGIN_LOCKOUT_SECONDS with a page that says so (429), even with
    the right password."""

    locked_template_name = "registration/login_locked.html"

    def post(self, request, *args, **kwargs):
        account, address = login_limiters()
        username = _account(request.POST.get("username", ""))
        wait = max(
            account.retry_after(username) if username else 0, address.retry_after(client_ip(request) or "")
        )
        if wait:
            response = render(
                request, self.locked_template_name, {"minutes": math.ceil(wait / 60)}, status=429
            )
            response["Retry-After"] = str(wait)
            return response
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        if self.request.method == "POST":
            account, address = login_limiters()
            username = _account(self.request.POST.get("username", ""))
            if username:
                account.fail(username)
            address.fail(client_ip(self.request) or "")
        return super().form_invalid(form)

    def form_valid(self, form):
        login_limiters()[0].clear(_account(form.get_user().get_username()))
        return super().form_valid(form)


class ThrottledTokenAuthentication(TokenAuthentication):
    """Token authentication that counts invalid tokens per client address: past the limit the address
    gets 429 with Retry-After for every token it sends, valid or not, until the window ends."""

    def authenticate(self, request):
        if not self._sends_token(request):
            return None
        limiter, address = token_limiter(), client_ip(request) or ""
        wait = limiter.retry_after(address)
        if wait:
            raise exceptions.Throttled(wait=wait)
        try:
            return super().authenticate(request)
        except exceptions.AuthenticationFailed:
            limiter.fail(address)
            raise

    def _sends_token(self, request) -> bool:
        header = request.META.get("HTTP_AUTHORIZATION", "").split()
        return bool(header) and header[0].lower() == self.keyword.lower()
