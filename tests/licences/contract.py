"""ORDERS.json as contracts.md §1 describes it, checked independently of any implementation."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

DAYS = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"}
HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
SETTINGS = {"confirm_fixes", "min_absence_minutes", "max_gap_minutes", "default_accuracy_m"}


def _window(window: Any, where: str, problems: list[str]) -> None:
    if not isinstance(window, dict):
        problems.append(f"{where}: not an object")
        return
    for key in ("from", "until"):
        if not HHMM.match(str(window.get(key))):
            problems.append(f"{where}.{key}: not HH:MM")
    days, dates = window.get("days"), window.get("dates")
    if (days is None) == (dates is None):
        problems.append(f"{where}: needs days or dates")
    if days is not None and (not days or not set(days) <= DAYS):
        problems.append(f"{where}.days: unknown day")
    for value in dates if isinstance(dates, list) else []:
        if not re.match(r"^\d{4}-\d{2}-\d{2}$", str(value)):
            problems.append(f"{where}.dates: not YYYY-MM-DD")


def _instant(value: Any, where: str, problems: list[str]) -> None:
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        problems.append(f"{where}: not ISO 8601")
        return
    if parsed.utcoffset() is None:
        problems.append(f"{where}: no offset")


def _ring(ring: Any, where: str, problems: list[str]) -> None:
    if not isinstance(ring, list) or len(ring) < 4 or ring[0] != ring[-1]:
        problems.append(f"{where}: not a closed ring of at least 4 positions")
        return
    for lon, lat, *_ in ring:
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            problems.append(f"{where}: not [lon, lat]")


def order_problems(document: Any) -> list[str]:
    """Everything about ``document`` that breaks contracts.md §1 (empty when it conforms)."""
    problems: list[str] = []
    if not isinstance(document, dict) or not isinstance(document.get("orders"), list):
        return ['not an object with an "orders" list']
    subjects = [o.get("subject") for o in document["orders"]]
    if len(set(subjects)) != len(subjects):
        problems.append("subjects are not unique")
    for n, order in enumerate(document["orders"]):
        at = f"orders[{n}]"
        if not isinstance(order.get("subject"), str) or not order["subject"]:
            problems.append(f"{at}.subject: required")
        try:
            ZoneInfo(order.get("timezone", "Europe/London"))
        except Exception:
            problems.append(f"{at}.timezone: unknown")
        for key in ("starts", "ends"):
            if order.get(key) is not None:
                _instant(order[key], f"{at}.{key}", problems)
        if order.get("curfew_method", "gps") not in ("gps", "rf"):
            problems.append(f"{at}.curfew_method")
        for i, curfew in enumerate(order.get("curfews", [])):
            _window(curfew, f"{at}.curfews[{i}]", problems)
            address = curfew.get("address") if isinstance(curfew, dict) else None
            if not isinstance(address, dict) or not {"lat", "lon", "radius_m"} <= set(address):
                problems.append(f"{at}.curfews[{i}].address: needs lat, lon, radius_m")
            elif not (
                -90 <= address["lat"] <= 90
                and -180 <= address["lon"] <= 180
                and address["radius_m"] > 0
            ):
                problems.append(f"{at}.curfews[{i}].address: out of range")
        ids = [z.get("id") for z in order.get("zones", [])]
        if len(set(ids)) != len(ids):
            problems.append(f"{at}.zones: ids are not unique")
        for i, zone in enumerate(order.get("zones", [])):
            where = f"{at}.zones[{i}]"
            if not isinstance(zone.get("id"), str) or not zone["id"]:
                problems.append(f"{where}.id: required")
            if zone.get("kind") not in ("exclusion", "inclusion"):
                problems.append(f"{where}.kind: exclusion or inclusion")
            geometry = zone.get("geometry") or {}
            kind, coordinates = geometry.get("type"), geometry.get("coordinates")
            polygons: list[Any] = []
            if kind == "Polygon" and isinstance(coordinates, list):
                polygons = [coordinates]
            elif kind == "MultiPolygon" and isinstance(coordinates, list):
                polygons = coordinates
            if not polygons:
                problems.append(f"{where}.geometry: Polygon or MultiPolygon")
            for polygon in polygons:
                for ring in polygon:
                    _ring(ring, f"{where}.geometry", problems)
            if "schedule" not in zone:
                problems.append(f"{where}.schedule: missing (null when always active)")
            for j, window in enumerate(zone.get("schedule") or []):
                _window(window, f"{where}.schedule[{j}]", problems)
                if isinstance(window, dict) and "address" in window:
                    problems.append(f"{where}.schedule[{j}]: no address in a zone window")
        settings = order.get("settings", {})
        if not set(settings) <= SETTINGS:
            problems.append(f"{at}.settings: unknown keys")
    return problems
