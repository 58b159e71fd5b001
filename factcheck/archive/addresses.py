"""Which IP addresses the archiver may connect to.

Pure functions, no I/O. An explicit table of special-purpose ranges is used rather than
``ipaddress``'s ``is_private``/``is_global`` flags, which miss cases (``100.64.0.1`` is not
``is_private``) and change between Python versions.

Decisions:
- IPv4-mapped (``::ffff:a.b.c.d``) and 6to4 (``2002:AABB:CCDD::/48``) addresses are judged by the
  IPv4 address they carry.
- NAT64 (``64:ff9b::/96``, ``64:ff9b:1::/48``) is blocked ENTIRELY: a translator may sit inside
  the newsroom's network, so even a public embedded address is refused. The reason says whether
  the embedded address was itself blocked.
- Teredo (``2001::/32``) and the deprecated IPv4-compatible form (``::a.b.c.d``) are blocked
  entirely; so is every IPv6 address outside global unicast ``2000::/3``.
"""
from __future__ import annotations

import ipaddress

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_V4 = ipaddress.IPv4Network
_V6 = ipaddress.IPv6Network

# Order matters: the first matching network gives the reason, so narrower ranges come first.
IPV4_BLOCKED: tuple[tuple[ipaddress.IPv4Network, str], ...] = (
    (_V4("0.0.0.0/32"), "unspecified"),
    (_V4("0.0.0.0/8"), "reserved ('this network', 0.0.0.0/8)"),
    (_V4("10.0.0.0/8"), "private network"),
    (_V4("100.64.0.0/10"), "carrier-grade NAT (100.64.0.0/10)"),
    (_V4("127.0.0.0/8"), "loopback"),
    (_V4("169.254.0.0/16"), "link-local"),
    (_V4("172.16.0.0/12"), "private network"),
    (_V4("192.0.0.0/24"), "reserved (IETF protocol assignments)"),
    (_V4("192.0.2.0/24"), "documentation"),
    (_V4("192.88.99.0/24"), "reserved (6to4 relay anycast)"),
    (_V4("192.168.0.0/16"), "private network"),
    (_V4("198.18.0.0/15"), "benchmarking"),
    (_V4("198.51.100.0/24"), "documentation"),
    (_V4("203.0.113.0/24"), "documentation"),
    (_V4("224.0.0.0/4"), "multicast"),
    (_V4("255.255.255.255/32"), "broadcast"),
    (_V4("240.0.0.0/4"), "reserved"),
)

# Ranges that carry an IPv4 address; handled before the plain table below.
IPV4_MAPPED = _V6("::ffff:0:0/96")
SIX_TO_FOUR = _V6("2002::/16")
NAT64 = (_V6("64:ff9b::/96"), _V6("64:ff9b:1::/48"))

IPV6_BLOCKED: tuple[tuple[ipaddress.IPv6Network, str], ...] = (
    (_V6("::/128"), "unspecified"),
    (_V6("::1/128"), "loopback"),
    (_V6("::/96"), "IPv4-compatible IPv6 (deprecated)"),
    (_V6("100::/64"), "reserved (discard-only)"),
    (_V6("2001::/32"), "Teredo"),
    (_V6("2001:2::/48"), "benchmarking"),
    (_V6("2001:db8::/32"), "documentation"),
    (_V6("2001::/23"), "reserved (IETF protocol assignments)"),
    (_V6("3fff::/20"), "documentation"),
    (_V6("5f00::/16"), "reserved (SRv6 SIDs)"),
    (_V6("fc00::/7"), "IPv6 unique-local"),
    (_V6("fe80::/10"), "link-local"),
    (_V6("fec0::/10"), "IPv6 site-local (deprecated)"),
    (_V6("ff00::/8"), "multicast"),
)
GLOBAL_UNICAST = _V6("2000::/3")


def _embedded_v4(ip: ipaddress.IPv6Address, shift: int) -> ipaddress.IPv4Address:
    return ipaddress.IPv4Address((int(ip) >> shift) & 0xFFFFFFFF)


def blocked_reason(ip: str | IPAddress) -> str | None:
    """A short reason why the archiver must not connect to ``ip``, or None when it is public.

    Raises ValueError when ``ip`` is not an IP address.
    """
    addr = ipaddress.ip_address(ip) if isinstance(ip, str) else ip
    if isinstance(addr, ipaddress.IPv4Address):
        for network, reason in IPV4_BLOCKED:
            if addr in network:
                return reason
        return None
    if addr.scope_id:  # "fe80::1%eth0": compare without the zone
        addr = ipaddress.IPv6Address(int(addr))
    if addr in IPV4_MAPPED:
        return "IPv4-mapped IPv6 of a blocked address" if blocked_reason(_embedded_v4(addr, 0)) else None
    if addr in SIX_TO_FOUR:
        return "6to4 of a blocked address" if blocked_reason(_embedded_v4(addr, 80)) else None
    for network in NAT64:
        if addr in network:
            if blocked_reason(_embedded_v4(addr, 0)):
                return "NAT64 of a blocked address"
            return "NAT64 (translated addresses are never archived)"
    for network, reason in IPV6_BLOCKED:
        if addr in network:
            return reason
    if addr not in GLOBAL_UNICAST:
        return "reserved (outside IPv6 global unicast)"
    return None
