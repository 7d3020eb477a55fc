"""The worked examples of contracts.md §1 (copied from the design folder into data/)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from safeguard.monitoring.cli import app
from tests.monitoring.helpers import CONTRACT_KEYS, read_jsonl

DATA = Path(__file__).parent / "data"


@pytest.mark.parametrize("case", ["exclusion_entry", "curfew_absence", "no_signal"])
def test_worked_example(case: str, tmp_path: Path) -> None:
    folder = DATA / case
    out = tmp_path / "VIOLATIONS.jsonl"
    result = CliRunner().invoke(
        app, ["check", str(folder / "orders.json"), str(folder / "fixes.csv"), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    got = [{key: v[key] for key in CONTRACT_KEYS} for v in read_jsonl(out)]
    assert got == read_jsonl(folder / "expected.jsonl")
    assert read_jsonl(tmp_path / "VIOLATIONS.errors.jsonl") == []
    assert "1 violations" in result.output  # the summary, on stderr


def test_violations_name_the_rule_version_settings_and_evidence(tmp_path: Path) -> None:
    folder = DATA / "exclusion_entry"
    out = tmp_path / "v.jsonl"
    CliRunner().invoke(
        app, ["check", str(folder / "orders.json"), str(folder / "fixes.csv"), "--out", str(out)]
    )
    (violation,) = read_jsonl(out)
    assert violation["rule_version"] == "em-rules/1"
    assert violation["settings"] == {
        "confirm_fixes": 2,
        "min_absence_minutes": 5,
        "max_gap_minutes": 15,
        "default_accuracy_m": 50,
    }
    assert violation["evidence"] == {"start_seq": 31, "end_seq": 51}


def test_command_line_defaults_apply_to_orders_without_settings(tmp_path: Path) -> None:
    folder = DATA / "no_signal"
    out = tmp_path / "v.jsonl"
    result = CliRunner().invoke(
        app,
        [
            "check",
            str(folder / "orders.json"),
            str(folder / "fixes.csv"),
            "--out",
            str(out),
            "--max-gap-minutes",
            "30",
        ],
    )
    assert result.exit_code == 0
    assert read_jsonl(out) == []  # the 25-minute gap is now allowed
