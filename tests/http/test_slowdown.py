"""A host that answers 429 is slowed down, not hammered: wider gaps, one request at a time."""

from __future__ import annotations

import asyncio
from collections import Counter

import httpx
from tests.http.conftest import Run, Settings

from odaudit.http import AddressPolicy, Fetcher, SlowDown
from odaudit.http.limits import HostState

HOST = "127.0.0.1"


def test_each_429_widens_the_gap_to_the_host(run: Run) -> None:
    async def six(f: Fetcher) -> list[int]:
        return [(await f.get(run.url("/busy"))).status for _ in range(6)]

    statuses, fetcher = run(six, retries=0)
    assert statuses == [429, 429, 429, 200, 200, 200]
    # floor 0.5 s after the first 429, doubled by each further one; kept while it lasts
    assert run.sleeps == [0.5, 1.0, 2.0, 2.0, 2.0]
    assert fetcher.host_state(HOST) == HostState(
        host=HOST, concurrency=1, interval=2.0, slowed=True, throttled=3, in_flight=0
    )
    assert fetcher.host_states()[HOST].throttled == 3


def test_the_gap_is_capped(run: Run) -> None:
    async def four(f: Fetcher) -> None:
        for _ in range(4):
            await f.get(run.url("/busy"))

    run(four, retries=0, slow_down=SlowDown(floor=1.0, cap=1.5))
    assert run.sleeps == [1.0, 1.5, 1.5]


def test_retry_after_is_honoured_before_the_slow_down(run: Run) -> None:
    response, fetcher = run(lambda f: f.get(run.url("/retry-after")))
    assert response.status == 200
    assert run.sleeps == [7.0]  # the 0.5 s gap has passed while waiting Retry-After
    assert fetcher.host_state(HOST).slowed


def test_one_request_in_flight_while_slowed(run: Run) -> None:
    async def crowd(f: Fetcher) -> list[int]:
        first = await f.get(run.url("/busy"))  # 429: the host is slowed from here on
        assert first.status == 429
        answers = await asyncio.gather(*(f.get(run.url(f"/busy?n={i}")) for i in range(8)))
        return [a.status for a in answers]

    statuses, fetcher = run(crowd, Settings(per_host_concurrency=4), retries=0)
    assert statuses.count(429) == 2 and statuses.count(200) == 6
    assert run.server.peak == 1
    assert fetcher.host_state(HOST).throttled == 3


async def public(host: str, port: int) -> list[str]:
    return ["93.184.216.34"]


class Host:
    """A mock host that answers 429 while `limiting` and records how many requests overlap."""

    def __init__(self) -> None:
        self.limiting = False
        self.now = 0
        self.peak = 0
        self.seen: Counter[int] = Counter()

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        self.now += 1
        self.peak = max(self.peak, self.now)
        for _ in range(5):  # stay in flight for a few loop turns
            await asyncio.sleep(0)
        self.now -= 1
        status = 429 if self.limiting else 200
        self.seen[status] += 1
        return httpx.Response(status, headers={"Content-Length": "2"}, content=b"ok")


def test_concurrency_drops_to_one_and_recovers_after_a_run_of_answers() -> None:
    host = Host()
    sleeps: list[float] = []
    clock = [0.0]

    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        clock[0] += seconds

    async def wave(f: Fetcher) -> int:
        host.peak = 0
        await asyncio.gather(*(f.get(f"https://a.example/{i}.csv") for i in range(8)))
        return host.peak

    async def main() -> list[object]:
        policy = AddressPolicy([], resolver=public)
        async with Fetcher(
            Settings(per_host_concurrency=4),
            policy,
            transport=httpx.MockTransport(host),
            retries=0,
            sleep=sleep,
            clock=lambda: clock[0],
            slow_down=SlowDown(floor=0.5, recover_after=8),
        ) as f:
            seen: list[object] = [await wave(f)]
            host.limiting = True
            await f.get("https://a.example/limited.csv")
            host.limiting = False
            seen.append(f.host_state("a.example"))
            seen.append(await wave(f))  # slowed: one at a time, 0.5 s apart
            seen.append(f.host_state("A.example"))  # 8 answers in a row: 0.5 / 2 < floor
            seen.append(await wave(f))
            return seen

    before, slowed, peak_slowed, recovered, peak_after = asyncio.run(main())
    assert before == 4
    assert isinstance(slowed, HostState) and (slowed.concurrency, slowed.interval) == (1, 0.5)
    assert peak_slowed == 1
    assert isinstance(recovered, HostState) and not recovered.slowed
    assert (recovered.concurrency, recovered.interval, recovered.throttled) == (4, 0.0, 1)
    assert peak_after == 4
    assert sleeps == [0.5] * 8
    assert host.seen == Counter({200: 24, 429: 1})


def test_a_host_never_contacted_reads_as_configured(run: Run) -> None:
    async def nothing(f: Fetcher) -> HostState:
        return f.host_state("Quiet.example")

    state, fetcher = run(nothing, Settings(per_host_concurrency=3, per_host_interval=1.5))
    assert state == HostState("quiet.example", 3, 1.5, False, 0, 0)
    assert fetcher.host_states() == {}
