"""Tag-checkable licence conditions → one monitoring order (contracts.md §1, ORDERS.json).

Pure: the Django side (``safeguard.licences.orders``) gathers each licence's conditions in
force into a ``LicenceSnapshot``; this module decides what the tag can check and writes the
order in the contract's shape.

- Curfews: every time window of a curfew condition (1–3 a day; an end before the start runs
  into the next day), every day of the week, around the approved address.
- Zones: exclusion (must not enter), inclusion (must not leave) and event zones (an
  exclusion zone active only in the event's windows).
- ``curfew_method``: ``gps`` when anything needs positions (a zone, trail monitoring, or a
  tag condition that checks location or zones), otherwise ``rf`` (a home-curfew tag).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from safeguard.licences.engine.catalogue import get_condition
from safeguard.licences.engine.validation import visible_inputs
from safeguard.licences.engine.values import is_empty

DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
CURFEW_CATEGORY = "Curfew arrangement"
TAG_CODE = "fd129172-bdd3-4d97-a4a0-efd7b47a49d4"
TRAIL_CODE = "524f2fd6-ad53-47dd-8edc-2161d3dd2ed4"
EVENT_ZONE_CODE = "99195049-f355-46fb-b7d8-aef87a1b19c5"
# Zone inputs by name: the catalogue calls the map of an exclusion "outOfBound..." and of an
# inclusion "inBound...".
ZONE_KINDS = {"outOfBoundFilename": "exclusion", "inBoundFilename": "inclusion"}


class OrderBuildError(ValueError):
    """A licence's conditions cannot be written as an order (the message says why)."""


@dataclass(frozen=True, slots=True)
class EventWindow:
    day: date
    start: str  # "HH:MM" local
    end: str


@dataclass(frozen=True, slots=True)
class ConditionSnapshot:
    code: str
    values: Mapping[str, Any]
    zone_id: str = ""  # stable across versions of the same condition
    event_windows: tuple[EventWindow, ...] = ()


@dataclass(frozen=True, slots=True)
class LicenceSnapshot:
    subject: str
    policy: str
    starts: date  # first local day of the period the order covers
    ends: date | None  # first local day after it; None = open
    address: tuple[float, float] | None  # (lat, lon) of the approved address
    conditions: tuple[ConditionSnapshot, ...]
    timezone: str = "Europe/London"
    curfew_radius_m: float = 60.0
    settings: Mapping[str, Any] = field(default_factory=dict)


def is_tag_checkable(policy: str, code: str) -> bool:
    """Conditions that put someone under electronic monitoring or that a tag can check."""
    if code.lower() in (TAG_CODE, TRAIL_CODE):
        return True
    condition = get_condition(policy, code)
    if condition.category == CURFEW_CATEGORY and condition.time_windows:
        return condition.em_check == "direct"
    return any(spec.type == "zone" for spec in condition.all_inputs().values())


def _midnight(day: date, tz: str) -> str:
    return datetime.combine(day, time(0, 0), ZoneInfo(tz)).isoformat()


def _curfew_windows(policy: str, item: ConditionSnapshot) -> list[tuple[str, str]]:
    condition = get_condition(policy, item.code)
    shown = {spec.name for spec in visible_inputs(condition.inputs, item.values)}
    windows = []
    for start, end in condition.time_windows:
        given = not is_empty(item.values.get(start)) and not is_empty(item.values.get(end))
        if start in shown and end in shown and given:
            windows.append((str(item.values[start]), str(item.values[end])))
    return windows


def _event_schedule(windows: Sequence[EventWindow]) -> list[dict[str, Any]]:
    """Event windows grouped by their times: one contract window per (from, until)."""
    grouped: dict[tuple[str, str], list[str]] = {}
    for window in sorted(windows, key=lambda w: (w.day, w.start)):
        grouped.setdefault((window.start, window.end), []).append(window.day.isoformat())
    return [{"dates": days, "from": s, "until": e} for (s, e), days in grouped.items()]


def _zones(policy: str, item: ConditionSnapshot) -> list[dict[str, Any]]:
    condition = get_condition(policy, item.code)
    zones = []
    for name, spec in condition.all_inputs().items():
        if spec.type != "zone" or is_empty(item.values.get(name)):
            continue
        schedule = None
        if item.code.lower() == EVENT_ZONE_CODE:
            if not item.event_windows:
                raise OrderBuildError("an event zone has no event dates")
            schedule = _event_schedule(item.event_windows)
        zones.append(
            {
                "id": item.zone_id,
                "kind": ZONE_KINDS.get(name, "exclusion"),
                "geometry": item.values[name],
                "schedule": schedule,
            }
        )
    return zones


def _needs_gps(values: Mapping[str, Any]) -> bool:
    chosen = values.get("electronicMonitoringTypes") or []
    items = [chosen] if isinstance(chosen, str) else list(chosen)
    return any("location" in str(v).lower() or "zone" in str(v).lower() for v in items)


def build_order(snapshot: LicenceSnapshot) -> dict[str, Any] | None:
    """The order for one licence, or None when nothing in force is tag-checkable."""
    relevant = [c for c in snapshot.conditions if is_tag_checkable(snapshot.policy, c.code)]
    if not relevant:
        return None
    curfews: list[dict[str, Any]] = []
    zones: list[dict[str, Any]] = []
    gps = False
    for item in sorted(relevant, key=lambda c: (c.zone_id, c.code)):
        code = item.code.lower()
        if code == TRAIL_CODE:
            gps = True
        elif code == TAG_CODE:
            gps = gps or _needs_gps(item.values)
        for start, end in _curfew_windows(snapshot.policy, item):
            if snapshot.address is None:
                raise OrderBuildError("the approved address has no map position for the curfew")
            lat, lon = snapshot.address
            curfews.append(
                {
                    "days": list(DAYS),
                    "from": start,
                    "until": end,
                    "address": {"lat": lat, "lon": lon, "radius_m": snapshot.curfew_radius_m},
                }
            )
        zones.extend(_zones(snapshot.policy, item))
    if zones:
        gps = True
    curfews.sort(key=lambda c: (c["from"], c["until"]))
    return {
        "subject": snapshot.subject,
        "timezone": snapshot.timezone,
        "starts": _midnight(snapshot.starts, snapshot.timezone),
        "ends": _midnight(snapshot.ends, snapshot.timezone) if snapshot.ends else None,
        "curfew_method": "gps" if gps else "rf",
        "curfews": curfews,
        "zones": zones,
        "settings": dict(snapshot.settings),
    }


def period_around(on: date, starts: date, ends: date, changes: Sequence[date]) -> tuple[date, date]:
    """The stretch of [starts, ends) containing ``on`` in which no change date falls.

    An order covers only the days its conditions stay the same, so the monitoring engine never
    judges one day by another day's curfew. ``ends`` is exclusive.
    """
    before = [d for d in changes if starts < d <= on]
    after = [d for d in changes if on < d < ends]
    return (max(before, default=starts), min(after, default=ends))


def next_day(day: date) -> date:
    return day + timedelta(days=1)
