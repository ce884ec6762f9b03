"""The report renders a run read back from a real SQLite store exactly as the run itself."""

from __future__ import annotations

from pathlib import Path

from tests.report.report_runs import FakeRule

from odaudit.models import Institution, Source
from odaudit.report import render_html, render_markdown
from odaudit.store import Store
from odaudit.store.view import RunView


def _store(view: RunView, path: Path) -> RunView:
    with Store.open(path) as store:
        run_id = store.start_run(view.manifest, view.methodology)
        for position, inst in enumerate(view.institutions):
            store.add_institution(
                run_id,
                Institution(inst.code, inst.name, inst.sector, website=inst.website),
                position,
            )
            for n, src in enumerate(inst.sources):
                store.add_source_result(run_id, inst.code, n, Source(src.type, src.url), src)
            for dv in inst.datasets:
                store.add_dataset(run_id, inst.code, dv.dataset, dv.probes.values(), dv.findings)
            store.add_institution_findings(run_id, inst.code, inst.findings, inst.coverage)
        assert view.scorecard is not None
        store.save_scores(run_id, view.scorecard)
        store.finish_run(run_id, view.manifest.status)
        return store.load_run(run_id)


def test_stored_run_renders_like_the_original(
    run: RunView, rules: list[FakeRule], tmp_path: Path
) -> None:
    loaded = _store(run, tmp_path / "odaudit.sqlite")
    assert loaded.manifest.finished_at  # the store stamps the real finishing time
    loaded.manifest = run.manifest
    assert render_markdown(loaded, rules) == render_markdown(run, rules)
    assert render_html(loaded, rules) == render_html(run, rules)


def test_stored_hostile_run_renders(
    hostile: RunView, rules: list[FakeRule], tmp_path: Path
) -> None:
    loaded = _store(hostile, tmp_path / "odaudit.sqlite")
    html = render_html(loaded, rules)
    assert "<script" not in html.lower()
    assert "&lt;script&gt;window.__pwned=1;alert(1)&lt;/script&gt;" in html
