"""The client's address: X-Forwarded-For is believed only from a configured proxy (TRUSTED_PROXIES)."""

import pytest
from django.test import RequestFactory

from core.http import client_ip
from customers.models import AccessLog
from tests.conftest import api_as
from tests.factories import CustomerFactory


def request_from(remote, forwarded=None, **extra):
    meta = {"REMOTE_ADDR": remote, **extra}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


@pytest.mark.parametrize(
    ("trusted", "remote", "forwarded", "expected"),
    [
        # Nothing trusted (the default): the header is the client's own claim and is ignored.
        ([], "203.0.113.7", "1.2.3.4", "203.0.113.7"),
        ([], "10.0.0.2", "1.2.3.4", "10.0.0.2"),
        # A peer outside the trusted list cannot spoof either.
        (["10.0.0.2"], "203.0.113.7", "1.2.3.4", "203.0.113.7"),
        # From the trusted proxy: the address it appended (the right-most entry).
        (["10.0.0.2"], "10.0.0.2", "198.51.100.9", "198.51.100.9"),
        # The client prepended a fake entry: the right-most untrusted address wins.
        (["10.0.0.2"], "10.0.0.2", "1.2.3.4, 198.51.100.9", "198.51.100.9"),
        # Two proxies in a CIDR: skip both, take the first untrusted one from the right.
        (["172.18.0.0/16"], "172.18.0.5", "1.2.3.4, 198.51.100.9, 172.18.0.3", "198.51.100.9"),
        (["172.18.0.0/16", "2001:db8::/32"], "2001:db8::1", "2001:db9::5, 2001:db8::7", "2001:db9::5"),
        # A trusted proxy without the header, or with garbage in it: its own address.
        (["10.0.0.2"], "10.0.0.2", None, "10.0.0.2"),
        (["10.0.0.2"], "10.0.0.2", "not-an-ip", "10.0.0.2"),
        # Only trusted hops: the farthest one we know.
        (["10.0.0.0/8"], "10.0.0.2", "10.0.0.3", "10.0.0.2"),
    ],
)
def test_client_ip(settings, trusted, remote, forwarded, expected):
    settings.TRUSTED_PROXIES = trusted
    assert client_ip(request_from(remote, forwarded)) == expected


@pytest.fixture
def customer_a(company_a):
    return CustomerFactory(company=company_a)


def test_spoofed_header_does_not_reach_the_access_log(settings, customer_a, staff_a):
    settings.TRUSTED_PROXIES = []
    api_as(staff_a).get(
        f"/api/v1/customers/{customer_a.pk}/", REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="1.2.3.4"
    )
    assert AccessLog.objects.get().ip_address == "203.0.113.7"


def test_access_log_has_the_client_behind_a_trusted_proxy(settings, customer_a, staff_a):
    settings.TRUSTED_PROXIES = ["172.18.0.0/16"]
    api_as(staff_a).get(
        f"/api/v1/customers/{customer_a.pk}/",
        REMOTE_ADDR="172.18.0.4",
        HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.9",
    )
    assert AccessLog.objects.get().ip_address == "198.51.100.9"


def test_forwarded_proto_is_dropped_from_untrusted_peers(settings, client, db):
    settings.TRUSTED_PROXIES = ["10.0.0.2"]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True
    spoofed = client.get("/login/", REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_PROTO="https")
    assert spoofed.status_code == 301  # still plain HTTP: redirected to HTTPS
    proxied = client.get("/login/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_PROTO="https")
    assert proxied.status_code == 200
