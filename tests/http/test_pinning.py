"""Connections go to the addresses the policy vetted, not to a second DNS answer."""

from __future__ import annotations

import asyncio

import httpx
from tests.http.hostile import CountingServer

from odaudit.http.policy import AddressPolicy
from odaudit.http.wire import WireTransport


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
