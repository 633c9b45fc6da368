"""The client's address behind the site's own reverse proxy.

Behind nginx every request comes from the proxy's address, so per-address limits
(sign-in failures, verification checks) would count everyone together. When the
request comes from a proxy listed in ``TRUSTED_PROXIES`` (addresses or networks),
the client is the right-most address in ``X-Forwarded-For`` that is not itself a
trusted proxy; the header is ignored from anyone else, so clients cannot forge it.

Ours rather than django-ipware: this sets ``REMOTE_ADDR`` once, so django-axes, the
rate limits and the logs all see the same address, and trusted proxies are CIDR
networks (ipware returns an address per call and matches proxies by prefix).
"""

import ipaddress

from django.conf import settings


def _networks():
    return [
        ipaddress.ip_network(value.strip(), strict=False)
        for value in getattr(settings, "TRUSTED_PROXIES", [])
        if value.strip()
    ]


def _trusted(address, networks):
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


class TrustedProxyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.networks = _networks()

    def __call__(self, request):
        client = self.client_address(request.META)
        if client is not None:
            request.META["REMOTE_ADDR"] = client
        return self.get_response(request)

    def client_address(self, meta):
        """The client's address from a trusted proxy's header, or None."""
        if not self.networks or not _trusted(
            meta.get("REMOTE_ADDR", ""), self.networks
        ):
            return None
        hops = [h.strip() for h in meta.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        for hop in reversed([h for h in hops if h]):
            if not _trusted(hop, self.networks):
                try:
                    return str(ipaddress.ip_address(hop))
                except ValueError:
                    return None  # garbage in the header: keep the proxy's address
        return None
