"""AddressPolicy over every spelling of a forbidden address; no network (resolution is faked)."""

from __future__ import annotations

import asyncio

import pytest

from odaudit.http.policy import AddressPolicy, parse_ipv4_legacy

FORBIDDEN = [
    "http://127.0.0.1/",
    "http://127.0.0.1:8080/datos.csv",
    "http://127.1/",
    "http://127.000.000.001/",
    "http://2130706433/",
    "http://0x7f000001/",
    "http://0x7f.0.0.1/",
    "http://0177.0.0.1/",
    "http://017700000001/",
    "http://localhost/",
    "http://LOCALHOST./",
    "http://api.localhost/",
    "http://[::1]/",
    "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:7f00:1]/",
    "http://[::ffff:169.254.169.254]/",
    "http://[2002:7f00:1::]/",  # 6to4 of 127.0.0.1
    "http://169.254.169.254/latest/meta-data/",
    "http://2852039166/",  # 169.254.169.254 in decimal
    "http://[fe80::1]/",
    "http://[fd00:ec2::254]/",  # the IPv6 metadata service
    "http://[fc00::1]/",
    "http://10.0.0.1/",
    "http://172.16.5.4/",
    "http://192.168.1.1/",
    "http://100.64.0.1/",
    "http://100.127.255.254/",
    "http://0.0.0.0/",
    "http://0/",
    "http://[::]/",
    "http://224.0.0.1/",
    "http://[ff02::1]/",
    "http://240.0.0.1/",
    "http://255.255.255.255/",
    "https://192.0.2.10/",  # documentation range: not routable
    # not public, though the ipaddress tables of some Python patch releases say otherwise
    "http://192.0.0.192/latest/meta-data/",  # Oracle Cloud's metadata service
    "http://192.0.0.100/",
    "http://[::ffff:192.0.0.192]/",
    "http://168.63.129.16/machine?comp=goalstate",  # Azure's WireServer
    "http://[fec0::1]/",  # site-local
    "http://[feff::1]/",
    "http://[3fff::1]/",  # documentation
]

ALLOWED = [
    "http://8.8.8.8/",
    "https://200.12.63.10/datos.csv",  # a Guatemalan public address
    "http://100.63.255.255/",  # just below CGNAT
    "http://100.128.0.1/",  # just above CGNAT
    "http://[2001:4860:4860::8888]/",
    "http://192.0.1.1/",  # just above 192.0.0.0/24
    "http://168.63.129.17/",
]


def check(policy: AddressPolicy, url: str) -> str | None:
    return asyncio.run(policy.check(url))


async def public(host: str, port: int) -> list[str]:
    return ["93.184.216.34"]


@pytest.mark.parametrize("url", FORBIDDEN)
def test_forbidden_spellings_are_refused(url: str) -> None:
    reason = check(AddressPolicy([], resolver=public), url)
    assert reason, url


@pytest.mark.parametrize("url", ALLOWED)
def test_public_literals_pass(url: str) -> None:
    assert check(AddressPolicy([], resolver=public), url) is None


def test_reasons_name_the_kind_of_address() -> None:
    policy = AddressPolicy([], resolver=public)
    assert "link-local" in (check(policy, "http://169.254.169.254/") or "")
    assert "loopback" in (check(policy, "http://[::ffff:127.0.0.1]/") or "")
    assert "carrier-grade" in (check(policy, "http://100.64.0.1/") or "")
    assert "metadata" in (check(policy, "http://192.0.0.192/") or "")
    assert "metadata" in (check(policy, "http://168.63.129.16/") or "")


def test_names_resolving_to_metadata_the_tables_miss_are_refused() -> None:
    async def oracle(host: str, port: int) -> list[str]:
        return ["192.0.0.192"]

    assert "metadata" in (check(AddressPolicy([], resolver=oracle), "http://md.example/") or "")


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://ftp.example.org/x", "gopher://x/", "javascript:x", "x"]
)
def test_only_http_and_https(url: str) -> None:
    assert "scheme" in (check(AddressPolicy([], resolver=public), url) or "")


def test_allowed_origin_is_exact() -> None:
    policy = AddressPolicy(["http://127.0.0.1:8765/"], resolver=public)
    assert check(policy, "http://127.0.0.1:8765/datos.csv") is None
    assert check(policy, "http://127.0.0.1:8766/") is not None
    assert check(policy, "https://127.0.0.1:8765/") is not None
    assert check(policy, "http://127.1:8765/") is not None  # another spelling is another origin
    assert policy.allows_origin("HTTP://127.0.0.1:8765")


def test_default_ports_are_normalised() -> None:
    policy = AddressPolicy(["http://127.0.0.1", "https://[::1]:443"], resolver=public)
    assert check(policy, "http://127.0.0.1:80/x") is None
    assert check(policy, "https://[::1]/x") is None
    assert check(policy, "http://127.0.0.1:8080/x") is not None


def test_names_are_checked_after_resolution_and_cached() -> None:
    calls: list[str] = []

    async def resolver(host: str, port: int) -> list[str]:
        calls.append(host)
        return {"evil.example": ["93.184.216.34", "10.1.2.3"], "rebind.example": ["::1"]}.get(
            host, ["93.184.216.34"]
        )

    policy = AddressPolicy([], resolver=resolver)
    assert "10.1.2.3" in (check(policy, "http://evil.example/a") or "")
    assert "::1" in (check(policy, "https://rebind.example/") or "")
    assert check(policy, "https://datos.gob.gt/a") is None
    assert check(policy, "https://datos.gob.gt/b") is None
    assert calls.count("datos.gob.gt") == 1


def test_unresolvable_names_are_left_to_the_fetch() -> None:
    async def failing(host: str, port: int) -> list[str]:
        raise OSError("Name or service not known")

    assert check(AddressPolicy([], resolver=failing), "https://no.such.host.example/") is None


def test_legacy_ipv4_parser() -> None:
    assert str(parse_ipv4_legacy("127.1")) == "127.0.0.1"
    assert str(parse_ipv4_legacy("10.1.2")) == "10.1.0.2"
    assert str(parse_ipv4_legacy("0x0A.0x1.0.1")) == "10.1.0.1"
    assert str(parse_ipv4_legacy("4294967295")) == "255.255.255.255"
    assert parse_ipv4_legacy("4294967296") is None
    assert parse_ipv4_legacy("256.1.1.1") is None
    assert parse_ipv4_legacy("1.2.3.4.5") is None
    assert parse_ipv4_legacy("08.1.1.1") is None  # 8 is not an octal digit
    assert parse_ipv4_legacy("datos.gob.gt") is None
    assert parse_ipv4_legacy("") is None
