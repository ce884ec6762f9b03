"""write_report: both files, written atomically, nothing half-written on failure."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.report.report_runs import FakeRule

from odaudit import fileio
from odaudit.report import render as render_module
from odaudit.report import render_html, render_markdown, write_report
from odaudit.store.view import RunView


def test_writes_index_md_and_html(run: RunView, rules: list[FakeRule], tmp_path: Path) -> None:
    out = tmp_path / "reports" / "2026"
    written = write_report(run, rules, out)
    assert written == [out / "index.md", out / "index.html"]
    assert (out / "index.md").read_text(encoding="utf-8") == render_markdown(run, rules)
    assert (out / "index.html").read_text(encoding="utf-8") == render_html(run, rules)
    assert sorted(p.name for p in out.iterdir()) == ["index.html", "index.md"]
    # readable by the web server that publishes it, not only by the auditor
    assert all(p.stat().st_mode & 0o777 == 0o644 for p in written)


def test_replaces_an_earlier_report(run: RunView, rules: list[FakeRule], tmp_path: Path) -> None:
    (tmp_path / "index.md").write_text("old", encoding="utf-8")
    (tmp_path / "index.md").chmod(0o664)
    (tmp_path / "index.html").write_text("old", encoding="utf-8")
    write_report(run, rules, tmp_path)
    assert (tmp_path / "index.md").read_text(encoding="utf-8").startswith("# Índice Nacional")
    assert (tmp_path / "index.md").stat().st_mode & 0o777 == 0o664  # the earlier mode is kept
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index.html", "index.md"]


def test_failure_leaves_the_previous_report(
    run: RunView, rules: list[FakeRule], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "index.md").write_text("previous md", encoding="utf-8")
    (tmp_path / "index.html").write_text("previous html", encoding="utf-8")
    real = render_module._render

    def broken(kind: str, template: str, context: object) -> str:
        if kind == "html":
            raise RuntimeError("template exploded")
        return real(kind, template, context)  # type: ignore[arg-type]

    monkeypatch.setattr(render_module, "_render", broken)
    with pytest.raises(RuntimeError):
        write_report(run, rules, tmp_path)
    assert (tmp_path / "index.md").read_text(encoding="utf-8") == "previous md"
    assert (tmp_path / "index.html").read_text(encoding="utf-8") == "previous html"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index.html", "index.md"]


def test_failed_write_leaves_no_temporary_file(
    run: RunView, rules: list[FakeRule], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_replace(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(fileio.os, "replace", no_replace)
    with pytest.raises(OSError):
        write_report(run, rules, tmp_path)
    assert list(tmp_path.iterdir()) == []
