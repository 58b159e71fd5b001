"""blocked_reason: pure checks only. Nothing here connects anywhere or resolves any name."""
from __future__ import annotations

import ipaddress

import pytest

from factcheck.archive.addresses import IPV4_BLOCKED, IPV6_BLOCKED, blocked_reason

BLOCKED = [
    # IPv4: first, a sample and last address of every range
    ("0.0.0.0", "unspecified"),
    ("0.0.0.1", "reserved"), ("0.255.255.255", "reserved"),
    ("10.0.0.0", "private network"), ("10.0.0.5", "private network"), ("10.255.255.255", "private network"),
    ("100.64.0.0", "carrier-grade NAT"), ("100.64.0.1", "carrier-grade NAT"),
    ("100.127.255.255", "carrier-grade NAT"),
    ("127.0.0.0", "loopback"), ("127.0.0.1", "loopback"), ("127.255.255.255", "loopback"),
    ("169.254.0.0", "link-local"), ("169.254.169.254", "link-local"), ("169.254.255.255", "link-local"),
    ("172.16.0.0", "private network"), ("172.20.1.1", "private network"), ("172.31.255.255", "private network"),
    ("192.0.0.0", "reserved"), ("192.0.0.8", "reserved"), ("192.0.0.255", "reserved"),
    ("192.0.2.0", "documentation"), ("192.0.2.1", "documentation"), ("192.0.2.255", "documentation"),
    ("192.88.99.0", "reserved"), ("192.88.99.1", "reserved"), ("192.88.99.255", "reserved"),
    ("192.168.0.0", "private network"), ("192.168.1.1", "private network"),
    ("192.168.255.255", "private network"),
    ("198.18.0.0", "benchmarking"), ("198.18.5.5", "benchmarking"), ("198.19.255.255", "benchmarking"),
    ("198.51.100.0", "documentation"), ("198.51.100.7", "documentation"), ("198.51.100.255", "documentation"),
    ("203.0.113.0", "documentation"), ("203.0.113.9", "documentation"), ("203.0.113.255", "documentation"),
    ("224.0.0.0", "multicast"), ("224.0.0.251", "multicast"), ("239.255.255.255", "multicast"),
    ("240.0.0.0", "reserved"), ("250.1.2.3", "reserved"), ("255.255.255.254", "reserved"),
    ("255.255.255.255", "broadcast"),
    # IPv6
    ("::", "unspecified"),
    ("::1", "loopback"),
    ("::2", "IPv4-compatible"), ("::8.8.8.8", "IPv4-compatible"), ("::ffff:ffff", "IPv4-compatible"),
    ("::ffff:10.0.0.1", "IPv4-mapped IPv6 of a blocked address"),
    ("::ffff:127.0.0.1", "IPv4-mapped IPv6 of a blocked address"),
    ("::ffff:0.0.0.0", "IPv4-mapped IPv6 of a blocked address"),
    ("::ffff:100.64.0.1", "IPv4-mapped IPv6 of a blocked address"),
    ("::ffff:169.254.169.254", "IPv4-mapped IPv6 of a blocked address"),
    ("64:ff9b::a00:1", "NAT64 of a blocked address"),
    ("64:ff9b::127.0.0.1", "NAT64 of a blocked address"),
    ("64:ff9b::8.8.8.8", "NAT64"),  # decision: NAT64 is blocked entirely
    ("64:ff9b:1::", "NAT64"), ("64:ff9b:1:ffff:ffff:ffff:ffff:ffff", "NAT64"),
    ("100::", "reserved"), ("100::ffff:ffff:ffff:ffff", "reserved"),
    ("2001::", "Teredo"), ("2001:0::1", "Teredo"), ("2001:0:ffff:ffff:ffff:ffff:ffff:ffff", "Teredo"),
    ("2001:2::1", "benchmarking"),
    ("2001:10::1", "reserved"), ("2001:1ff:ffff::1", "reserved"),
    ("2001:db8::", "documentation"), ("2001:db8::1", "documentation"),
    ("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", "documentation"),
    ("2002:0a00:0001::", "6to4 of a blocked address"),
    ("2002:7f00:0001::", "6to4 of a blocked address"),
    ("2002:c0a8:0101::1", "6to4 of a blocked address"),
    ("2002::", "6to4 of a blocked address"),  # embeds 0.0.0.0
    ("3fff::1", "documentation"),
    ("fc00::", "IPv6 unique-local"), ("fd00::2", "IPv6 unique-local"),
    ("fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "IPv6 unique-local"),
    ("fe80::", "link-local"), ("fe80::1", "link-local"), ("febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "link-local"),
    ("fe80::1%eth0", "link-local"),
    ("fec0::", "site-local"), ("feff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "site-local"),
    ("ff00::", "multicast"), ("ff02::1", "multicast"), ("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "multicast"),
    ("4000::1", "reserved"), ("1::1", "reserved"),  # outside 2000::/3 global unicast
]

PUBLIC = [
    "8.8.8.8", "1.1.1.1", "9.255.255.255", "11.0.0.0", "100.63.255.255", "100.128.0.0",
    "126.255.255.255", "128.0.0.0", "169.253.255.255", "169.255.0.0", "172.15.255.255",
    "172.32.0.0", "192.0.1.255", "192.0.3.0", "192.88.98.255", "192.88.100.0", "192.167.255.255",
    "192.169.0.0", "198.17.255.255", "198.20.0.0", "203.0.112.255", "203.0.114.0", "223.255.255.255",
    "2606:4700:4700::1111", "2001:4860:4860::8888", "2001:200::1",
    "::ffff:8.8.8.8", "2002:0808:0808::1",  # wrapped public addresses are judged by the IPv4 inside
]


@pytest.mark.parametrize(("ip", "expected"), BLOCKED)
def test_blocked_ranges(ip, expected):
    reason = blocked_reason(ip)
    assert reason is not None and expected in reason, (ip, reason)


@pytest.mark.parametrize("ip", PUBLIC)
def test_public_addresses_pass(ip):
    assert blocked_reason(ip) is None


def test_accepts_ipaddress_objects():
    assert blocked_reason(ipaddress.ip_address("10.1.2.3")) == "private network"
    assert blocked_reason(ipaddress.ip_address("::ffff:127.0.0.1")) == "IPv4-mapped IPv6 of a blocked address"
    assert blocked_reason(ipaddress.ip_address("1.1.1.1")) is None


def test_cgnat_is_blocked_although_ipaddress_does_not_call_it_private():
    assert not ipaddress.ip_address("100.64.0.1").is_private
    assert blocked_reason("100.64.0.1") == "carrier-grade NAT (100.64.0.0/10)"


def test_exact_reasons_for_the_documented_names():
    assert blocked_reason("127.0.0.1") == "loopback"
    assert blocked_reason("::ffff:10.0.0.1") == "IPv4-mapped IPv6 of a blocked address"
    assert blocked_reason("2002:7f00:0001::") == "6to4 of a blocked address"
    assert blocked_reason("2001:0::1") == "Teredo"
    assert blocked_reason("64:ff9b::a00:1") == "NAT64 of a blocked address"
    assert blocked_reason("fd12::1") == "IPv6 unique-local"
    assert blocked_reason("255.255.255.255") == "broadcast"


def test_every_table_network_is_blocked_at_both_ends():
    for network, _ in IPV4_BLOCKED + IPV6_BLOCKED:
        assert blocked_reason(network.network_address), network
        assert blocked_reason(network.broadcast_address), network


def test_not_an_address_raises():
    with pytest.raises(ValueError):
        blocked_reason("localhost")
