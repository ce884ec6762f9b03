"""The wheel carries everything `odaudit demo` needs after a non-editable `pip install .`."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).parents[2]


def test_wheel_has_package_data(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--quiet",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    [wheel] = tmp_path.glob("odaudit-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in (
        "odaudit/rules/default.yaml",
        "odaudit/rules/formats.yaml",
        "odaudit/rules/licenses.yaml",
        "odaudit/rules/presets/mqa.yaml",
        "odaudit/demo/data/EXPECTED.md",
        "odaudit/demo/data/institutions.yaml",
        "odaudit/demo/data/ckan/packages.json",
        "odaudit/report/templates/report.html.j2",
        "odaudit/report/locales/messages.pot",
        "odaudit/report/locales/en/LC_MESSAGES/messages.po",
        "odaudit/py.typed",
    ):
        assert needed in names, needed
    assert any(n.startswith("odaudit/demo/data/site/files/") for n in names)
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "odaudit = odaudit.cli.main:main" in zipfile.ZipFile(wheel).read(entry_points).decode()
