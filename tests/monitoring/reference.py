"""A slow, literal reading of contracts.md §1, for checking the engine against.

One fix at a time: projected exactly with pyproj, a shapely Point, ``distance`` to the
boundary; windows from zoneinfo directly; the confirm-fixes machines as counters. It shares no
code with the engine beyond parsing the JSON (so its geometry is built independently too).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import shapely
from pyproj import Transformer

_TO_BNG = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
FAR = 2**62
Row = tuple[str, int, int, float, float, float]  # subject, seq, t (µs), lat, lon, accuracy
EventRow = tuple[str, int, int, str]
Result = tuple[str, str, str | None, int, int | None]


def us(text: str) -> int:
    return (datetime.fromisoformat(text) - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(
        microseconds=1
    )


def _bng(lon: float, lat: float) -> tuple[float, float]:
    x, y = _TO_BNG.transform(lon, lat)
    return float(x), float(y)


def _geometry(geojson: dict[str, Any]) -> Any:
    polys = [geojson["coordinates"]] if geojson["type"] == "Polygon" else geojson["coordinates"]
    built = [
        shapely.Polygon(
            [_bng(*p[:2]) for p in rings[0]], [[_bng(*p[:2]) for p in r] for r in rings[1:]]
        )
        for rings in polys
    ]
    return built[0] if len(built) == 1 else shapely.MultiPolygon(built)


def _windows(
    tz: str, specs: list[dict[str, Any]], first: date, last: date
) -> list[tuple[int, int]]:
    zone = ZoneInfo(tz)
    out = []
    day = first
    while day <= last:
        for spec in specs:
            on = (
                day.isoformat() in spec["dates"]
                if "dates" in spec
                else DAYS[day.weekday()] in spec["days"]
            )
            if not on:
                continue
            fh, fm = (int(v) for v in spec["from"].split(":"))
            uh, um = (int(v) for v in spec["until"].split(":"))
            start = datetime.combine(day, time(fh, fm), tzinfo=zone)  # fold=0
            end_day = day + timedelta(days=1) if (uh, um) <= (fh, fm) else day
            end = datetime.combine(end_day, time(uh, um), tzinfo=zone)
            out.append((us(start.isoformat()), us(end.isoformat())))
        day += timedelta(days=1)
    return sorted(out)


def _merge(windows: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[list[int]] = []
    for s, e in sorted(windows):
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    return [(s, e) for s, e in merged]


@dataclass
class _Machine:
    """Counter form: switch at the first of ``confirm`` consecutive other-class fixes."""

    confirm: int
    state: bool = False
    run: int = 0
    run_start: tuple[int, int] = (0, 0)

    def feed(self, t: int, seq: int, flag: bool) -> tuple[int, int] | None:
        if flag == self.state:
            self.run = 0
            return None
        self.run += 1
        if self.run == 1:
            self.run_start = (t, seq)
        if self.run >= self.confirm:
            self.state, self.run = flag, 0
            return self.run_start
        return None


def _spells(seq: list[tuple[int, int, bool]], confirm: int) -> list[tuple[int, int | None]]:
    machine = _Machine(confirm)
    spells: list[tuple[int, int | None]] = []
    for t, number, flag in seq:
        switched = machine.feed(t, number, flag)
        if switched is not None:
            if machine.state:
                spells.append((switched[0], None))
            else:
                spells[-1] = (spells[-1][0], switched[0])
    return spells


def reference(
    orders: list[dict[str, Any]], fixes: list[Row], events: list[EventRow], until: int | None = None
) -> list[Result]:
    horizon = (
        until
        if until is not None
        else max([r[2] for r in fixes] + [e[2] for e in events], default=None)
    )
    if horizon is None:
        return []
    out: list[Result] = []
    for order in orders:
        out.extend(_order(order, fixes, events, horizon))
    return sorted(out, key=lambda v: (v[0], v[3] // 1_000_000, v[1], v[2] or ""))


def _order(
    order: dict[str, Any], all_fixes: list[Row], all_events: list[EventRow], until: int
) -> list[Result]:
    subject = order["subject"]
    settings = {
        "confirm_fixes": 2,
        "min_absence_minutes": 5,
        "max_gap_minutes": 15,
        "default_accuracy_m": 50,
    }
    settings.update(order.get("settings") or {})
    starts = us(order["starts"]) if order.get("starts") else -FAR
    ends = us(order["ends"]) if order.get("ends") else FAR
    tz = order.get("timezone", "Europe/London")
    gps = order.get("curfew_method", "gps") == "gps"
    fixes = sorted(
        (r for r in all_fixes if r[0] == subject and starts <= r[2] < ends and r[2] <= until),
        key=lambda r: (r[2], r[1]),
    )
    events = sorted(
        (e for e in all_events if e[0] == subject and starts <= e[2] < ends and e[2] <= until),
        key=lambda e: (e[2], e[1]),
    )
    if not fixes and not events:
        return []
    first = min([r[2] for r in fixes] + [e[2] for e in events])
    local = ZoneInfo(tz)

    def local_day(t: int) -> date:
        return (
            (datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=t)).astimezone(local).date()
        )

    days = (
        local_day(first) - timedelta(days=1),
        local_day(max(min(until, ends), first)) + timedelta(days=1),
    )
    points = [(r, shapely.Point(*_bng(r[4], r[3]))) for r in fixes]
    out: list[Result] = []
    confirm = settings["confirm_fixes"]

    def close(kind: str, zone: str | None, start: int, stop: int) -> None:
        out.append((subject, kind, zone, start, None if stop > until else stop))

    for z in order.get("zones", []):
        geometry = _geometry(z["geometry"])
        windows = (
            [(-FAR, FAR)]
            if z.get("schedule") is None
            else _merge(_windows(tz, z["schedule"], *days))
        )
        bad_inside = z["kind"] == "exclusion"
        classes = []
        for r, p in points:
            if p.distance(geometry.boundary) > r[5]:
                classes.append((r, geometry.contains(p)))
        for w_start, w_end in windows:
            ws, we = max(w_start, starts), min(w_end, ends)
            seq = [(r[2], r[1], inside == bad_inside) for r, inside in classes if ws <= r[2] < we]
            for start, end in _spells(seq, confirm):
                close(
                    "exclusion_entry" if bad_inside else "inclusion_exit",
                    z["id"],
                    start,
                    we if end is None else end,
                )

    absences: list[tuple[int, int | None]] = []
    if gps:
        per_curfew = []
        for c in order.get("curfews", []):
            centre = shapely.Point(*_bng(c["address"]["lon"], c["address"]["lat"]))
            seq = []
            for r, p in points:
                d = p.distance(centre)
                if abs(d - c["address"]["radius_m"]) > r[5]:
                    seq.append((r[2], r[1], d > c["address"]["radius_m"]))
            per_curfew.append(_spells(seq, confirm))
    else:
        absences = _event_spells(events, "home_unit_absent", "home_unit_present")
        per_curfew = [absences for _ in order.get("curfews", [])]
    minimum = settings["min_absence_minutes"] * 60_000_000
    for c, spells in zip(order.get("curfews", []), per_curfew, strict=True):
        for w_start, w_end in _windows(tz, [c], *days):
            ws, we = max(w_start, starts), min(w_end, ends)
            for start, end in spells:
                a = max(start, ws)
                b = we if end is None else min(end, we)
                if a >= b:
                    continue
                length = (until if b > until else b) - a
                if length >= minimum and length >= 0:
                    close("curfew_absence", None, a, b)
    if gps and fixes:
        gap = settings["max_gap_minutes"] * 60_000_000
        times = [r[2] for r in fixes]
        for a, b in itertools.pairwise(times):
            if b - a > gap:
                close("no_signal", None, a, b)
        stop = min(until, ends)
        if stop - times[-1] > gap:
            close("no_signal", None, times[-1], ends)
    for kind, opens, closes in (
        ("tamper", "strap_tamper", "strap_restored"),
        ("battery_critical", "battery_critical", "charging"),
    ):
        for start, end in _event_spells(events, opens, closes):
            close(kind, None, start, ends if end is None else end)
    return out


def _event_spells(events: list[EventRow], opens: str, closes: str) -> list[tuple[int, int | None]]:
    spells: list[tuple[int, int | None]] = []
    open_at = None
    for _, _, t, kind in events:
        if kind == opens and open_at is None:
            open_at = t
        elif kind == closes and open_at is not None:
            spells.append((open_at, t))
            open_at = None
    if open_at is not None:
        spells.append((open_at, None))
    return spells
