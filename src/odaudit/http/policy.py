"""Which addresses the auditor may talk to.

Portal metadata is hostile: a resource URL (or a redirect) pointing at
127.0.0.1, the cloud metadata service or the office LAN must never be fetched.
The host is checked in every spelling an OS resolver accepts and, for names,
after resolution; only origins listed in `allow_origins` (local test servers)
are exempt.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Iterable
from urllib.parse import urlsplit

__all__ = ["AddressPolicy", "Origin", "Resolver", "origin_of", "parse_ipv4_legacy"]

Origin = tuple[str, str, int]
Resolver = Callable[[str, int], Awaitable[list[str]]]
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_DEFAULT_PORTS = {"http": 80, "https": 443}
_CGNAT = ipaddress.ip_network("100.64.0.0/10")
#: Not public, whatever this interpreter's `ipaddress` tables say: they changed between patch
#: releases (CVE-2024-4032; 3.11.7 calls 192.0.0.8-192.0.0.255 global) and miss deprecated
#: site-local IPv6. 192.0.0.192 is Oracle Cloud's metadata service, 168.63.129.16 Azure's
#: platform endpoint (WireServer) on every Azure VM, GitHub's hosted runners included.
_NON_PUBLIC = (
    (ipaddress.ip_network("192.0.0.192/32"), "cloud metadata"),
    (ipaddress.ip_network("168.63.129.16/32"), "cloud metadata"),
    (ipaddress.ip_network("192.0.0.0/24"), "IETF protocol assignment"),
    (ipaddress.ip_network("fec0::/10"), "site-local"),
    (ipaddress.ip_network("3fff::/20"), "documentation"),
)
#: `_check_host`'s answer for a name that resolved to nothing: allowed, but not cached.
_UNRESOLVED = "unresolved"


def origin_of(url: str) -> Origin:
    """(scheme, host, port) with default ports filled in; raises ValueError if unusable."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise ValueError("no host")
    port = parts.port or _DEFAULT_PORTS.get(scheme, 0)
    return scheme, host, port


def parse_ipv4_legacy(host: str) -> ipaddress.IPv4Address | None:
    """An IPv4 address in any inet_aton spelling (127.1, 2130706433, 0x7f000001, 0177.0.0.1)."""
    parts = host.split(".")
    if not 1 <= len(parts) <= 4:
        return None
    numbers: list[int] = []
    for part in parts:
        try:
            if part[:2].lower() == "0x":
                numbers.append(int(part[2:] or "0", 16))
            elif len(part) > 1 and part[0] == "0":
                numbers.append(int(part[1:], 8))
            elif part.isdigit():
                numbers.append(int(part))
            else:
                return None
        except ValueError:
            return None
    *head, last = numbers
    if any(n > 255 for n in head) or last >= 256 ** (4 - len(head)):
        return None
    value = 0
    for n in head:
        value = value << 8 | n
    value = value << 8 * (4 - len(head)) | last
    return ipaddress.IPv4Address(value)


def _literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return parse_ipv4_legacy(host)


def forbidden_reason(ip: IPAddress) -> str | None:
    """Why an address must not be fetched, or None for a public address."""
    if isinstance(ip, ipaddress.IPv6Address):
        mapped = ip.ipv4_mapped or ip.sixtofour
        if mapped is not None:
            reason = forbidden_reason(mapped)
            return f"{reason} (via {ip})" if reason else None
    checks = (
        (ip.is_loopback, "loopback"),
        (ip.is_link_local, "link-local"),
        (ip.is_unspecified, "unspecified"),
        (ip.is_multicast, "multicast"),
        (isinstance(ip, ipaddress.IPv4Address) and ip in _CGNAT, "carrier-grade NAT"),
        *((ip.version == net.version and ip in net, name) for net, name in _NON_PUBLIC),
        (ip.is_private, "private"),
        (ip.is_reserved, "reserved"),
        (not ip.is_global, "non-public"),
    )
    for hit, name in checks:
        if hit:
            return f"{name} address {ip}"
    return None


async def _system_resolver(host: str, port: int) -> list[str]:
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


class AddressPolicy:
    """Refuses non-http(s) schemes and non-public addresses, except allowed origins."""

    def __init__(self, allow_origins: Iterable[str] = (), resolver: Resolver | None = None) -> None:
        self._allowed: set[Origin] = set()
        for origin in allow_origins:
            try:
                self._allowed.add(origin_of(origin))
            except ValueError:
                continue
        self._resolve = resolver or _system_resolver
        self._by_host: dict[tuple[str, int], str | None] = {}
        self._vetted: dict[str, list[str]] = {}

    def vetted_addresses(self, host: str) -> list[str] | None:
        """The addresses `host` resolved to when it passed the check, for connecting to them.

        Connecting to what was checked (not to a fresh lookup) closes the DNS-rebinding gap.
        None: not a name the policy resolved (a literal, an allowed origin); an empty list:
        the name resolved to nothing, so there is nothing the transport may connect to.
        """
        return self._vetted.get(host.lower().rstrip("."))

    def allows_origin(self, url: str) -> bool:
        try:
            return origin_of(url) in self._allowed
        except ValueError:
            return False

    async def check(self, url: str) -> str | None:
        """None when `url` may be fetched, else a short reason."""
        try:
            parts = urlsplit(url.strip())
            scheme = parts.scheme.lower()
            if scheme not in _DEFAULT_PORTS:
                return f"scheme {scheme or '(none)'!r} is not http or https"
            host = (parts.hostname or "").rstrip(".")
            port = parts.port or _DEFAULT_PORTS[scheme]
        except ValueError as exc:
            return f"unusable URL: {exc}"
        if not host:
            return "unusable URL: no host"
        if (scheme, host, port) in self._allowed:
            return None
        key = (host, port)
        if key in self._by_host:
            return self._by_host[key]
        reason = await self._check_host(host, port)
        if reason is _UNRESOLVED:
            return None
        self._by_host[key] = reason
        return reason

    async def _check_host(self, host: str, port: int) -> str | None:
        if host == "localhost" or host.endswith(".localhost"):
            return f"host {host} is local"
        literal = _literal(host)
        if literal is not None:
            return forbidden_reason(literal)
        try:
            addresses = await self._resolve(host, port)
        except (OSError, UnicodeError):
            addresses = []
        if not addresses:
            # Unresolvable now: the fetch reports the network error. Nothing was checked, so
            # the transport must not look the name up itself (a second answer may be 127.0.0.1),
            # and nothing is cached: a retry asks the resolver again and checks its answer.
            self._vetted.setdefault(host, [])
            return _UNRESOLVED
        for address in addresses:
            try:
                ip = ipaddress.ip_address(address.split("%", 1)[0])
            except ValueError:
                return f"{host} resolves to an unparseable address"
            reason = forbidden_reason(ip)
            if reason:
                return f"{host} resolves to {reason}"
        self._vetted[host] = list(dict.fromkeys(addresses))
        return None
