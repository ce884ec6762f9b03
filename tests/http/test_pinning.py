"""Connections go to the addresses the policy vetted, not to a second DNS answer."""

from __future__ import annotations

import asyncio

from tests.http.hostile import CountingServer

from odaudit.http.netio import AsyncioBackend
from odaudit.http.policy import AddressPolicy


def test_policy_remembers_what_it_vetted() -> None:
    async def resolver(host: str, port: int) -> list[str]:
        return ["93.184.216.34", "93.184.216.34", "2606:2800:220:1::1"]

    policy = AddressPolicy([], resolver=resolver)
    assert policy.vetted_addresses("datos.example") is None
    assert asyncio.run(policy.check("https://Datos.Example./x")) is None
    assert policy.vetted_addresses("datos.example") == ["93.184.216.34", "2606:2800:220:1::1"]


def test_backend_connects_to_the_pinned_address(hostile: CountingServer) -> None:
    # "unresolvable.invalid" cannot be looked up: the connection only works through the pin
    backend = AsyncioBackend(lambda host: ["127.0.0.1"] if host == "unresolvable.invalid" else None)

    async def main() -> bytes:
        stream = await backend.connect_tcp("unresolvable.invalid", hostile.server_port, timeout=2)
        await stream.write(b"GET /file.csv HTTP/1.0\r\nHost: x\r\n\r\n", timeout=2)
        data = await stream.read(65536, timeout=2)
        await stream.aclose()
        return data

    assert asyncio.run(main()).startswith(b"HTTP/1.0 200")
    assert hostile.connections == 1
