"""Checks for one entered value of each input type, with GOV.UK-style messages.

Each check returns ``(field, message)`` pairs; an empty list means the value is usable.
Values arrive as a web form or the JSON API sends them: strings for text, times (HH:MM) and
dates (YYYY-MM-DD); objects for addresses, people (references to the person index) and zones
(GeoJSON polygons); lists for checkboxes and repeatable inputs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date, time

import shapely
from shapely.geometry import shape

from safeguard.licences.engine.catalogue import InputSpec

Problems = list[tuple[str, str]]

TEXT_LIMIT = 1000
TIME_PATTERN = re.compile(r"^(\d{2}):(\d{2})$")
MONEY_PATTERN = re.compile(r"^\d+(\.\d{1,2})?$")
POSTCODE_PATTERN = re.compile(r"^(GIR ?0AA|[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2})$")

REAL_TIME = "Enter a real time"
REAL_DATE = "Enter a real date"
WHOLE_NUMBER = "Enter a whole number from {min} to {max}"
MONEY = "Enter an amount in pounds, like 500 or 500.50"
TOO_LONG = f"Enter no more than {TEXT_LIMIT} characters"
ONE_OPTION = "Select one of the options"
LISTED_OPTIONS = "Select only the options shown"
PERSON_REFERENCE = "Choose the person from the person index"
ADDRESS_LINE_1 = "Enter address line 1, typically the building and street"
ADDRESS_TOWN = "Enter town or city"
ADDRESS_POSTCODE = "Enter a postcode"
REAL_POSTCODE = "Enter a real postcode"
MAP_POSITION = "Enter a real map position"
ZONE_SHAPE = "Draw the area as a closed shape with at least 3 corners"
ZONE_CROSSING = "The area's edges must not cross each other"


def is_empty(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple | dict):
        return len(value) == 0
    return False


def parse_time(value: object) -> time | None:
    if not isinstance(value, str):
        return None
    match = TIME_PATTERN.match(value.strip())
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def parse_day(value: object) -> date | None:
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        return None


def money_text(value: object) -> str | None:
    """The amount without '£' or thousands commas, or None when it is not an amount."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        text = str(value)
    elif isinstance(value, float):
        text = f"{value:.2f}".removesuffix(".00")
    elif isinstance(value, str):
        text = value.strip().removeprefix("£").replace(",", "")
    else:
        return None
    if not MONEY_PATTERN.match(text) or float(text) <= 0:
        return None
    return text


def _text(spec: InputSpec, value: object, path: str) -> Problems:
    if not isinstance(value, str):
        return [(path, spec.error_missing)]
    return [(path, TOO_LONG)] if len(value.strip()) > TEXT_LIMIT else []


def _number(spec: InputSpec, value: object, path: str) -> Problems:
    low, high = spec.min if spec.min is not None else 0, spec.max if spec.max is not None else 999
    number: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and value.strip().isdigit():
        number = int(value.strip())
    if number is None or not low <= number <= high:
        return [(path, WHOLE_NUMBER.format(min=low, max=high))]
    return []


def _money(spec: InputSpec, value: object, path: str) -> Problems:
    return [] if money_text(value) is not None else [(path, MONEY)]


def _time(spec: InputSpec, value: object, path: str) -> Problems:
    return [] if parse_time(value) is not None else [(path, REAL_TIME)]


def _date(spec: InputSpec, value: object, path: str) -> Problems:
    return [] if parse_day(value) is not None else [(path, REAL_DATE)]


def _address(spec: InputSpec, value: object, path: str) -> Problems:
    if not isinstance(value, Mapping):
        return [(path, spec.error_missing)]
    problems: Problems = []
    for key, message in (("line1", ADDRESS_LINE_1), ("town", ADDRESS_TOWN)):
        if not isinstance(value.get(key), str) or is_empty(value.get(key)):
            problems.append((f"{path}.{key}", message))
    postcode = value.get("postcode")
    if not isinstance(postcode, str) or is_empty(postcode):
        problems.append((f"{path}.postcode", ADDRESS_POSTCODE))
    elif not POSTCODE_PATTERN.match(postcode.strip().upper()):
        problems.append((f"{path}.postcode", REAL_POSTCODE))
    # A geocoded address may carry its position (there is no offline geocoder).
    lat, lon = value.get("lat"), value.get("lon")
    if (lat is not None or lon is not None) and not (_within(lat, 90) and _within(lon, 180)):
        problems.append((f"{path}.lat", MAP_POSITION))
    return problems


def _within(value: object, limit: float) -> bool:
    return (
        isinstance(value, int | float) and not isinstance(value, bool) and -limit <= value <= limit
    )


def _person(spec: InputSpec, value: object, path: str) -> Problems:
    if not isinstance(value, Mapping):
        return [(path, PERSON_REFERENCE)]
    problems: Problems = []
    if not isinstance(value.get("person_id"), str) or is_empty(value.get("person_id")):
        problems.append((f"{path}.person_id", PERSON_REFERENCE))
    if not isinstance(value.get("name"), str) or is_empty(value.get("name")):
        problems.append((f"{path}.name", spec.error_missing))
    return problems


def _radio(spec: InputSpec, value: object, path: str) -> Problems:
    return [] if value in {o.value for o in spec.options} else [(path, ONE_OPTION)]


def _checkbox(spec: InputSpec, value: object, path: str) -> Problems:
    chosen = [value] if isinstance(value, str) else value
    allowed = {o.value for o in spec.options}
    if not isinstance(chosen, list) or any(item not in allowed for item in chosen):
        return [(path, LISTED_OPTIONS)]
    return []


def _zone(spec: InputSpec, value: object, path: str) -> Problems:
    if not isinstance(value, Mapping) or value.get("type") not in ("Polygon", "MultiPolygon"):
        return [(path, ZONE_SHAPE)]
    try:
        geometry = shape(value)
    except (ValueError, TypeError, KeyError, IndexError, AttributeError):
        return [(path, ZONE_SHAPE)]
    polygons = shapely.get_parts(geometry)
    if geometry.is_empty or min(len(set(p.exterior.coords)) for p in polygons) < 3:
        return [(path, ZONE_SHAPE)]
    minx, miny, maxx, maxy = geometry.bounds
    if minx < -180 or maxx > 180 or miny < -90 or maxy > 90:
        return [(path, MAP_POSITION)]
    if not geometry.is_valid:
        return [(path, ZONE_CROSSING)]
    return [] if geometry.area > 0 else [(path, ZONE_SHAPE)]


CHECKS: dict[str, Callable[[InputSpec, object, str], Problems]] = {
    "text": _text,
    "number": _number,
    "money": _money,
    "time": _time,
    "date": _date,
    "address": _address,
    "person": _person,
    "radio": _radio,
    "checkbox": _checkbox,
    "zone": _zone,
}


def check_value(spec: InputSpec, value: object, path: str) -> Problems:
    """Problems with one non-empty value of ``spec``'s type."""
    return CHECKS[spec.type](spec, value, path)
