"""One subject's order: its windows, its event rules, and its spells finished as violations.

Shared by the batch engine (block.py) and the streaming engine (stream.py).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import numpy as np
from numpy.typing import NDArray

from safeguard.monitoring.engine.orders import Order, Zone
from safeguard.monitoring.engine.regions import ClassArray, classify_circle, classify_polygon
from safeguard.monitoring.engine.rules import (
    cut_to_windows,
    event_spells,
)
from safeguard.monitoring.engine.spells import (
    BATTERY_CRITICAL,
    CURFEW_ABSENCE,
    TAMPER,
    Spell,
    Violation,
    finish,
)
from safeguard.monitoring.engine.tables import (
    KIND_BATTERY_CRITICAL,
    KIND_CHARGING,
    KIND_STRAP_RESTORED,
    KIND_STRAP_TAMPER,
    KIND_UNIT_ABSENT,
    KIND_UNIT_PRESENT,
)
from safeguard.monitoring.engine.timeparse import US_PER_MINUTE
from safeguard.monitoring.engine.windows import (
    FAR_FUTURE,
    FAR_PAST,
    IntArray,
    clip,
    local_date,
    merged_windows,
    spec_windows,
)

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class Fixes:
    """One subject's in-scope fixes sorted by (t, seq); x, y approximate EPSG:27700."""

    t: IntArray
    seq: IntArray
    lon: FloatArray
    lat: FloatArray
    acc: FloatArray
    x: FloatArray
    y: FloatArray


@dataclass(frozen=True)
class Events:
    t: IntArray
    seq: IntArray
    kind: NDArray[np.int8]


def uses_gps(order: Order) -> bool:
    return order.curfew_method == "gps"


def classify(order: Order, fixes: Fixes) -> tuple[list[ClassArray], list[ClassArray]]:
    """Classes of the fixes against each GPS curfew circle and each zone."""
    f = fixes
    curfews = (
        [
            classify_circle(f.x, f.y, f.acc, f.lon, f.lat, c.x, c.y, c.radius_m)
            for c in order.curfews
        ]
        if uses_gps(order)
        else []
    )
    zones = [classify_polygon(z.region, f.x, f.y, f.acc, f.lon, f.lat) for z in order.zones]
    return curfews, zones


def limit_of(order: Order) -> int:
    return FAR_FUTURE if order.ends is None else order.ends


def date_range(order: Order, first: int, until: int) -> tuple[date, date]:
    """Local dates whose windows can matter: from the day before the first reading to the day
    after the horizon (or the order's end)."""
    last = until if order.ends is None else min(until, order.ends)
    return _date_range(order.timezone, first, max(last, first))


@lru_cache(maxsize=4096)
def _date_range(timezone: str, first: int, last: int) -> tuple[date, date]:
    zone = ZoneInfo(timezone)
    one = timedelta(days=1)
    return local_date(first, zone) - one, local_date(last, zone) + one


def zone_windows(order: Order, zone: Zone, days: tuple[date, date]) -> tuple[IntArray, IntArray]:
    low = FAR_PAST if order.starts is None else order.starts
    high = limit_of(order)
    if zone.schedule is None:
        return np.array([low], np.int64), np.array([high], np.int64)
    ws, we = merged_windows(order.timezone, zone.schedule, *days)
    return clip(ws, we, low, high)


def curfew_windows(order: Order, curfew: int, days: tuple[date, date]) -> tuple[IntArray, IntArray]:
    ws, we = spec_windows(order.timezone, order.curfews[curfew].window, *days)
    return clip(ws, we, FAR_PAST if order.starts is None else order.starts, limit_of(order))


def rf_curfew_spells(order: Order, events: Events) -> list[Spell]:
    """RF curfews: absent from home_unit_absent to home_unit_present, for every entry."""
    e = events
    spells = event_spells(
        e.t, e.seq, e.kind, KIND_UNIT_ABSENT, KIND_UNIT_PRESENT, CURFEW_ABSENCE, FAR_FUTURE
    )
    return [replace(s, curfew=k) for k in range(len(order.curfews)) for s in spells]


def device_results(order: Order, events: Events) -> list[Spell]:
    """tamper and battery_critical: device health, reported apart from presence."""
    limit = limit_of(order)
    e = events
    tamper = event_spells(e.t, e.seq, e.kind, KIND_STRAP_TAMPER, KIND_STRAP_RESTORED, TAMPER, limit)
    battery = event_spells(
        e.t, e.seq, e.kind, KIND_BATTERY_CRITICAL, KIND_CHARGING, BATTERY_CRITICAL, limit
    )
    return tamper + battery


def violations(order: Order, first: int | None, spells: list[Spell], until: int) -> list[Violation]:
    """Cut absences to their curfew windows and apply the horizon."""
    if first is None:
        return []
    days = date_range(order, first, until)
    min_absence = round(order.settings.min_absence_minutes * US_PER_MINUTE)
    windows: dict[int, tuple[list[int], list[int]]] = {}
    out = []
    for spell in spells:
        pieces = [spell]
        if spell.kind == CURFEW_ABSENCE and spell.curfew is not None:
            if spell.curfew not in windows:
                ws, we = curfew_windows(order, spell.curfew, days)
                windows[spell.curfew] = (ws.tolist(), we.tolist())
            pieces = cut_to_windows(spell, *windows[spell.curfew], min_absence)
        for piece in pieces:
            done = finish(piece, until, order.subject, order.settings)
            if done is not None:
                out.append(done)
    return out
