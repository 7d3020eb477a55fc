"""Curfew and zone-schedule windows in local time, across both DST changes."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path
from zoneinfo import ZoneInfo

from safeguard.monitoring.engine.timeparse import format_instant
from safeguard.monitoring.engine.windows import (
    WindowSpec,
    local_instant,
    merged_windows,
    parse_window,
    spec_windows,
)
from tests.monitoring.helpers import (
    EVERY_DAY,
    address,
    brief,
    check,
    order,
    polygon,
    square,
    stay,
    track,
    zone,
)

LONDON = ZoneInfo("Europe/London")


def at(day: str, clock: str) -> str:
    hours, minutes = (int(v) for v in clock.split(":"))
    return format_instant(local_instant(date.fromisoformat(day), time(hours, minutes), LONDON))


def test_a_local_time_that_occurs_twice_takes_its_first_occurrence() -> None:
    # 25 October 2026: 01:30 happens in BST (00:30Z) and again in GMT (01:30Z).
    assert at("2026-10-25", "01:30") == "2026-10-25T00:30:00Z"


def test_a_local_time_in_the_spring_gap_moves_forward_by_the_gap() -> None:
    # 29 March 2026: clocks go from 01:00 GMT to 02:00 BST; 01:30 becomes 02:30 BST.
    assert at("2026-03-29", "01:30") == "2026-03-29T01:30:00Z"
    assert at("2026-03-29", "02:00") == "2026-03-29T01:00:00Z"


def windows(spec: WindowSpec, first: str, last: str) -> list[tuple[str, str]]:
    ws, we = spec_windows(
        "Europe/London", spec, date.fromisoformat(first), date.fromisoformat(last)
    )
    return [
        (format_instant(s), format_instant(e))
        for s, e in zip(ws.tolist(), we.tolist(), strict=True)
    ]


def test_overnight_curfew_windows_across_both_changes() -> None:
    nightly = WindowSpec(start=time(19), until=time(7), days=tuple(range(7)))
    assert windows(nightly, "2026-03-28", "2026-03-28") == [
        ("2026-03-28T19:00:00Z", "2026-03-29T06:00:00Z")
    ]
    assert windows(nightly, "2026-10-24", "2026-10-24") == [
        ("2026-10-24T18:00:00Z", "2026-10-25T07:00:00Z")
    ]


def test_windows_start_only_on_their_days_or_dates() -> None:
    weekdays = WindowSpec(start=time(8), until=time(18), days=(0, 1, 2, 3, 4))
    got = windows(weekdays, "2026-06-12", "2026-06-15")  # Friday to Monday
    assert got == [
        ("2026-06-12T07:00:00Z", "2026-06-12T17:00:00Z"),
        ("2026-06-15T07:00:00Z", "2026-06-15T17:00:00Z"),
    ]
    one_off = WindowSpec(start=time(14), until=time(18), dates=(date(2026, 6, 13),))
    assert windows(one_off, "2026-06-01", "2026-06-30") == [
        ("2026-06-13T13:00:00Z", "2026-06-13T17:00:00Z")
    ]


def test_a_zones_overlapping_and_touching_windows_merge() -> None:
    specs = (
        WindowSpec(start=time(10), until=time(12), days=tuple(range(7))),
        WindowSpec(start=time(11), until=time(13), days=tuple(range(7))),
        WindowSpec(start=time(13), until=time(14), days=tuple(range(7))),
    )
    ws, we = merged_windows("Europe/London", specs, date(2026, 6, 10), date(2026, 6, 10))
    assert [
        (format_instant(s), format_instant(e))
        for s, e in zip(ws.tolist(), we.tolist(), strict=True)
    ] == [("2026-06-10T09:00:00Z", "2026-06-10T13:00:00Z")]


HOME = address(0, 0, 60)


def curfew(
    frm: str, until: str, days: list[str] | None = None, dates: list[str] | None = None
) -> dict[str, object]:
    window: dict[str, object] = {"from": frm, "until": until, "address": HOME}
    if dates is not None:
        window["dates"] = dates
    else:
        window["days"] = days or EVERY_DAY
    return window


def test_curfew_absence_across_the_autumn_change(tmp_path: Path) -> None:
    # Away all night (a fix every 10 minutes, 1 km from home): the absence is the whole window,
    # 19:00 BST to 07:00 GMT, thirteen hours.
    fixes = track("2026-10-24T17:00:00Z", stay(6 * 16, 1000, 0), every_s=600)
    result = check(
        tmp_path,
        [order(curfews=[curfew("19:00", "07:00")], settings={"max_gap_minutes": 60})],
        fixes,
    )
    assert brief(result.violations) == [
        ("curfew_absence", None, "2026-10-24T18:00:00Z", "2026-10-25T07:00:00Z"),
    ]


def test_curfew_absence_across_the_spring_change(tmp_path: Path) -> None:
    fixes = track("2026-03-28T17:00:00Z", stay(6 * 16, 1000, 0), every_s=600)
    result = check(
        tmp_path,
        [order(curfews=[curfew("19:00", "07:00")], settings={"max_gap_minutes": 60})],
        fixes,
    )
    assert brief(result.violations) == [
        ("curfew_absence", None, "2026-03-28T19:00:00Z", "2026-03-29T06:00:00Z"),
    ]


def test_a_curfew_starting_in_the_spring_gap_starts_after_it(tmp_path: Path) -> None:
    # 01:30-03:00 local on 29 March: 01:30 does not exist, so the window is 02:30-03:00 BST.
    fixes = track("2026-03-29T00:00:00Z", stay(20, 1000, 0), every_s=600)
    result = check(
        tmp_path,
        [order(curfews=[curfew("01:30", "03:00")], settings={"max_gap_minutes": 60})],
        fixes,
    )
    assert brief(result.violations) == [
        ("curfew_absence", None, "2026-03-29T01:30:00Z", "2026-03-29T02:00:00Z")
    ]


def test_a_one_off_dates_window_only_applies_that_day(tmp_path: Path) -> None:
    # An event exclusion zone on Saturday 13 June only; the subject is in it at 15:00 on the
    # Friday and on the Saturday.
    event = [{"dates": ["2026-06-13"], "from": "14:00", "until": "18:00"}]
    z = zone("EVENT", "exclusion", polygon(square(0, 0, 200, 200)), event)
    friday = track("2026-06-12T14:00:00Z", stay(10, 100, 100))
    saturday = track("2026-06-13T14:00:00Z", stay(10, 100, 100))
    result = check(
        tmp_path, [order(zones=[z], settings={"max_gap_minutes": 2000})], friday + saturday
    )
    assert brief(result.violations) == [("exclusion_entry", "EVENT", "2026-06-13T14:00:00Z", None)]


def test_touching_schedule_windows_do_not_split_a_violation(tmp_path: Path) -> None:
    schedule = [
        {"days": EVERY_DAY, "from": "10:00", "until": "11:00"},
        {"days": EVERY_DAY, "from": "11:00", "until": "12:00"},
    ]
    z = zone("Z", "exclusion", polygon(square(0, 0, 200, 200)), schedule)
    fixes = track("2026-06-10T09:30:00Z", stay(60, 100, 100) + stay(40, 1000, 1000))
    result = check(tmp_path, [order(zones=[z])], fixes)
    assert brief(result.violations) == [
        ("exclusion_entry", "Z", "2026-06-10T09:30:00Z", "2026-06-10T10:30:00Z")
    ]


def test_a_zone_violation_ends_when_its_window_closes(tmp_path: Path) -> None:
    # Inside from 10:00 to 11:40 local; the zone is active 10:30-11:00 local: one violation,
    # starting at the first fix in the window and closed at the window's end.
    schedule = [{"days": EVERY_DAY, "from": "10:30", "until": "11:00"}]
    z = zone("Z", "exclusion", polygon(square(0, 0, 200, 200)), schedule)
    fixes = track("2026-06-10T09:00:00Z", stay(100, 100, 100))
    result = check(tmp_path, [order(zones=[z])], fixes)
    assert brief(result.violations) == [
        ("exclusion_entry", "Z", "2026-06-10T09:30:00Z", "2026-06-10T10:00:00Z")
    ]


def test_a_window_is_half_open_a_fix_at_its_end_is_outside_it(tmp_path: Path) -> None:
    # Active 10:30-11:00 local; inside at 10:59 and at 11:00: only one fix in the window, so
    # two consecutive inside fixes never happen in it.
    schedule = [{"days": EVERY_DAY, "from": "10:30", "until": "11:00"}]
    z = zone("Z", "exclusion", polygon(square(0, 0, 200, 200)))
    z["schedule"] = schedule
    fixes = track(
        "2026-06-10T09:55:00Z", stay(4, 1000, 1000) + stay(2, 100, 100) + stay(2, 1000, 1000)
    )
    assert check(tmp_path, [order(zones=[z])], fixes).violations == []
    # Inside at 10:29 and 10:30 local, out at 10:31: only one inside fix in the window.
    fixes = track("2026-06-10T09:29:00Z", stay(2, 100, 100) + stay(2, 1000, 1000))
    assert check(tmp_path, [order(zones=[z])], fixes).violations == []
    fixes = track("2026-06-10T09:29:00Z", stay(1, 1000, 1000) + stay(3, 100, 100))
    result = check(tmp_path, [order(zones=[z])], fixes)
    assert brief(result.violations) == [("exclusion_entry", "Z", "2026-06-10T09:30:00Z", None)]


def test_times_with_seconds_and_full_day_names_are_accepted() -> None:
    spec = parse_window({"days": ["Monday", "tue"], "from": "19:00:30", "until": "07:00"})
    assert spec.days == (0, 1)
    assert spec.start == time(19, 0, 30)
