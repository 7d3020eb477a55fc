"""ORDERS.json → validated ``Order`` dataclasses (contracts.md §1).

Any invalid order makes the whole run unusable (exit 2): ``OrderError`` names the subject.
Zone polygons (zonegeometry.py) and curfew centres are projected to EPSG:27700 here, for all
orders at once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal, TypeGuard
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np

from safeguard.monitoring.engine.projection import project_exact
from safeguard.monitoring.engine.settings import Settings, SettingsError
from safeguard.monitoring.engine.timeparse import InstantError, parse_instant
from safeguard.monitoring.engine.windows import WindowError, WindowSpec, parse_window
from safeguard.monitoring.engine.zonegeometry import Shape, ShapeError, build_regions, read_shape
from safeguard.monitoring.engine.zoneregion import PolygonRegion

ZoneKind = Literal["exclusion", "inclusion"]
CurfewMethod = Literal["gps", "rf"]


class OrderError(ValueError):
    """An order that fails validation; the message names the subject."""


@dataclass(frozen=True, eq=False)
class Curfew:
    window: WindowSpec
    lat: float
    lon: float
    radius_m: float
    x: float  # the address in EPSG:27700
    y: float


@dataclass(frozen=True, eq=False)
class Zone:
    id: str
    kind: ZoneKind
    region: PolygonRegion
    schedule: tuple[WindowSpec, ...] | None  # None: always active


@dataclass(frozen=True, eq=False)
class Order:
    subject: str
    timezone: str
    starts: int | None  # microseconds since the epoch; None = unbounded
    ends: int | None  # None = open
    curfew_method: CurfewMethod
    curfews: tuple[Curfew, ...]
    zones: tuple[Zone, ...]
    settings: Settings


def parse_orders(data: object, defaults: Settings | None = None) -> list[Order]:
    """Validate a parsed ORDERS.json document."""
    if not isinstance(data, dict) or not isinstance(data.get("orders"), list):
        raise OrderError('ORDERS.json must be an object with an "orders" list')
    base = defaults or Settings()
    drafts: list[_Draft] = []
    seen: set[str] = set()
    for number, item in enumerate(data["orders"], start=1):
        draft = _Draft.parse(item, number, base)
        if draft.subject in seen:
            raise OrderError(f"order for subject {draft.subject}: duplicate subject")
        seen.add(draft.subject)
        drafts.append(draft)
    owners = [(d, z) for d in drafts for z in d.zones]
    try:
        regions = build_regions([z.shape for _, z in owners])
    except ShapeError as error:
        draft, zone = owners[error.index]
        raise draft.fail(f"zone {zone.id}: {error}") from None
    centres = [c for d in drafts for c in d.curfews]
    xs, ys = project_exact(np.array([c.lon for c in centres]), np.array([c.lat for c in centres]))
    for i, centre in enumerate(centres):
        centre.x, centre.y = float(xs[i]), float(ys[i])
    at = 0
    orders = []
    for draft in drafts:
        orders.append(draft.build(regions[at : at + len(draft.zones)]))
        at += len(draft.zones)
    return orders


@dataclass
class _ZoneDraft:
    id: str
    kind: ZoneKind
    shape: Shape
    schedule: tuple[WindowSpec, ...] | None


@dataclass
class _CurfewDraft:
    window: WindowSpec
    lat: float
    lon: float
    radius_m: float
    x: float = math.nan
    y: float = math.nan


class _Draft:
    """An order checked for shape, waiting for its coordinates to be projected."""

    def __init__(self, subject: str) -> None:
        self.subject = subject
        self.fields: dict[str, Any] = {}
        self.curfews: list[_CurfewDraft] = []
        self.zones: list[_ZoneDraft] = []

    def fail(self, message: str) -> OrderError:
        return OrderError(f"order for subject {self.subject}: {message}")

    @classmethod
    def parse(cls, item: object, number: int, base: Settings) -> _Draft:
        if not isinstance(item, dict):
            raise OrderError(f"order #{number}: must be an object")
        subject = item.get("subject")
        if not isinstance(subject, str) or not subject.strip():
            raise OrderError(f"order #{number}: subject is required")
        draft = cls(subject.strip())
        try:
            draft._parse_fields(item, base)
        except (SettingsError, WindowError, InstantError) as error:
            raise draft.fail(str(error)) from None
        return draft

    def _parse_fields(self, item: dict[str, Any], base: Settings) -> None:
        tz = item.get("timezone", "Europe/London")
        if not _known_timezone(tz):
            raise self.fail(f"unknown timezone {tz!r}")
        starts = _instant(item.get("starts"), "starts")
        ends = _instant(item.get("ends"), "ends")
        if starts is not None and ends is not None and ends <= starts:
            raise self.fail("ends must be after starts")
        method = item.get("curfew_method", "gps")
        if method not in ("gps", "rf"):
            raise self.fail(f"curfew_method must be gps or rf, not {method!r}")
        self.fields = {
            "timezone": tz,
            "starts": starts,
            "ends": ends,
            "curfew_method": method,
            "settings": base.with_overrides(item.get("settings")),
        }
        for curfew in _list(item.get("curfews", []), "curfews", self):
            self.curfews.append(self._curfew(curfew))
        ids: set[str] = set()
        for zone in _list(item.get("zones", []), "zones", self):
            parsed = self._zone(zone)
            if parsed.id in ids:
                raise self.fail(f"duplicate zone id {parsed.id!r}")
            ids.add(parsed.id)
            self.zones.append(parsed)

    def _curfew(self, data: object) -> _CurfewDraft:
        window = _window(data)
        address = data.get("address") if isinstance(data, dict) else None
        if not isinstance(address, dict):
            raise self.fail("a curfew needs an address {lat, lon, radius_m}")
        lat = _coordinate(address.get("lat"), 90, self, "curfew address lat")
        lon = _coordinate(address.get("lon"), 180, self, "curfew address lon")
        radius = address.get("radius_m")
        if not _finite(radius) or radius <= 0:
            raise self.fail("curfew address radius_m must be a number above 0")
        return _CurfewDraft(window, lat, lon, float(radius))

    def _zone(self, data: object) -> _ZoneDraft:
        if not isinstance(data, dict):
            raise self.fail("a zone must be an object")
        zone_id = data.get("id")
        if not isinstance(zone_id, str) or not zone_id:
            raise self.fail("a zone needs an id")
        kind = data.get("kind")
        if kind not in ("exclusion", "inclusion"):
            raise self.fail(f"zone {zone_id}: unknown kind {kind!r}")
        try:
            shape = read_shape(data.get("geometry"))
        except ShapeError as error:
            raise self.fail(f"zone {zone_id}: {error}") from None
        schedule = data.get("schedule")
        windows = None
        if schedule is not None:
            if not isinstance(schedule, list):
                raise self.fail(f"zone {zone_id}: schedule must be null or a list of windows")
            try:
                windows = tuple(_window(w) for w in schedule)
            except WindowError as error:
                raise self.fail(f"zone {zone_id}: {error}") from None
        return _ZoneDraft(zone_id, kind, shape, windows)

    def build(self, regions: list[PolygonRegion]) -> Order:
        curfews = tuple(
            Curfew(window=c.window, lat=c.lat, lon=c.lon, radius_m=c.radius_m, x=c.x, y=c.y)
            for c in self.curfews
        )
        zones = tuple(
            Zone(id=z.id, kind=z.kind, region=region, schedule=z.schedule)
            for z, region in zip(self.zones, regions, strict=True)
        )
        return Order(subject=self.subject, curfews=curfews, zones=zones, **self.fields)


def _window(data: object) -> WindowSpec:
    """Orders repeat the same few windows: parse each distinct one once."""
    try:
        key = _window_key(data)
    except TypeError:  # unhashable or odd values: parse_window gives the error
        return parse_window(data)
    return _cached_window(key)


def _window_key(data: object) -> tuple[Any, ...]:
    if not isinstance(data, dict):
        raise TypeError
    key = tuple(
        tuple(v) if isinstance(v, list) else v
        for v in (data.get(k, _MISSING) for k in ("from", "until", "days", "dates"))
    )
    hash(key)
    return key


_MISSING = object()


@lru_cache(maxsize=1024)
def _cached_window(key: tuple[Any, ...]) -> WindowSpec:
    data = {
        k: list(v) if isinstance(v, tuple) else v
        for k, v in zip(("from", "until", "days", "dates"), key, strict=True)
        if v is not _MISSING
    }
    return parse_window(data)


@lru_cache(maxsize=256)
def _zone_info_ok(tz: str) -> bool:
    try:
        ZoneInfo(tz)
    except (ValueError, ZoneInfoNotFoundError):
        return False
    return True


def _known_timezone(tz: object) -> bool:
    return isinstance(tz, str) and _zone_info_ok(tz)


def _coordinate(value: object, limit: float, draft: _Draft, name: str) -> float:
    if not _finite(value) or not -limit <= float(value) <= limit:
        raise draft.fail(f"{name} must be a number in [-{limit:g}, {limit:g}]")
    return float(value)


def _finite(value: object) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _instant(value: object, name: str) -> int | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise InstantError(str(value), f"{name} must be a time with an offset")
    try:
        return parse_instant(value)
    except InstantError as error:
        raise InstantError(value, f"{name} {error.problem}") from None


def _list(value: object, name: str, draft: _Draft) -> list[Any]:
    if not isinstance(value, list):
        raise draft.fail(f"{name} must be a list")
    return value
