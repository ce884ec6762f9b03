"""Connections go to the addresses the policy vetted, not to a second DNS answer."""

from __future__ import annotations

import asyncio
import socket
from typing import Any

import httpx
import pytest
from tests.http.conftest import Settings
from tests.http.hostile import CountingServer

from odaudit.http import Fetcher
from odaudit.http.policy import AddressPolicy
from odaudit.http.wire import WireTransport
from odaudit.models import Probe, ProbeOutcome


def test_policy_remembers_what_it_vetted() -> None:
    async def resolver(host: str, port: int) -> list[str]:
        return ["93.184.216.34", "93.184.216.34", "2606:2800:220:1::1"]

    policy = AddressPolicy([], resolver=resolver)
    assert policy.vetted_addresses("datos.example") is None
    assert asyncio.run(policy.check("https://Datos.Example./x")) is None
    assert policy.vetted_addresses("datos.example") == ["93.184.216.34", "2606:2800:220:1::1"]


def test_transport_connects_to_the_pinned_address(hostile: CountingServer) -> None:
    # "unresolvable.invalid" cannot be looked up: the connection only works through the pin
    transport = WireTransport(
        pinned=lambda host: ["127.0.0.1"] if host == "unresolvable.invalid" else None
    )

    async def main() -> tuple[int, bytes]:
        url = f"http://unresolvable.invalid:{hostile.server_port}/file.csv"
        response = await transport.handle_async_request(httpx.Request("GET", url))
        body = await response.aread()
        await response.aclose()
        await transport.aclose()
        return response.status_code, body

    status, body = asyncio.run(main())
    assert status == 200 and body
    assert hostile.connections == 1


def test_a_name_that_resolved_to_nothing_pins_to_nothing_and_is_asked_again() -> None:
    calls: list[str] = []

    async def resolver(host: str, port: int) -> list[str]:
        calls.append(host)
        if len(calls) == 1:
            raise OSError("Temporary failure in name resolution")
        return [] if len(calls) == 2 else ["93.184.216.34"]

    policy = AddressPolicy([], resolver=resolver)

    async def main() -> list[list[str] | None]:
        vetted = []
        for _ in range(4):
            assert await policy.check("https://datos.example/x") is None
            vetted.append(policy.vetted_addresses("datos.example"))
        return vetted

    assert asyncio.run(main()) == [[], [], ["93.184.216.34"], ["93.184.216.34"]]
    assert len(calls) == 3  # failures are not cached; the answer that resolved is


def test_transport_never_looks_up_a_name_pinned_to_nothing(hostile: CountingServer) -> None:
    transport = WireTransport(pinned=lambda host: [] if host == "localhost" else None)

    async def main() -> None:
        url = f"http://localhost:{hostile.server_port}/file.csv"
        try:
            with pytest.raises(httpx.ConnectError, match="did not resolve"):
                await transport.handle_async_request(httpx.Request("GET", url))
        finally:
            await transport.aclose()

    asyncio.run(main())
    assert hostile.connections == 0


def test_dns_that_fails_for_the_check_and_answers_loopback_after_is_never_connected(
    hostile: CountingServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # DNS rebinding by a failed first answer: the policy's lookup fails, the next one says
    # 127.0.0.1. Only the resolver the policy uses (the system's) is in play here.
    real = socket.getaddrinfo
    lookups: list[str] = []

    def rebinding(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host != "rebind.test":
            return real(host, *args, **kwargs)
        lookups.append(host)
        if len(lookups) == 1:
            raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")
        return real("127.0.0.1", *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    url = f"http://rebind.test:{hostile.server_port}/file.csv"

    async def main() -> tuple[Probe, Probe]:
        async with Fetcher(Settings(), AddressPolicy([]), probe_retries=0) as fetcher:
            first = await fetcher.probe(url)
            second = await fetcher.probe(url)
        return first, second

    first, second = asyncio.run(main())
    assert first.outcome is ProbeOutcome.NETWORK_ERROR
    assert "did not resolve" in first.error
    assert second.outcome is ProbeOutcome.REFUSED  # asked again, and this answer was checked
    assert "loopback" in second.error
    assert hostile.connections == 0
