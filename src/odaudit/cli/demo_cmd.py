"""`odaudit demo`: the whole audit on bundled demo portals served on 127.0.0.1."""

from __future__ import annotations

from pathlib import Path

import typer

from odaudit.cli.common import err, load_config_or_exit
from odaudit.cli.run_cmd import FAIL_ON, FAIL_UNDER, LANG, LOG_FORMAT, execute, severity_or_exit


def register(app: typer.Typer) -> None:
    @app.command("demo")
    def demo(
        out_dir: Path = typer.Option(Path("reports/demo"), "--out", "-o", help="Output folder."),
        lang: str = LANG,
        fail_under: float | None = FAIL_UNDER,
        fail_on: str | None = FAIL_ON,
        log_format: str = LOG_FORMAT,
    ) -> None:
        """Start the demo portals (a small fake Guatemala) on 127.0.0.1 and audit them.

        Needs no network. Writes index.md, index.html, scores.csv, the SQLite store and the
        demo's institutions.yaml into --out, and prints the ranking.
        """
        from odaudit.demo import DemoServer, write_demo_config

        severity = severity_or_exit(fail_on)
        with DemoServer() as server:
            err.print(f"demo portals serving on {server.base_url}", highlight=False)
            config_path = write_demo_config(server.base_url, out_dir / "institutions.yaml")
            config, methodology = load_config_or_exit(config_path, None)
            code = execute(
                config,
                methodology,
                out_dir=out_dir,
                store_path=out_dir / "odaudit.sqlite",
                now=None,
                lang=lang,
                fail_under=fail_under,
                fail_on=severity,
                log_format=log_format,
            )
        raise typer.Exit(code)
