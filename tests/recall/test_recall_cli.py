"""`safeguard recall assess CASE.json [--on DATE]` as a user runs it (contracts.md §4)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from safeguard.recall.cli import app

runner = CliRunner()

CASE: dict[str, Any] = {
    "sentence": {"type": "determinate", "length_months": 30},
    "age": 25,
    "mappa": {"category": 1, "level": 1},
    "charged_with_new_offence": False,
    "terrorist_sentence": False,
    "terrorism_or_state_threat_charge": False,
    "recall_date": "2025-10-01",
}


def write(tmp_path: Path, content: object) -> Path:
    path = tmp_path / "case.json"
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    return path


def test_contract_example_prints_the_ftr48_assessment(tmp_path: Path) -> None:
    result = runner.invoke(app, ["assess", str(write(tmp_path, CASE))])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["options"] == ["fixed_term", "no_recall"]
    assert out["fixed_term_mandatory"] is True
    assert out["fixed_term_days"] == 28
    assert out["rule_set"] == "FTR48 from 2025-09-02"
    assert isinstance(out["reasons"], list) and out["reasons"]


def test_excluded_case_prints_standard_and_the_reason(tmp_path: Path) -> None:
    case = {**CASE, "mappa": {"category": 1, "level": 2}}
    out = json.loads(runner.invoke(app, ["assess", str(write(tmp_path, case))]).stdout)
    assert out["options"] == ["standard", "no_recall"]
    assert out["fixed_term_mandatory"] is False
    assert out["fixed_term_days"] is None
    assert any("MAPPA level 2 or 3" in r for r in out["reasons"])


def test_on_overrides_the_recall_date(tmp_path: Path) -> None:
    path = str(write(tmp_path, CASE))
    before = json.loads(runner.invoke(app, ["assess", path, "--on", "2025-09-01"]).stdout)
    assert before["rule_set"] == "Discretionary FTR before 2025-09-02"
    assert before["options"] == ["fixed_term", "standard", "no_recall"]
    later = json.loads(runner.invoke(app, ["assess", path, "--on", "2026-03-31"]).stdout)
    assert later["rule_set"] == "FTR56 from 2026-03-31"
    assert later["fixed_term_days"] == 56


def test_on_supplies_a_missing_recall_date(tmp_path: Path) -> None:
    case = {k: v for k, v in CASE.items() if k != "recall_date"}
    result = runner.invoke(app, ["assess", str(write(tmp_path, case)), "--on", "2025-10-01"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["fixed_term_days"] == 28


def test_output_is_byte_identical_between_runs(tmp_path: Path) -> None:
    path = str(write(tmp_path, CASE))
    assert (
        runner.invoke(app, ["assess", path]).stdout == runner.invoke(app, ["assess", path]).stdout
    )


BAD_CASES = [
    ("not json", "{not json", "not valid JSON"),
    ("not an object", "[1, 2]", "JSON object"),
    ("missing sentence", {**CASE, "sentence": None}, "sentence is missing"),
    (
        "missing sentence type",
        {**CASE, "sentence": {"length_months": 30}},
        "sentence.type is missing",
    ),
    ("unknown sentence type", {**CASE, "sentence": {"type": "suspended"}}, "sentence.type must be"),
    ("missing length", {**CASE, "sentence": {"type": "determinate"}}, "length_months is required"),
    (
        "negative length",
        {**CASE, "sentence": {"type": "determinate", "length_months": -1}},
        "length_months must be",
    ),
    ("bad recall date", {**CASE, "recall_date": "2025-13-01"}, "recall_date must be a real date"),
    ("recall date not text", {**CASE, "recall_date": 20251001}, "recall_date must be a date"),
    (
        "no date at all",
        {k: v for k, v in CASE.items() if k != "recall_date"},
        "recall_date is missing",
    ),
    (
        "flag not boolean",
        {**CASE, "terrorist_sentence": "no"},
        "terrorist_sentence must be true or false",
    ),
    ("bad MAPPA level", {**CASE, "mappa": {"category": 1, "level": 5}}, "mappa.level"),
    ("age missing", {k: v for k, v in CASE.items() if k != "age"}, "age is required"),
]


@pytest.mark.parametrize(("label", "content", "message"), BAD_CASES, ids=[b[0] for b in BAD_CASES])
def test_bad_input_exits_2_with_one_line(
    tmp_path: Path, label: str, content: object, message: str
) -> None:
    result = runner.invoke(app, ["assess", str(write(tmp_path, content))])
    assert result.exit_code == 2, label
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert message in lines[0]


def test_bad_on_date_exits_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["assess", str(write(tmp_path, CASE)), "--on", "yesterday"])
    assert result.exit_code == 2
    assert (
        result.stderr.strip() == "error: --on must be a real date like 2025-10-01 (got 'yesterday')"
    )


def test_missing_file_exits_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["assess", str(tmp_path / "nowhere.json")])
    assert result.exit_code == 2
    assert "cannot read" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
