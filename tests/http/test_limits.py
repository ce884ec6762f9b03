"""Politeness limits, seen through an injected transport that records what is in flight."""

from __future__ import annotations

import asyncio
from collections import Counter

import httpx
from tests.http.conftest import HostOverride, Settings

from odaudit.http import AddressPolicy, Fetcher


async def public(host: str, port: int) -> list[str]:
    return ["93.184.216.34"]


class Recorder:
    def __init__(self) -> None:
        self.now: Counter[str] = Counter()
        self.peak: Counter[str] = Counter()
        self.total = 0
        self.peak_total = 0

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        host = request.url.host
        self.now[host] += 1
        self.total += 1
        self.peak[host] = max(self.peak[host], self.now[host])
        self.peak_total = max(self.peak_total, self.total)
        for _ in range(5):  # stay in flight for a few loop turns
            await asyncio.sleep(0)
        self.now[host] -= 1
        self.total -= 1
        return httpx.Response(200, headers={"Content-Length": "2"}, content=b"ok")


def crawl(settings: Settings, urls: list[str], recorder: Recorder, sleeps: list[float]) -> None:
    async def fake_sleep(seconds: float) -> None:
        sleeps.append(seconds)

    async def main() -> None:
        policy = AddressPolicy([], resolver=public)
        transport = httpx.MockTransport(recorder)
        async with Fetcher(settings, policy, transport=transport, sleep=fake_sleep) as fetcher:
            probes = await asyncio.gather(*(fetcher.probe(u) for u in urls))
        assert all(p.status == 200 for p in probes), probes

    asyncio.run(main())


def test_per_host_and_global_concurrency() -> None:
    urls = [f"https://{h}.example/{i}.csv" for h in "abc" for i in range(10)]
    recorder = Recorder()
    crawl(Settings(concurrency=5, per_host_concurrency=2), urls, recorder, [])
    assert max(recorder.peak.values()) == 2
    assert recorder.peak_total == 5


def test_per_host_override() -> None:
    urls = [f"https://{h}.example/{i}.csv" for h in ("slow", "fast") for i in range(10)]
    recorder = Recorder()
    hosts = {"slow.example": HostOverride(per_host_concurrency=1)}
    crawl(Settings(concurrency=20, per_host_concurrency=4, hosts=hosts), urls, recorder, [])
    assert recorder.peak["slow.example"] == 1
    assert recorder.peak["fast.example"] == 4


def test_per_host_interval_spaces_requests() -> None:
    sleeps: list[float] = []
    urls = [f"https://a.example/{i}.csv" for i in range(3)] + ["https://b.example/x.csv"]
    hosts = {"b.example": HostOverride(per_host_interval=0.0)}
    crawl(Settings(per_host_interval=60.0, hosts=hosts), urls, Recorder(), sleeps)
    # the first request to a.example goes at once; the two after it each wait about a minute
    assert len(sleeps) == 2
    assert all(59.0 < s <= 60.0 for s in sleeps)


def test_the_config_crawl_settings_drive_the_fetcher() -> None:
    from odaudit.config.settings import CrawlSettings, HostSettings

    settings = CrawlSettings(
        concurrency=10, hosts={"a.example": HostSettings(per_host_concurrency=1)}
    )
    recorder = Recorder()
    seen: list[str] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["user-agent"])
        return await recorder(request)

    async def main() -> None:
        policy = AddressPolicy([], resolver=public)
        async with Fetcher(settings, policy, transport=httpx.MockTransport(handler)) as fetcher:
            await asyncio.gather(*(fetcher.probe(f"https://a.example/{i}") for i in range(4)))

    asyncio.run(main())
    assert recorder.peak["a.example"] == 1
    assert set(seen) == {settings.user_agent}
    assert settings.user_agent.startswith("odaudit/")
