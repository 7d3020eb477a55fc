"""Input handling: rejected rows and their reasons, duplicates, unusable input, determinism."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from typer.testing import CliRunner

from safeguard.monitoring.cli import app
from tests.monitoring.helpers import (
    EVENT_HEADER,
    FIX_HEADER,
    address,
    check,
    fix_rows,
    order,
    polygon,
    read_jsonl,
    square,
    stay,
    track,
    write_csv,
    zone,
)

GOOD = "2026-06-10T10:00:00Z"


def run_cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["check", *args])
    return result.exit_code, result.output


def write_orders(folder: Path, orders: list[dict[str, object]]) -> Path:
    path = folder / "orders.json"
    path.write_text(json.dumps({"orders": orders}), encoding="utf-8")
    return path


def test_every_rejected_fix_row_is_reported_with_its_line_and_reason(tmp_path: Path) -> None:
    lines = [
        "subject,seq,recorded_at,lat,lon,accuracy_m",  # line 1
        "P-1,1,2026-06-10T10:00:00Z,51.5,-0.1,10",  # 2: fine
        "P-1,2,2026-06-10T10:01:00Z,51.5,-0.1",  # 3: a field short
        ",3,2026-06-10T10:02:00Z,51.5,-0.1,10",  # 4: empty subject
        "P-9,4,2026-06-10T10:03:00Z,51.5,-0.1,10",  # 5: unknown subject
        "P-1,five,2026-06-10T10:04:00Z,51.5,-0.1,10",  # 6: seq not an integer
        "P-1,6,10 June 2026,51.5,-0.1,10",  # 7: time does not parse
        "P-1,7,2026-06-10T10:06:00,51.5,-0.1,10",  # 8: time without an offset
        "P-1,8,2026-06-10T10:07:00Z,91,-0.1,10",  # 9: latitude out of range
        "P-1,9,2026-06-10T10:08:00Z,51.5,-180.5,10",  # 10: longitude out of range
        "P-1,10,2026-06-10T10:09:00Z,north,-0.1,10",  # 11: latitude not a number
        "P-1,11,2026-06-10T10:10:00Z,51.5,-0.1,-3",  # 12: accuracy negative
        "P-1,12,2026-06-10T10:11:00Z,51.5,-0.1,good",  # 13: accuracy not a number
        "",  # 14: a blank line, skipped
        "P-1,13,2026-06-10T10:12:00Z,51.5,-0.1,",  # 15: blank accuracy: the default
    ]
    (tmp_path / "fixes.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    orders = write_orders(tmp_path, [order("P-1")])
    out = tmp_path / "VIOLATIONS.jsonl"
    code, _ = run_cli(str(orders), str(tmp_path / "fixes.csv"), "--out", str(out))
    assert code == 0
    errors = read_jsonl(tmp_path / "VIOLATIONS.errors.jsonl")
    reasons = {e["line"]: e["reason"] for e in errors}
    assert sorted(reasons) == [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]
    assert {e["file"] for e in errors} == {"fixes"}
    expected_words = {
        3: "field count",
        4: "empty subject",
        5: "unknown subject",
        6: "seq",
        7: "does not parse",
        8: "no offset",
        9: "lat outside",
        10: "lon outside",
        11: "lat is not a number",
        12: "negative",
        13: "accuracy_m is not a number",
    }
    for line, words in expected_words.items():
        assert words in reasons[line]


def test_unknown_event_kinds_are_rejected(tmp_path: Path) -> None:
    events = [
        ("P-1", 1, GOOD, "strap_tamper"),
        ("P-1", 2, GOOD, "door_opened"),
        ("P-1", 3, "yesterday", "charging"),
    ]
    result = check(tmp_path, [order("P-1", curfew_method="rf")], [], events)
    assert [(e["line"], e["file"]) for e in result.errors] == [(3, "events"), (4, "events")]
    assert "unknown event kind" in result.errors[0]["reason"]


def test_blank_accuracy_means_the_orders_default(tmp_path: Path) -> None:
    # 30 m inside a zone: inside at 10 m accuracy, uncertain at the default 50 m.
    z = zone("Z", "exclusion", polygon(square(0, 0, 60, 60)))
    fixes = track(GOOD, stay(4, 30, 30), acc="")  # blank accuracy_m
    assert check(tmp_path, [order(zones=[z])], fixes).violations == []
    result = check(tmp_path, [order(zones=[z], settings={"default_accuracy_m": 10})], fixes)
    assert [v["kind"] for v in result.violations] == ["exclusion_entry"]


def test_an_identical_resend_is_ignored_and_a_differing_copy_rejected(tmp_path: Path) -> None:
    rows = fix_rows(track(GOOD, stay(5, 0, 0)))
    resent = rows[2]  # the same fix again
    conflicting = [*rows[3][:3], "51.6", rows[3][4], rows[3][5]]  # seq 4 somewhere else
    write_csv(tmp_path / "fixes.csv", FIX_HEADER, [*rows, resent, conflicting])
    orders = write_orders(tmp_path, [order("P-1")])
    out = tmp_path / "v.jsonl"
    result = CliRunner().invoke(
        app, ["check", str(orders), str(tmp_path / "fixes.csv"), "--out", str(out)]
    )
    assert result.exit_code == 0
    errors = read_jsonl(tmp_path / "v.errors.jsonl")
    assert [e["line"] for e in errors] == [8]
    assert "conflicting copy" in errors[0]["reason"] and "line 5" in errors[0]["reason"]
    assert "5 accepted, 1 rejected, 1 repeats ignored" in result.output


def test_events_have_their_own_seq_space(tmp_path: Path) -> None:
    fixes = track(GOOD, stay(3, 0, 0))
    events = [
        ("P-1", 1, GOOD, "strap_tamper"),
        ("P-1", 2, "2026-06-10T10:02:00Z", "strap_restored"),
    ]
    result = check(tmp_path, [order("P-1")], fixes, events)
    assert result.errors == []
    assert [v["kind"] for v in result.violations] == ["tamper"]


def test_extra_columns_are_ignored_and_columns_found_by_name(tmp_path: Path) -> None:
    rows = fix_rows(track(GOOD, stay(3, 0, 0)))
    header = ["speed", *reversed(FIX_HEADER)]
    write_csv(tmp_path / "fixes.csv", header, (["3", *reversed(r)] for r in rows))
    orders = write_orders(tmp_path, [order("P-1")])
    code, _ = run_cli(str(orders), str(tmp_path / "fixes.csv"), "--out", str(tmp_path / "v.jsonl"))
    assert code == 0
    assert read_jsonl(tmp_path / "v.errors.jsonl") == []


def unusable(
    tmp_path: Path, orders_text: str, fixes_header: list[str] = FIX_HEADER, *extra: str
) -> str:
    (tmp_path / "orders.json").write_text(orders_text, encoding="utf-8")
    write_csv(tmp_path / "fixes.csv", fixes_header, fix_rows(track(GOOD, stay(2, 0, 0)))[:0])
    out = tmp_path / "v.jsonl"
    code, output = run_cli(
        str(tmp_path / "orders.json"), str(tmp_path / "fixes.csv"), "--out", str(out), *extra
    )
    assert code == 2
    assert not out.exists() and not (tmp_path / "v.errors.jsonl").exists()  # nothing written
    assert len(output.strip().splitlines()) == 1  # a one-line message
    return output


def test_orders_that_are_not_json_are_unusable(tmp_path: Path) -> None:
    assert "not valid JSON" in unusable(tmp_path, '{"orders": [')


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"zones": [zone("Z", "buffer", polygon(square(0, 0, 10, 10)))]}, "unknown kind"),
        (
            {
                "zones": [
                    zone(
                        "Z",
                        "exclusion",
                        {
                            "type": "Polygon",
                            "coordinates": [[[0, 51], [1, 52], [0, 52], [1, 51], [0, 51]]],
                        },
                    )
                ]
            },
            "invalid geometry",
        ),
        (
            {"zones": [zone("Z", "exclusion", {"type": "Point", "coordinates": [0, 51]})]},
            "Polygon or MultiPolygon",
        ),
        ({"starts": "2026-06-10T10:00:00"}, "starts has no offset"),
        ({"ends": "soon"}, "ends does not parse"),
        ({"timezone": "Europe/Atlantis"}, "unknown timezone"),
        (
            {
                "curfews": [
                    {"days": ["mon"], "from": "25:00", "until": "07:00", "address": address()}
                ]
            },
            "from",
        ),
        ({"settings": {"confirm_fixes": 0}}, "confirm_fixes"),
        ({"settings": {"confirm_fixe": 3}}, "unknown setting"),
    ],
)
def test_an_invalid_order_is_unusable_and_named(
    tmp_path: Path, change: dict[str, object], words: str
) -> None:
    message = unusable(tmp_path, json.dumps({"orders": [order("P-0042", **change)]}))
    assert "P-0042" in message and words in message


def test_a_duplicate_subject_is_unusable(tmp_path: Path) -> None:
    message = unusable(tmp_path, json.dumps({"orders": [order("P-7"), order("P-7")]}))
    assert "P-7" in message and "duplicate" in message


def test_a_missing_column_is_unusable(tmp_path: Path) -> None:
    message = unusable(
        tmp_path, json.dumps({"orders": [order()]}), ["subject", "seq", "recorded_at", "lat", "lon"]
    )
    assert "accuracy_m" in message


def test_a_bad_until_is_unusable(tmp_path: Path) -> None:
    assert "--until" in unusable(
        tmp_path, json.dumps({"orders": [order()]}), FIX_HEADER, "--until", "2026-06-10T10:00"
    )


def test_missing_files_are_unusable(tmp_path: Path) -> None:
    orders = write_orders(tmp_path, [order()])
    code, output = run_cli(
        str(orders), str(tmp_path / "nope.csv"), "--out", str(tmp_path / "v.jsonl")
    )
    assert code == 2 and "cannot read" in output
    write_csv(tmp_path / "fixes.csv", FIX_HEADER, [])
    write_csv(tmp_path / "events.csv", ["subject", "seq", "recorded_at"], [])
    code, output = run_cli(
        str(orders),
        str(tmp_path / "fixes.csv"),
        "--events",
        str(tmp_path / "events.csv"),
        "--out",
        str(tmp_path / "v.jsonl"),
    )
    assert code == 2 and "kind" in output
    assert EVENT_HEADER[-1] == "kind"


def test_the_same_input_in_any_row_order_gives_byte_identical_output(tmp_path: Path) -> None:
    z = zone("Z", "exclusion", polygon(square(0, 0, 200, 200)))
    nightly = {
        "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
        "from": "19:00",
        "until": "07:00",
        "address": address(500, 0, 60),
    }
    fixes = track("2026-06-10T17:30:00Z", stay(20, 100, 100) + stay(20, 2000, 0) + stay(30, 500, 0))
    rows = fix_rows(fixes) + fix_rows(
        track("2026-06-10T17:00:00Z", stay(10, 100, 100), subject="P-2")
    )
    orders = write_orders(
        tmp_path, [order("P-1", zones=[z], curfews=[nightly]), order("P-2", zones=[z])]
    )
    outputs = []
    for attempt in range(3):
        random.Random(attempt).shuffle(rows)
        write_csv(tmp_path / f"fixes{attempt}.csv", FIX_HEADER, rows)
        out = tmp_path / f"v{attempt}.jsonl"
        assert (
            run_cli(str(orders), str(tmp_path / f"fixes{attempt}.csv"), "--out", str(out))[0] == 0
        )
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1] == outputs[2]
    assert len(outputs[0].splitlines()) == 4


def test_the_errors_file_is_always_written_beside_the_output(tmp_path: Path) -> None:
    result = check(tmp_path, [order()], track(GOOD, stay(3, 0, 0)))
    assert result.summary.errors == tmp_path / "violations.errors.jsonl"
    assert result.summary.errors.read_text() == ""


def test_a_resend_written_with_another_offset_is_the_same_fix(tmp_path: Path) -> None:
    lines = [
        "Subject, SEQ ,recorded_at,lat,lon,accuracy_m",  # header names: any case, spaces
        "P-1,1,2026-06-10T10:00:00Z,51.5,-0.1,10",
        "P-1,1,2026-06-10T11:00:00+01:00,51.50,-0.100,10.0",  # the same fix, written otherwise
        '"P-1",2,2026-06-10T10:01:00Z,51.5,-0.1,"1',  # a quoted field running onto the next line
        '0"',
        "P-1,3,2026-06-10T10:02:00Z,51.5,-0.1,x",  # line 6
    ]
    (tmp_path / "fixes.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    orders = write_orders(tmp_path, [order("P-1")])
    result = CliRunner().invoke(
        app, ["check", str(orders), str(tmp_path / "fixes.csv"), "--out", str(tmp_path / "v.jsonl")]
    )
    assert result.exit_code == 0
    errors = read_jsonl(tmp_path / "v.errors.jsonl")
    assert [(e["line"], e["reason"].split(":")[0]) for e in errors] == [
        (4, "accuracy_m is not a number"),
        (6, "accuracy_m is not a number"),
    ]
    assert "1 accepted, 2 rejected, 1 repeats ignored" in result.output


def test_an_output_folder_that_does_not_exist_is_unusable(tmp_path: Path) -> None:
    orders = write_orders(tmp_path, [order()])
    write_csv(tmp_path / "fixes.csv", FIX_HEADER, fix_rows(track(GOOD, stay(2, 0, 0))))
    out = tmp_path / "missing" / "v.jsonl"
    code, output = run_cli(str(orders), str(tmp_path / "fixes.csv"), "--out", str(out))
    assert code == 2 and "cannot write" in output
