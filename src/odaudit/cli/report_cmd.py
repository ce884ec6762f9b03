"""`odaudit report`: re-render Markdown and HTML from a stored run, without the network."""

from __future__ import annotations

from pathlib import Path

import typer

from odaudit.cli.common import err, fail, load_run_ref
from odaudit.cli.run_cmd import LANG
from odaudit.models import ExitCode
from odaudit.store.view import RunView

COMPARE_HELP = (
    "Earlier run to report changes against: a run id in --store, 'previous', a store path "
    "or PATH#ID; 'none' leaves changes out [default: the latest complete run before this one]."
)


def _compare_run(ref: str, store: Path, run_id: int) -> RunView:
    """The earlier run `ref` names; exits 2 when it is missing or is the run itself."""
    previous = load_run_ref(ref, store, before=run_id)
    same_store = ref.isdigit() or ref in ("latest", "previous")
    if same_store and previous.manifest.run_id == run_id:
        raise fail(f"--compare {ref} names run {run_id}, the run being reported")
    return previous


def register(app: typer.Typer) -> None:
    @app.command("report")
    def report(
        store: Path = typer.Option(..., "--store", "-s", help="SQLite store written by a run."),
        run: str | None = typer.Option(
            None, "--run", help="Run id [default: the latest complete run]."
        ),
        out_dir: Path | None = typer.Option(
            None, "--out", "-o", help="Output folder [default: the store's folder]."
        ),
        lang: str = LANG,
        compare: str | None = typer.Option(None, "--compare", "-c", help=COMPARE_HELP),
    ) -> None:
        """Render index.md, index.html and scores.csv from a stored run."""
        from odaudit.outputs import write_run_outputs
        from odaudit.store import Store, StoreError

        if lang not in ("es", "en"):
            err.print(f"[bold red]error:[/] --lang must be es or en, not {lang!r}")
            raise typer.Exit(int(ExitCode.USAGE))
        try:
            with Store.open(store, create=False) as st:
                run_id = st.resolve_run(run)
                previous = None
                if compare is not None and compare != "none":
                    previous = _compare_run(compare, store, run_id)
                written = write_run_outputs(
                    st,
                    run_id,
                    out_dir or store.parent,
                    lang=lang,
                    compare_with=previous,
                    compare=compare != "none",
                )
        except (StoreError, ValueError) as exc:
            err.print(f"[bold red]error:[/] {exc}")
            raise typer.Exit(int(ExitCode.USAGE)) from None
        against = f" (changes since run {previous.manifest.run_id})" if previous else ""
        err.print(
            f"run {run_id}{against}: wrote {', '.join(str(p) for p in written)}", highlight=False
        )
