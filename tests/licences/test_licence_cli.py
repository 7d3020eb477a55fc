"""`safeguard licences conditions [--policy VERSION] --format json` (contracts.md §5)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest
from typer.testing import CliRunner

from safeguard.licences.cli import app

runner = CliRunner()
V4_START = "SAFEGUARD_LICENCE_V4_START"


def run(*args: str, v4_start: str | None = None) -> Any:
    result = runner.invoke(app, ["conditions", *args], env={V4_START: v4_start})
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_v4_catalogue_is_printed_as_a_json_list_of_the_contract_shape() -> None:
    entries = run("--policy", "4.0", "--format", "json")
    assert isinstance(entries, list)
    assert len(entries) == 8 + 66
    for entry in entries:
        assert {
            "policy",
            "code",
            "licence_type",
            "kind",
            "category",
            "text",
            "inputs",
            "em_check",
        } <= (set(entry))
        assert entry["policy"] == "4.0"
    curfew = next(e for e in entries if e["code"] == "52faefcf-15f0-42c5-b908-621b4a7ecdb9")
    assert curfew["em_check"] == "direct"
    (number,) = curfew["inputs"]
    assert number["type"] == "radio"
    assert [len(o["inputs"]) for o in number["options"]] == [2, 4, 6]
    assert {"name", "type", "label", "required"} <= set(number["options"][0]["inputs"][0])


def test_v3_lists_pss_conditions_too() -> None:
    entries = run("--policy", "3")
    pss = [e for e in entries if e["licence_type"] == "PSS"]
    assert len(pss) == 10
    assert len(entries) == 9 + 63 + 8 + 2


def test_the_same_code_means_different_things_in_v3_and_v4() -> None:
    code = "e670ac69-eda2-4b04-a0a1-a3c8492fe1e6"
    v3 = next(e for e in run("--policy", "3.0") if e["code"] == code)
    v4 = next(e for e in run("--policy", "4.0") if e["code"] == code)
    assert v3["text"] != v4["text"]


def test_without_policy_and_without_a_v4_date_v3_is_in_force() -> None:
    assert {e["policy"] for e in run("--format", "json")} == {"3.0"}


def test_without_policy_v4_is_in_force_once_its_configured_date_has_passed() -> None:
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    assert {e["policy"] for e in run(v4_start=yesterday)} == {"4.0"}
    assert {e["policy"] for e in run(v4_start=tomorrow)} == {"3.0"}


def test_licence_start_chooses_the_version_for_that_date() -> None:
    assert run("--licence-start", "2026-06-01", v4_start="2026-06-01")[0]["policy"] == "4.0"
    assert run("--licence-start", "2026-05-31", v4_start="2026-06-01")[0]["policy"] == "3.0"


def test_output_is_byte_identical_between_runs() -> None:
    first = runner.invoke(app, ["conditions", "--policy", "4.0"]).stdout
    assert first == runner.invoke(app, ["conditions", "--policy", "4.0"]).stdout


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (["--policy", "2.1"], None, "unknown licence policy version '2.1'"),
        (["--format", "csv"], None, "the only format is json"),
        ([], "soon", "SAFEGUARD_LICENCE_V4_START must be a date"),
        (["--licence-start", "01/06/2026"], None, "--licence-start must be a date"),
    ],
)
def test_unusable_arguments_exit_2_with_one_line(
    args: list[str], env: str | None, message: str
) -> None:
    result = runner.invoke(app, ["conditions", *args], env={V4_START: env})
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0]
