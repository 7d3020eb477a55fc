"""EVENTS.jsonl lines: every reason a line is rejected, and what is accepted (contracts.md §3)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from safeguard.safeguarding.engine import parse_lines

GOOD = {
    "id": "e1",
    "child": "C-1",
    "at": "2007-04-09T11:00:00+01:00",
    "agency": "health",
    "kind": "injury",
    "details": {"site": "arm", "type": "bruise", "explanation": "fell", "mobile": True},
}


def _with(**changes: object) -> str:
    line = {**GOOD, **changes}
    return json.dumps({k: v for k, v in line.items() if v is not _DROP})


_DROP = object()


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("{not json", "not JSON"),
        ('{"id": "e1",', "not JSON"),
        ("[1, 2]", "not a JSON object"),
        ('"e1"', "not a JSON object"),
        ("17", "not a JSON object"),
        (_with(id=_DROP), "missing id"),
        (_with(id=None), "missing id"),
        (_with(id=""), "id is not a non-empty string"),
        (_with(id=17), "id is not a non-empty string"),
        (_with(child=_DROP), "missing child"),
        (_with(child=["C-1"]), "child is not a non-empty string"),
        (_with(kind=_DROP), "missing kind"),
        (_with(kind="home_visit"), "unknown kind 'home_visit'"),
        (_with(kind="Injury"), "unknown kind 'Injury'"),
        (_with(at=_DROP), "missing at"),
        (_with(at=None), "missing at"),
        (_with(at="2007-04-09T11:00:00"), "unparsable at"),  # no offset
        (_with(at="2007-04-09"), "unparsable at"),
        (_with(at="9 April 2007"), "unparsable at"),
        (_with(at="2007-04-31T11:00:00Z"), "unparsable at"),
        (_with(at=1176112800), "unparsable at"),
        (_with(at="0001-01-01T00:30:00+01:00"), "unparsable at"),  # before year 1 in UTC
        (_with(details=["site"]), "details is not a JSON object"),
        (_with(agency=3), "agency is not a string"),
    ],
)
def test_each_rejected_line_names_its_reason(line: str, reason: str) -> None:
    parsed = parse_lines([line])
    assert parsed.events == []
    (reject,) = parsed.rejects
    assert reject.line == 1
    assert reject.reason.startswith(reason)


def test_checks_run_in_the_contract_order() -> None:
    (reject,) = parse_lines([json.dumps({"kind": "nonsense"})]).rejects
    assert reject.reason == "missing id"


def test_times_with_an_offset_or_z_are_accepted_and_keep_their_offset() -> None:
    lines = [
        _with(id="a", at="2007-04-09T11:00:00+01:00"),
        _with(id="b", at="2007-04-09T10:00:00Z"),
        _with(id="c", at="2007-04-09T10:00:00.250+00:00"),
    ]
    a, b, c = parse_lines(lines).events
    assert a.instant == b.instant
    assert a.at.utcoffset() == timedelta(hours=1)
    assert c.at == datetime(2007, 4, 9, 10, 0, 0, 250_000, tzinfo=UTC)
    assert a.at.tzinfo == timezone(timedelta(hours=1))


def test_blank_lines_are_skipped_but_counted_in_line_numbers() -> None:
    parsed = parse_lines(["\n", _with(id="a") + "\n", "   \n", "oops\n", _with(id="b") + "\r\n"])
    assert [e.id for e in parsed.events] == ["a", "b"]
    assert [(r.line, r.reason) for r in parsed.rejects] == [(4, "not JSON")]
    assert [e.seq for e in parsed.events] == [2, 5]


def test_bytes_that_are_not_utf8_are_rejected_not_fatal() -> None:
    parsed = parse_lines([b"\xff\xfe{}\n", _with(id="a").encode()])
    assert [r.line for r in parsed.rejects] == [1]
    assert len(parsed.events) == 1


def test_a_repeated_id_for_the_same_child_is_rejected_naming_the_first_line() -> None:
    lines = [_with(id="e1"), _with(id="e1", child="C-2"), _with(id="e1", kind="concern")]
    parsed = parse_lines(lines)
    assert [(e.child, e.kind) for e in parsed.events] == [("C-1", "injury"), ("C-2", "injury")]
    (reject,) = parsed.rejects
    assert (reject.line, reject.reason) == (3, "duplicate id 'e1' for child 'C-1' (line 1)")


def test_optional_fields_default() -> None:
    (event,) = parse_lines([_with(agency=_DROP, details=_DROP)]).events
    assert (event.agency, dict(event.details)) == ("", {})
    (nulls,) = parse_lines([_with(agency=None, details=None)]).events
    assert (nulls.agency, dict(nulls.details)) == ("", {})


def test_unknown_agencies_and_extra_keys_are_kept() -> None:
    (event,) = parse_lines([_with(agency="housing", extra="x")]).events
    assert event.agency == "housing"
