"""The demo county's tag feed: a few days of readings for its monitored people, with a handful
of realistic violations, sent through the real ingest service and then evaluated, so that the
violations queue has something in it (docs/monitoring-app.md, "Demo feed").

Deterministic: positions come from a seeded generator and times from the county's fixed day,
never the clock. People on a GPS order send a fix a minute: at home (indoor accuracy) outside
the day's free stretches, out at a "work" place (chosen so that the way there passes no
exclusion zone) in them, travelling in between. People on an RF-only curfew send no fixes,
only home-unit events. Planted violations, one person each where the orders allow:

- a curfew late return (back 50 minutes after the evening curfew began);
- an exclusion-zone entry (15 minutes inside an always-active exclusion zone);
- a no-signal gap (an hour without fixes in the afternoon);
- a critical battery (charging 40 minutes later);
- an RF curfew absence (home unit absent for 35 minutes).
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import shapely
from numpy.typing import NDArray

from safeguard.licences.orders import monitoring_orders
from safeguard.monitoring.engine import Order, parse_orders
from safeguard.monitoring.engine.timeparse import format_instant, from_datetime
from safeguard.monitoring.evaluation import reevaluate
from safeguard.monitoring.ingest import store_batch
from safeguard.monitoring.readings import parse_items

MINUTE_US = 60_000_000
BATCH = 10_000
# Free stretches (outside every curfew window) between these local times take the person out.
_DAY_FROM, _DAY_UNTIL = time(8, 0), time(18, 0)
_M_LAT = 110_574.0
_M_LON = 111_320.0


@dataclass
class _Plan:
    """One subject's minute grid: where they are each minute, and which minutes send no fix."""

    order: Order
    lat: NDArray[np.float64]
    lon: NDArray[np.float64]
    accuracy: NDArray[np.float64]
    silent: NDArray[np.bool_]
    events: list[tuple[int, str]]  # (minute index, kind)


def _to_xy(lat: float, lon: float, lat0: float) -> tuple[float, float]:
    return lon * _M_LON * math.cos(math.radians(lat0)), lat * _M_LAT


def _exclusions(order: Order, raw: dict[str, Any], lat0: float) -> list[Any]:
    shapes = []
    for zone in raw.get("zones", []):
        if zone["kind"] != "exclusion":
            continue
        rings = zone["geometry"]["coordinates"]
        polygons = [rings] if zone["geometry"]["type"] == "Polygon" else rings
        for polygon in polygons:
            shell = [_to_xy(lat, lon, lat0) for lon, lat in polygon[0]]
            shapes.append(shapely.Polygon(shell))
    return shapes


def _work_place(
    rng: random.Random, home: tuple[float, float], avoid: list[Any]
) -> tuple[float, float]:
    """A place 1.5-4 km from home whose straight way from home stays 400 m from every
    exclusion zone (home itself if no direction works)."""
    hx, hy = _to_xy(*home, home[0])
    for _ in range(24):
        angle = rng.uniform(0, 2 * math.pi)
        metres = rng.uniform(1_500, 4_000)
        wx, wy = hx + metres * math.cos(angle), hy + metres * math.sin(angle)
        way = shapely.LineString([(hx, hy), (wx, wy)])
        if all(way.distance(shape) > 400 for shape in avoid):
            return (
                home[0] + metres * math.sin(angle) / _M_LAT,
                home[1] + metres * math.cos(angle) / (_M_LON * math.cos(math.radians(home[0]))),
            )
    return home


def _curfew_mask(order: Order, minutes: NDArray[np.int64], days: list[date]) -> NDArray[np.bool_]:
    zone = ZoneInfo(order.timezone)
    mask = np.zeros(len(minutes), bool)
    for curfew in order.curfews:
        spec = curfew.window
        for day in [days[0] - timedelta(days=1), *days]:
            if not spec.starts_on(day):
                continue
            start = datetime.combine(day, spec.start, zone)
            end_day = day if spec.until > spec.start else day + timedelta(days=1)
            end = datetime.combine(end_day, spec.until, zone)
            mask |= (minutes >= from_datetime(start)) & (minutes < from_datetime(end))
    return mask


def _stretches(free: NDArray[np.bool_]) -> list[tuple[int, int]]:
    """[start, end) index runs of True."""
    edges = np.diff(np.concatenate([[0], free.astype(np.int8), [0]]))
    return list(zip(np.nonzero(edges == 1)[0], np.nonzero(edges == -1)[0], strict=True))


def _plan(
    rng: random.Random,
    order: Order,
    raw: dict[str, Any],
    home: tuple[float, float],
    minutes: NDArray[np.int64],
    days: list[date],
) -> _Plan:
    n = len(minutes)
    zone = ZoneInfo(order.timezone)
    work = _work_place(rng, home, _exclusions(order, raw, home[0]))
    curfew = _curfew_mask(order, minutes, days)
    daytime = np.zeros(n, bool)
    for day in days:
        lo = from_datetime(datetime.combine(day, _DAY_FROM, zone))
        hi = from_datetime(datetime.combine(day, _DAY_UNTIL, zone))
        daytime |= (minutes >= lo) & (minutes < hi)
    # How far along the way to work (0 home, 1 work) each minute.
    along = np.zeros(n)
    for start, end in _stretches(daytime & ~curfew):
        if end - start < 150:
            continue
        leave = start + rng.randint(15, 40)
        back = end - rng.randint(30, 60)
        along[leave : leave + 20] = np.linspace(0, 1, 20)
        along[leave + 20 : back - 20] = 1
        along[back - 20 : back] = np.linspace(1, 0, 20)
    lat = home[0] + along * (work[0] - home[0])
    lon = home[1] + along * (work[1] - home[1])
    out = along > 0
    jitter = np.array([rng.gauss(0, 1) for _ in range(2 * n)]).reshape(2, n)
    spread = np.where(out, 12.0, 4.0)
    lat = lat + jitter[0] * spread / _M_LAT
    lon = lon + jitter[1] * spread / (_M_LON * math.cos(math.radians(home[0])))
    accuracy = np.where(out, 8.0, 20.0) + np.array([rng.uniform(0, 6) for _ in range(n)])
    return _Plan(order, lat, lon, np.round(accuracy, 1), np.zeros(n, bool), [])


def _minute_of(minutes: NDArray[np.int64], moment: datetime) -> int:
    return int(np.searchsorted(minutes, from_datetime(moment)))


def _late_return(plan: _Plan, minutes: NDArray[np.int64], day: date) -> bool:
    """Out at the work place until 50 minutes into the evening curfew, then home."""
    zone = ZoneInfo(plan.order.timezone)
    evening = [c for c in plan.order.curfews if c.window.start >= time(17, 0)]
    if not evening or not evening[0].window.starts_on(day):
        return False
    begins = _minute_of(minutes, datetime.combine(day, evening[0].window.start, zone))
    home_lat, home_lon = plan.lat[begins], plan.lon[begins]
    away_lat, away_lon = home_lat + 2_000 / _M_LAT, home_lon
    left = begins - 90
    plan.lat[left : begins + 50] = away_lat
    plan.lon[left : begins + 50] = away_lon
    plan.accuracy[left : begins + 50] = 9.0
    plan.lat[begins + 50 : begins + 70] = np.linspace(away_lat, home_lat, 20)
    plan.lon[begins + 50 : begins + 70] = home_lon
    return True


def _zone_entry(plan: _Plan, raw: dict[str, Any], minutes: NDArray[np.int64], day: date) -> bool:
    """Fifteen minutes inside an always-active exclusion zone in the early afternoon."""
    always = [z for z in raw.get("zones", []) if z["kind"] == "exclusion" and not z["schedule"]]
    if not always:
        return False
    inside = shapely.geometry.shape(always[0]["geometry"]).representative_point()
    at = _minute_of(minutes, datetime.combine(day, time(15, 10), ZoneInfo(plan.order.timezone)))
    plan.lat[at : at + 15] = inside.y
    plan.lon[at : at + 15] = inside.x
    plan.accuracy[at : at + 15] = 7.0
    return True


def _orders(today: date) -> tuple[list[Order], dict[str, dict[str, Any]]]:
    raw = monitoring_orders(on=today).orders
    return parse_orders({"orders": raw}), {str(o["subject"]): o for o in raw}


def _homes(subjects: list[str]) -> dict[str, tuple[float, float]]:
    from safeguard.people.models import PersonAddress

    homes: dict[str, tuple[float, float]] = {}
    rows = PersonAddress.objects.filter(
        person_id__in=subjects, valid_to__isnull=True, latitude__isnull=False
    ).order_by("valid_from", "id")
    for row in rows:
        homes[str(row.person_id)] = (float(row.latitude), float(row.longitude))
    return homes


def _fix_items(subject: str, plan: _Plan, minutes: NDArray[np.int64]) -> Iterator[dict[str, Any]]:
    for i in np.nonzero(~plan.silent)[0]:
        yield {
            "subject": subject,
            "seq": int(i) + 1,
            "recorded_at": format_instant(int(minutes[i])),
            "lat": round(float(plan.lat[i]), 6),
            "lon": round(float(plan.lon[i]), 6),
            "accuracy_m": float(plan.accuracy[i]),
        }


def monitoring_generate(*, seed: int, today: date, days: int = 2, people: int = 16) -> int:
    """Send ``days`` days (ending at the start of ``today``) of readings for up to ``people``
    monitored people through the ingest service, then evaluate them. Returns the number of
    violations recorded. Run inside the county's transaction (or any)."""
    from safeguard.monitoring.models import Violation

    rng = random.Random(seed * 104_729 + 11)  # noqa: S311 (synthetic, seeded)  # nosec B311
    orders, raw = _orders(today)
    if not orders:
        return 0
    orders = orders[:people] if len(orders) <= people else rng.sample(orders, people)
    orders.sort(key=lambda o: o.subject)
    zone = ZoneInfo(orders[0].timezone)
    first_day = today - timedelta(days=days)
    day_list = [first_day + timedelta(days=d) for d in range(days)]
    start = from_datetime(datetime.combine(first_day, time(0, 0), zone))
    end = from_datetime(datetime.combine(today, time(0, 0), zone))
    minutes = np.arange(start, end, MINUTE_US, dtype=np.int64)
    homes = _homes([o.subject for o in orders])
    fixes: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    planted: set[str] = set()
    last = day_list[-1]
    for order in orders:
        gps = order.curfew_method == "gps"
        home = homes.get(order.subject) or (
            (order.curfews[0].lat, order.curfews[0].lon) if order.curfews else (53.05, -1.45)
        )
        if order.curfews:
            home = (order.curfews[0].lat, order.curfews[0].lon)
        subject_events: list[tuple[int, str]] = []
        if gps:
            plan = _plan(rng, order, raw[order.subject], home, minutes, day_list)
            if "late" not in planted and _late_return(plan, minutes, last):
                planted.add("late")
            elif "zone" not in planted and _zone_entry(plan, raw[order.subject], minutes, last):
                planted.add("zone")
            elif "gap" not in planted:
                at = _minute_of(minutes, datetime.combine(last, time(14, 0), zone))
                plan.silent[at : at + 60] = True
                planted.add("gap")
            elif "battery" not in planted:
                at = _minute_of(minutes, datetime.combine(last, time(11, 5), zone))
                subject_events += [(at, "battery_critical"), (at + 40, "charging")]
                planted.add("battery")
            fixes.extend(_fix_items(order.subject, plan, minutes))
        elif order.curfews and "rf" not in planted:
            evening = order.curfews[-1].window.start
            at = _minute_of(minutes, datetime.combine(last, evening, zone)) + 25
            subject_events += [(at, "home_unit_absent"), (at + 35, "home_unit_present")]
            planted.add("rf")
        events.extend(
            {
                "subject": order.subject,
                "seq": n + 1,
                "recorded_at": format_instant(int(minutes[i])),
                "kind": kind,
            }
            for n, (i, kind) in enumerate(subject_events)
        )
    _send(fixes, events=False)
    _send(events, events=True)
    reevaluate([o.subject for o in orders], on=today)
    return Violation.objects.filter(subject__in=[o.subject for o in orders]).count()


def _send(items: list[dict[str, Any]], *, events: bool) -> None:
    for begin in range(0, len(items), BATCH):
        store_batch(
            actor=None,
            parsed=parse_items(items[begin : begin + BATCH], events=events),
            events=events,
        )
