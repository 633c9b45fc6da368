"""The client's address behind a trusted reverse proxy, and per-address limits."""

import pytest
from django.test import RequestFactory, override_settings

from lms.core.proxy import TrustedProxyMiddleware
from lms.core.ratelimit import address_scope


def _client_of(remote, forwarded):
    request = RequestFactory().get(
        "/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded
    )
    return TrustedProxyMiddleware(lambda r: r)(request).META["REMOTE_ADDR"]


@override_settings(TRUSTED_PROXIES=["10.0.0.0/8"])
@pytest.mark.parametrize(
    ("remote", "forwarded", "client"),
    [
        ("10.0.0.2", "203.0.113.9", "203.0.113.9"),  # from the proxy: believed
        ("10.0.0.2", "1.2.3.4, 203.0.113.9, 10.0.0.7", "203.0.113.9"),  # forged left
        ("198.51.100.1", "203.0.113.9", "198.51.100.1"),  # not a proxy: ignored
        ("10.0.0.2", "not-an-ip", "10.0.0.2"),
        ("10.0.0.2", "", "10.0.0.2"),
    ],
)
def test_the_client_address_comes_only_from_trusted_proxies(remote, forwarded, client):
    assert _client_of(remote, forwarded) == client


@override_settings(TRUSTED_PROXIES=[])
def test_without_trusted_proxies_the_header_is_ignored():
    assert _client_of("10.0.0.2", "203.0.113.9") == "10.0.0.2"


def test_ipv6_addresses_are_limited_per_64():
    assert address_scope("2001:db8:1:2::5") == address_scope("2001:db8:1:2:ffff::9")
    assert address_scope("2001:db8:1:3::5") != address_scope("2001:db8:1:2::5")
    assert address_scope("203.0.113.9") == "203.0.113.9"
    assert address_scope(None) == "unknown"
