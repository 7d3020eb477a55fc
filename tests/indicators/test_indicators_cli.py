"""`safeguard indicators check` as a user runs it (contracts.md §3 and the general rules)."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from typer.testing import CliRunner

from safeguard.safeguarding.cli import app
from tests.indicators.helpers import Chronology, day, read_jsonl, write_jsonl

DATA = Path(__file__).parent / "data"
CONTRACT_KEYS = ("child", "rule", "raised_at", "evidence")


def run(*args: str | Path) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["check", *map(str, args)])
    return result.exit_code, result.stderr


@pytest.mark.parametrize("case", ["non-mobile-injury", "unknown-adult"])
def test_worked_example(case: str, tmp_path: Path) -> None:
    folder = DATA / case
    out = tmp_path / "ALERTS.jsonl"
    args = (folder / "args.txt").read_text().split()
    code, stderr = run(folder / "events.jsonl", *args, "--out", out)
    assert code == 0, stderr
    got = read_jsonl(out)
    expected = read_jsonl(folder / "expected.jsonl")
    assert [{k: a[k] for k in CONTRACT_KEYS} for a in got] == [
        {k: a[k] for k in CONTRACT_KEYS} for a in expected
    ]
    for alert in got:
        assert alert["explanation"].strip() and alert["guidance"].strip()
        assert alert["rule_version"] == "1"
    assert read_jsonl(tmp_path / "ALERTS.errors.jsonl") == []
    assert "5 events read, 0 rejected" in stderr and "1 alert for 1 child" in stderr


def _county(tmp_path: Path) -> Path:
    """Three children with alerts of several rules, written in a shuffled order."""
    events = []
    for n, child in enumerate(["C-2", "C-10", "C-1"]):
        c = Chronology(child)
        c.injury(day(n), mobile=False, id=f"{child}-a")
        c.injury(day(n + 1), "police", id=f"{child}-b")
        c.callout(day(n + 1, hours=1), adults=["P-x"])
        c.plan_start(day(n + 2))
        c.missed(day(n + 3))
        events += c.events
    random.Random(4).shuffle(events)
    return write_jsonl(tmp_path / "events.jsonl", events)


def test_alerts_are_sorted_by_child_time_rule_and_first_evidence(tmp_path: Path) -> None:
    out = tmp_path / "a.jsonl"
    code, _ = run(_county(tmp_path), "--as-of", "2009-02-01T00:00:00Z", "--out", out)
    assert code == 0
    got = [(a["child"], a["raised_at"], a["rule"], a["evidence"][0]) for a in read_jsonl(out)]
    assert got == sorted(got)
    assert {a["child"] for a in read_jsonl(out)} == {"C-1", "C-10", "C-2"}
    assert all(a["raised_at"].endswith("Z") and len(a["raised_at"]) == 20 for a in read_jsonl(out))


def test_output_is_byte_identical_on_a_second_run(tmp_path: Path) -> None:
    events = _county(tmp_path)
    run(events, "--out", tmp_path / "one.jsonl")
    run(events, "--out", tmp_path / "two.jsonl")
    assert (tmp_path / "one.jsonl").read_bytes() == (tmp_path / "two.jsonl").read_bytes()
    assert (tmp_path / "one.jsonl").read_bytes().count(b"\n") > 10


def test_file_order_does_not_matter(tmp_path: Path) -> None:
    lines = _county(tmp_path).read_text().splitlines(keepends=True)
    reversed_file = tmp_path / "reversed.jsonl"
    reversed_file.write_text("".join(reversed(lines)))
    run(tmp_path / "events.jsonl", "--out", tmp_path / "one.jsonl")
    run(reversed_file, "--out", tmp_path / "two.jsonl")
    assert (tmp_path / "one.jsonl").read_bytes() == (tmp_path / "two.jsonl").read_bytes()


def test_rejected_lines_go_beside_the_output_and_the_run_still_succeeds(tmp_path: Path) -> None:
    good = Chronology()
    good.injury(day(0), mobile=False)
    events = write_jsonl(tmp_path / "events.jsonl", good.events)
    with events.open("a") as handle:
        handle.write("\nnot json\n")
        handle.write(json.dumps({"id": "x", "child": "C-1", "kind": "visit"}) + "\n")
    out = tmp_path / "ALERTS.jsonl"
    code, stderr = run(events, "--out", out)
    assert code == 0
    assert read_jsonl(tmp_path / "ALERTS.errors.jsonl") == [
        {"line": 3, "reason": "not JSON"},
        {"line": 4, "reason": "missing at"},
    ]
    assert len(read_jsonl(out)) == 1
    assert "1 event read, 2 rejected" in stderr


def test_the_errors_file_is_written_even_when_empty(tmp_path: Path) -> None:
    events = tmp_path / "events.jsonl"
    events.write_text("")
    code, stderr = run(events, "--out", tmp_path / "out.jsonl")
    assert code == 0
    assert (tmp_path / "out.jsonl").read_text() == ""
    assert (tmp_path / "out.errors.jsonl").read_text() == ""
    assert "0 events read" in stderr


def test_as_of_ignores_later_events(tmp_path: Path) -> None:
    c = Chronology()
    c.injury(day(0), mobile=False)
    c.injury(day(10), mobile=False)
    events = write_jsonl(tmp_path / "events.jsonl", c.events)
    out = tmp_path / "out.jsonl"
    code, stderr = run(events, "--as-of", "2009-01-10T00:00:00+00:00", "--out", out)
    assert code == 0
    assert [a["evidence"] for a in read_jsonl(out)] == [["e1"]]
    assert "1 after --as-of ignored" in stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--as-of", "2009-01-10"], "--as-of"),
        (["--as-of", "yesterday"], "--as-of"),
        (["--rule-set", "99"], "no indicator rule set has version '99'"),
    ],
)
def test_unusable_arguments_exit_2_with_one_line_and_write_nothing(
    tmp_path: Path, args: list[str], message: str
) -> None:
    events = tmp_path / "events.jsonl"
    events.write_text("")
    out = tmp_path / "out.jsonl"
    code, stderr = run(events, *args, "--out", out)
    assert code == 2
    assert message in stderr and stderr.count("\n") == 1
    assert not out.exists() and not (tmp_path / "out.errors.jsonl").exists()


def test_an_unreadable_events_file_exits_2(tmp_path: Path) -> None:
    code, stderr = run(tmp_path / "missing.jsonl", "--out", tmp_path / "out.jsonl")
    assert code == 2 and "cannot read" in stderr
    code, stderr = run(tmp_path, "--out", tmp_path / "out.jsonl")  # a directory
    assert code == 2 and "cannot read" in stderr
    assert not (tmp_path / "out.jsonl").exists()


def test_an_output_in_a_missing_folder_exits_2(tmp_path: Path) -> None:
    events = tmp_path / "events.jsonl"
    events.write_text("")
    code, stderr = run(events, "--out", tmp_path / "nowhere" / "out.jsonl")
    assert code == 2 and "not a directory" in stderr


def test_a_byte_order_mark_before_the_first_line_is_accepted(tmp_path: Path) -> None:
    c = Chronology()
    c.injury(day(0), mobile=False)
    events = write_jsonl(tmp_path / "events.jsonl", c.events)
    events.write_bytes(b"\xef\xbb\xbf" + events.read_bytes())
    code, _ = run(events, "--out", tmp_path / "out.jsonl")
    assert code == 0
    assert read_jsonl(tmp_path / "out.errors.jsonl") == []
    assert len(read_jsonl(tmp_path / "out.jsonl")) == 1


def test_alerts_record_the_rule_version_and_its_settings(tmp_path: Path) -> None:
    c = Chronology()
    for n in (0, 10, 20):
        c.injury(day(n))
    events = write_jsonl(tmp_path / "events.jsonl", c.events)
    run(events, "--out", tmp_path / "out.jsonl", "--rule-set", "1")
    (alert,) = read_jsonl(tmp_path / "out.jsonl")
    assert alert["rule_version"] == "1"
    assert alert["settings"] == {
        "window_days": 90,
        "min_injuries": 3,
        "agency_window_days": 30,
        "min_agencies": 2,
    }


def test_help_lists_the_check_command() -> None:
    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0 and "check" in result.output
