"""The root command lists the areas without importing them, and loads one when it is run."""

from __future__ import annotations

import subprocess
import sys

from typer.testing import CliRunner

from safeguard.cli import app

runner = CliRunner()


def test_help_lists_every_area_without_importing_them() -> None:
    """`safeguard --help` answers without loading pandas/Splink or the engines."""
    code = (
        "import sys; from typer.testing import CliRunner; from safeguard.cli import app; "
        "r = CliRunner().invoke(app, ['--help']); print(r.output); "
        "print('HEAVY' if {'pandas', 'splink', 'shapely'} & set(sys.modules) else 'LIGHT')"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    for area in ("monitor", "indicators", "chronology", "recall", "licences", "link", "concerns"):
        assert f" {area} " in result.stdout
    assert result.stdout.strip().endswith("LIGHT")


def test_an_area_command_is_loaded_when_it_is_run() -> None:
    result = runner.invoke(app, ["recall", "--help"])
    assert result.exit_code == 0
    assert "assess" in result.output
