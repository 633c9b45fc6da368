"""What a request says about its client, recorded with check-ins and verifications
(shown to staff, never used to block: a drill's phones share one address), and the
address the sign-in lock-out counts by."""

import ipaddress


def client_meta(request):
    return {
        "ip": request.META.get("REMOTE_ADDR") or None,
        "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300],
    }


def lockout_address(request):
    """The address django-axes counts failed sign-ins by (AXES_CLIENT_IP_CALLABLE).

    ``REMOTE_ADDR`` is already the client's own address behind a trusted proxy
    (``lms.core.proxy.TrustedProxyMiddleware`` runs first). An IPv6 address counts as
    its /64, written as the network's first address (``2001:db8:1:2::``) because axes
    stores addresses in a GenericIPAddressField: one subscriber is handed a whole
    /64 and could otherwise rotate through it. An IPv4 address mapped into IPv6
    (``::ffff:203.0.113.7``, as a dual-stack socket reports it) counts as the IPv4
    address, not as the /64 every such address shares. None when unknown."""
    try:
        address = ipaddress.ip_address((request.META.get("REMOTE_ADDR") or "").strip())
    except ValueError:
        return None
    if address.version == 6 and address.ipv4_mapped:
        return str(address.ipv4_mapped)
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False).network_address)
    return str(address)
