"""The rules of contracts.md §1 through the whole check, one behaviour at a time.

Places are metres from a point in London; one fix a minute unless said otherwise. Zone Z is a
200 m square; (100, 100) is its middle and (1000, 1000) is well away.
"""

from __future__ import annotations

from pathlib import Path

from tests.monitoring.helpers import (
    EVERY_DAY,
    Fix,
    address,
    brief,
    check,
    order,
    polygon,
    square,
    track,
    utc,
    zone,
)

IN, OUT, EDGE = (100, 100), (1000, 1000), (200, 100)  # EDGE: on the boundary (uncertain)
Z = zone("Z", "exclusion", polygon(square(0, 0, 200, 200)))
START = "2026-06-10T10:00:00Z"


def places(*runs: tuple[int, tuple[float, float]]) -> list[tuple[float, float]]:
    return [p for n, p in runs for _ in range(n)]


def test_one_inside_fix_is_not_enough(tmp_path: Path) -> None:
    fixes = track(START, places((3, OUT), (1, IN), (3, OUT), (1, IN), (3, OUT)))
    assert check(tmp_path, [order(zones=[Z])], fixes).violations == []


def test_uncertain_fixes_neither_start_end_nor_break_a_run(tmp_path: Path) -> None:
    # in, uncertain, uncertain, in: two consecutive inside fixes, starting at the first (10:03).
    # Then out, in (breaks it), out, uncertain, out: ends at the out after the in (10:12).
    fixes = track(
        START,
        places(
            (3, OUT), (1, IN), (2, EDGE), (4, IN), (1, OUT), (1, IN), (1, OUT), (1, EDGE), (3, OUT)
        ),
    )
    result = check(tmp_path, [order(zones=[Z])], fixes)
    assert brief(result.violations) == [
        ("exclusion_entry", "Z", "2026-06-10T10:03:00Z", "2026-06-10T10:12:00Z")
    ]


def test_confirm_fixes_is_a_setting_of_the_order(tmp_path: Path) -> None:
    fixes = track(START, places((3, OUT), (2, IN), (3, OUT), (3, IN), (3, OUT)))
    result = check(tmp_path, [order(zones=[Z], settings={"confirm_fixes": 3})], fixes)
    assert brief(result.violations) == [
        ("exclusion_entry", "Z", "2026-06-10T10:08:00Z", "2026-06-10T10:11:00Z")
    ]
    assert result.violations[0]["settings"]["confirm_fixes"] == 3
    assert result.violations[0]["rule_version"]


def test_inclusion_exit_is_the_mirror_image(tmp_path: Path) -> None:
    home_area = zone("H", "inclusion", polygon(square(0, 0, 200, 200)))
    fixes = track(START, places((5, IN), (1, OUT), (2, IN), (4, OUT), (3, IN)))
    result = check(tmp_path, [order(zones=[home_area])], fixes)
    assert brief(result.violations) == [
        ("inclusion_exit", "H", "2026-06-10T10:08:00Z", "2026-06-10T10:12:00Z")
    ]


def test_a_violation_still_under_way_at_the_horizon_has_no_end(tmp_path: Path) -> None:
    fixes = track(START, places((3, OUT), (5, IN)))
    result = check(tmp_path, [order(zones=[Z])], fixes)
    assert brief(result.violations) == [("exclusion_entry", "Z", "2026-06-10T10:03:00Z", None)]


NIGHTLY = {"days": EVERY_DAY, "from": "19:00", "until": "07:00", "address": address(0, 0, 60)}
HOME, AWAY = (0, 0), (500, 0)
EVENING = "2026-06-10T17:30:00Z"  # 18:30 BST; the curfew window opens at 18:00Z


def test_an_absence_under_way_at_the_window_start_starts_at_the_window(tmp_path: Path) -> None:
    fixes = track(EVENING, places((40, AWAY), (20, HOME)))
    result = check(tmp_path, [order(curfews=[NIGHTLY])], fixes)
    assert brief(result.violations) == [
        ("curfew_absence", None, "2026-06-10T18:00:00Z", "2026-06-10T18:10:00Z")
    ]
    assert result.violations[0]["evidence"]["start_seq"] == 1  # the absence began before


def test_present_before_the_first_evidence(tmp_path: Path) -> None:
    # The first fixes come at 19:30 BST, away: absent from then, not from 19:00.
    fixes = track("2026-06-10T18:30:00Z", places((30, AWAY), (5, HOME)))
    result = check(tmp_path, [order(curfews=[NIGHTLY])], fixes)
    assert brief(result.violations) == [
        ("curfew_absence", None, "2026-06-10T18:30:00Z", "2026-06-10T19:00:00Z")
    ]


def test_absences_shorter_than_the_minimum_are_not_reported(tmp_path: Path) -> None:
    # Away 4 minutes, then 5 minutes (the default minimum is 5).
    fixes = track(
        "2026-06-10T19:00:00Z", places((5, HOME), (4, AWAY), (5, HOME), (5, AWAY), (5, HOME))
    )
    result = check(tmp_path, [order(curfews=[NIGHTLY])], fixes)
    assert brief(result.violations) == [
        ("curfew_absence", None, "2026-06-10T19:14:00Z", "2026-06-10T19:19:00Z")
    ]


def test_an_open_absence_is_measured_up_to_the_horizon(tmp_path: Path) -> None:
    short = track("2026-06-10T19:00:00Z", places((5, HOME), (4, AWAY)))  # 3 min to the last fix
    assert check(tmp_path, [order(curfews=[NIGHTLY])], short).violations == []
    longer = track("2026-06-10T19:00:00Z", places((5, HOME), (7, AWAY)))
    result = check(tmp_path, [order(curfews=[NIGHTLY])], longer)
    assert brief(result.violations) == [("curfew_absence", None, "2026-06-10T19:05:00Z", None)]


def test_one_state_over_all_fixes_and_each_window_cut(tmp_path: Path) -> None:
    # Out from 06:00 BST to 20:00 BST the next evening: two cut pieces, the first to the
    # morning window's end, the second from the evening window's start.
    fixes = track("2026-06-10T04:00:00Z", places((2, HOME), (14 * 6, AWAY), (6, HOME)), every_s=600)
    result = check(tmp_path, [order(curfews=[NIGHTLY], settings={"max_gap_minutes": 60})], fixes)
    assert brief(result.violations) == [
        ("curfew_absence", None, "2026-06-10T04:20:00Z", "2026-06-10T06:00:00Z"),
        ("curfew_absence", None, "2026-06-10T18:00:00Z", "2026-06-10T18:20:00Z"),
    ]


def test_each_curfew_entry_is_evaluated_on_its_own_address(tmp_path: Path) -> None:
    # Weeknights at home, and the 10 June also at a second address 500 m away (an approved
    # premises): being at home breaks the second curfew only.
    second = {
        "dates": ["2026-06-10"],
        "from": "19:00",
        "until": "07:00",
        "address": address(500, 0, 60),
    }
    fixes = track("2026-06-10T18:00:00Z", places((30, HOME)))
    result = check(tmp_path, [order(curfews=[NIGHTLY, second])], fixes)
    assert [(v["kind"], v["curfew"], v["started_at"]) for v in result.violations] == [
        ("curfew_absence", 1, "2026-06-10T18:00:00Z"),
    ]


def test_rf_curfews_use_home_unit_events_only(tmp_path: Path) -> None:
    events = [
        ("P-1", 1, "2026-06-10T19:30:00Z", "home_unit_absent"),
        ("P-1", 2, "2026-06-10T19:50:00Z", "home_unit_present"),
        ("P-1", 3, "2026-06-10T20:10:00Z", "home_unit_absent"),
    ]
    away_all_evening = track("2026-06-10T18:00:00Z", places((10, AWAY)), every_s=1800)  # ignored
    result = check(
        tmp_path, [order(curfew_method="rf", curfews=[NIGHTLY])], away_all_evening, events
    )
    assert brief(result.violations) == [
        ("curfew_absence", None, "2026-06-10T19:30:00Z", "2026-06-10T19:50:00Z"),
        ("curfew_absence", None, "2026-06-10T20:10:00Z", None),
    ]


def test_no_signal_gaps_longer_than_the_setting(tmp_path: Path) -> None:
    t0 = utc(START)
    minutes = [0, 1, 16, 17, 34, 35]  # a 15-minute gap (not longer) and a 17-minute one
    fixes = [Fix(t0.replace(minute=m) if m < 60 else t0, *AWAY) for m in minutes]
    result = check(tmp_path, [order()], fixes)
    assert brief(result.violations) == [
        ("no_signal", None, "2026-06-10T10:17:00Z", "2026-06-10T10:34:00Z")
    ]


def test_uncertain_fixes_are_signal_and_there_is_no_gap_before_the_first_fix(
    tmp_path: Path,
) -> None:
    fixes = track("2026-06-10T12:00:00Z", places((10, EDGE)), every_s=600)
    assert (
        check(tmp_path, [order(starts="2026-06-01T00:00:00Z", zones=[Z])], fixes).violations == []
    )


def test_the_trailing_gap_runs_to_the_horizon_open_or_to_the_order_end(tmp_path: Path) -> None:
    fixes = track(START, places((3, AWAY)))
    at_first = check(tmp_path, [order()], fixes, until="2026-06-10T11:00:00+01:00")
    assert brief(at_first.violations) == []  # 11:00 BST is 10:00Z, the first fix: no gap yet
    open_gap = check(tmp_path, [order()], fixes, until="2026-06-10T10:30:00Z")
    assert brief(open_gap.violations) == [("no_signal", None, "2026-06-10T10:02:00Z", None)]
    closed = check(
        tmp_path, [order(ends="2026-06-10T10:20:00Z")], fixes, until="2026-06-10T10:30:00Z"
    )
    assert brief(closed.violations) == [
        ("no_signal", None, "2026-06-10T10:02:00Z", "2026-06-10T10:20:00Z")
    ]
    short = check(
        tmp_path, [order(ends="2026-06-10T10:15:00Z")], fixes, until="2026-06-10T10:30:00Z"
    )
    assert short.violations == []  # 13 minutes to the order's end


def test_tamper_and_battery_spells(tmp_path: Path) -> None:
    events = [
        ("P-1", 1, "2026-06-10T10:00:00Z", "strap_restored"),  # unmatched end: ignored
        ("P-1", 2, "2026-06-10T10:05:00Z", "strap_tamper"),
        ("P-1", 3, "2026-06-10T10:07:00Z", "strap_tamper"),  # already open
        ("P-1", 4, "2026-06-10T10:20:00Z", "strap_restored"),
        ("P-1", 5, "2026-06-10T10:30:00Z", "battery_critical"),
        ("P-1", 6, "2026-06-10T10:40:00Z", "charging"),
        ("P-1", 7, "2026-06-10T10:50:00Z", "battery_critical"),
        ("P-1", 8, "2026-06-10T11:00:00Z", "strap_tamper"),
    ]
    result = check(tmp_path, [order(curfew_method="rf")], [], events)
    assert brief(result.violations) == [
        ("tamper", None, "2026-06-10T10:05:00Z", "2026-06-10T10:20:00Z"),
        ("battery_critical", None, "2026-06-10T10:30:00Z", "2026-06-10T10:40:00Z"),
        ("battery_critical", None, "2026-06-10T10:50:00Z", None),
        ("tamper", None, "2026-06-10T11:00:00Z", None),
    ]


def test_rows_outside_the_order_period_are_ignored_and_violations_cut_at_its_end(
    tmp_path: Path,
) -> None:
    fixes = track(START, places((5, IN), (5, OUT), (10, IN)))
    result = check(
        tmp_path,
        [order(zones=[Z], starts="2026-06-10T10:08:00Z", ends="2026-06-10T10:15:00Z")],
        fixes,
    )
    # The first visit is before the order starts; the second runs past its end.
    assert brief(result.violations) == [
        ("exclusion_entry", "Z", "2026-06-10T10:10:00Z", "2026-06-10T10:15:00Z")
    ]


def test_the_horizon_ignores_later_rows_and_defaults_to_the_latest_of_any_subject(
    tmp_path: Path,
) -> None:
    p1 = track(START, places((3, OUT), (10, IN)))
    p2 = track("2026-06-10T12:00:00Z", places((1, OUT)), subject="P-2")
    orders = [order("P-1", zones=[Z]), order("P-2")]
    result = check(tmp_path, orders, p1 + p2)
    assert result.summary.until == "2026-06-10T12:00:00Z"
    assert brief(result.violations) == [
        ("exclusion_entry", "Z", "2026-06-10T10:03:00Z", None),
        ("no_signal", None, "2026-06-10T10:12:00Z", None),  # P-1 silent since 10:12
    ]
    earlier = check(tmp_path, orders, p1 + p2, until="2026-06-10T10:04:00Z")
    assert brief(earlier.violations) == [("exclusion_entry", "Z", "2026-06-10T10:03:00Z", None)]
    assert check(tmp_path, orders, p1 + p2, until="2026-06-10T10:03:30Z").violations == []


def test_output_is_sorted_by_subject_start_kind_and_zone(tmp_path: Path) -> None:
    other = zone("A", "exclusion", polygon(square(0, 0, 200, 200)))
    fixes = track(START, places((3, OUT), (5, IN)), subject="P-2") + track(
        START, places((3, OUT), (5, IN)), subject="P-1"
    )
    result = check(tmp_path, [order("P-2", zones=[Z, other]), order("P-1", zones=[Z])], fixes)
    assert [(v["subject"], v["zone"]) for v in result.violations] == [
        ("P-1", "Z"),
        ("P-2", "A"),
        ("P-2", "Z"),
    ]
