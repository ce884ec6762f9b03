"""The per-institution budget of resources in flight (`pipeline._Budget`)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from tests.pipeline.slowportal import SlowPortal

from odaudit.config import default_rules_path, load_config
from odaudit.pipeline import AuditOptions, _Budget, audit

NOW = datetime(2026, 11, 22, tzinfo=UTC)


def test_a_dataset_takes_one_unit_per_resource_and_waits_for_them() -> None:
    async def scenario() -> list[str]:
        budget = _Budget(6)
        events: list[str] = []
        await budget.acquire(budget.units(3))
        await budget.acquire(budget.units(3))
        assert budget.free == 0

        async def third() -> None:
            await budget.acquire(budget.units(2))
            events.append("third started")

        task = asyncio.ensure_future(third())
        await asyncio.sleep(0.01)
        events.append("first done")
        budget.release(3)
        await task
        assert budget.free == 1
        return events

    assert asyncio.run(scenario()) == ["first done", "third started"]


def test_a_dataset_larger_than_the_budget_runs_alone() -> None:
    async def scenario() -> None:
        budget = _Budget(4)
        units = budget.units(300)
        assert units == 4
        await budget.acquire(1)
        waiting = asyncio.ensure_future(budget.acquire(units))
        await asyncio.sleep(0.01)
        assert not waiting.done()  # waits for everything in flight to finish
        budget.release(1)
        await waiting
        assert budget.free == 0

    asyncio.run(scenario())


def test_an_empty_dataset_still_takes_a_unit() -> None:
    assert _Budget(8).units(0) == 1
    assert _Budget(0).total == 1


def test_a_cancelled_wait_leaves_the_budget_whole() -> None:
    async def scenario() -> None:
        budget = _Budget(2)
        await budget.acquire(2)
        waiting = asyncio.ensure_future(budget.acquire(1))
        await asyncio.sleep(0.01)
        waiting.cancel()
        await asyncio.gather(waiting, return_exceptions=True)
        budget.release(2)
        assert budget.free == 2
        await budget.acquire(2)

    asyncio.run(scenario())


def _most_at_once(starts: list[float], window: float) -> int:
    starts = sorted(starts)
    return max(sum(1 for t in starts[i:] if t - s < window) for i, s in enumerate(starts))


def test_a_run_keeps_within_its_budget_of_resources(tmp_path: Path) -> None:
    """Datasets of two files and a budget of three: one dataset in flight at a time,
    though the host would take more requests at once."""
    results = {}
    for budget in (3, 4):
        with SlowPortal(4, delay=0.4) as portal:
            config_path = tmp_path / f"institutions-{budget}.yaml"
            config_path.write_text(
                f'allow_origins: ["{portal.base_url}"]\n'
                "crawl: {timeout: 10, per_host_concurrency: 16, validate: false}\n"
                "institutions:\n" + portal.institution(),
                encoding="utf-8",
            )
            config, method = load_config(config_path, default_rules_path())
            options = AuditOptions(now=NOW, resources_in_flight=budget)
            audit(config, method, tmp_path / f"odaudit-{budget}.sqlite", options)
            starts = [t for t, path in portal.log if path.startswith("/files/")]
            results[budget] = _most_at_once(starts, 0.3)
    assert results == {3: 2, 4: 4}
