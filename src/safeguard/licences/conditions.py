"""One condition as entered (page or API) → checked, normalised values ready to store.

Shared by the draft and variation services. The engine checks the catalogue inputs; this layer
adds what needs the database or the licence: named people must be in the person index (and
visible to whoever names them), zones become checked polygons (drawn, uploaded or a circle
around one of the person's addresses), and event zones need their dates.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeGuard

from safeguard.licences import conf
from safeguard.licences.engine import (
    CatalogueError,
    Condition,
    InputSpec,
    get_condition,
    render_condition_text,
    validate_condition_inputs,
)
from safeguard.licences.engine.orders import EVENT_ZONE_CODE
from safeguard.licences.engine.render import format_value
from safeguard.licences.engine.validation import visible_inputs
from safeguard.licences.engine.values import is_empty, parse_day, parse_time
from safeguard.licences.engine.zones import ZoneInputError, circle_zone, zone_normalise
from safeguard.licences.models import BESPOKE, Licence, LicenceCondition
from safeguard.people.access import access_person_by_id
from safeguard.people.models import PersonAddress
from safeguard.site.errors import NotFoundError

BESPOKE_LIMIT = 2000
WITHHELD = "[address withheld]"
PERSON_NOT_FOUND = "Choose the person from the person index"
EVENT_WINDOWS_LIMIT = 20


@dataclass(frozen=True)
class ConditionEntry:
    """A condition as a user entered it: a catalogue code with values, or bespoke wording."""

    code: str
    values: Mapping[str, Any] = field(default_factory=dict)
    bespoke_text: str = ""
    event_windows: Sequence[Mapping[str, Any]] = ()


@dataclass(frozen=True)
class PreparedCondition:
    code: str
    kind: str
    category: str
    values: dict[str, Any]
    bespoke_text: str
    event_windows: list[dict[str, str]]


def catalogue_condition(licence: Licence, code: str) -> Condition | None:
    try:
        condition = get_condition(licence.policy, code)
    except CatalogueError:
        return None
    return condition if condition.licence_type == licence.licence_type else None


def _person_value(actor: Any, licence: Licence, value: object) -> tuple[object, str | None]:
    reference = value.get("person_id") if isinstance(value, Mapping) else value
    if is_empty(reference):
        return value, None  # the engine reports a missing required person
    try:
        person = access_person_by_id(actor, str(reference))
    except NotFoundError:
        return value, PERSON_NOT_FOUND
    if person.pk == licence.person_id:
        return value, "Choose someone other than the person on licence"
    # The name always comes from the person index, never from what was typed.
    return {"person_id": str(person.pk), "name": person.full_name}, None


def _zone_value(licence: Licence, value: object) -> dict[str, Any]:
    limits = conf.zone_limits()
    circle = value.get("circle") if isinstance(value, Mapping) else None
    if not isinstance(circle, Mapping):
        return zone_normalise(value, limits)
    radius = circle.get("radius_m")
    if isinstance(radius, str) and radius.strip().isdigit():
        radius = int(radius.strip())
    if not isinstance(radius, int | float) or isinstance(radius, bool):
        raise ZoneInputError(
            f"Enter a radius from {limits.min_radius_m:,} to {limits.max_radius_m:,} metres"
        )
    if circle.get("address_id") not in (None, ""):
        address = PersonAddress.objects.filter(
            person_id=licence.person_id, pk=_int(circle.get("address_id")) or 0
        ).first()
        if address is None:
            raise ZoneInputError("Choose one of the person's addresses")
        if address.latitude is None or address.longitude is None:
            raise ZoneInputError("That address has no map position: draw the area instead")
        return circle_zone(address.latitude, address.longitude, float(radius), limits)
    lat, lon = circle.get("lat"), circle.get("lon")
    if not (_number(lat) and _number(lon)):
        raise ZoneInputError("Enter a real map position")
    return circle_zone(float(lat), float(lon), float(radius), limits)


def _number(value: object) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _int(value: object) -> int | None:
    try:
        return int(str(value))
    except ValueError:
        return None


def _normalise_input(
    actor: Any, licence: Licence, spec: InputSpec, value: object, errors: dict[str, str]
) -> object:
    if is_empty(value) or spec.type not in ("person", "zone"):
        return value
    items = value if spec.repeatable and isinstance(value, list) else [value]
    normalised: list[object] = []
    for index, item in enumerate(items):
        path = f"{spec.name}[{index}]" if spec.repeatable else spec.name
        if is_empty(item):
            continue
        result: object = item
        if spec.type == "person":
            result, problem = _person_value(actor, licence, item)
            if problem:
                errors.setdefault(path, problem)
        else:
            try:
                result = _zone_value(licence, item)
            except ZoneInputError as error:
                errors.setdefault(path, str(error))
        normalised.append(result)
    return normalised if spec.repeatable and isinstance(value, list) else normalised[0]


def _event_windows(
    licence: Licence, windows: Sequence[Mapping[str, Any]], errors: dict[str, str]
) -> list[dict[str, str]]:
    cleaned: list[dict[str, str]] = []
    if not windows:
        errors["event_windows"] = "Enter the date and times of the event"
        return cleaned
    if len(windows) > EVENT_WINDOWS_LIMIT:
        errors["event_windows"] = f"Enter no more than {EVENT_WINDOWS_LIMIT} event dates"
        return cleaned
    for index, window in enumerate(windows):
        path = f"event_windows[{index}]"
        day = parse_day(window.get("date"))
        start, end = parse_time(window.get("from")), parse_time(window.get("until"))
        if day is None:
            errors[f"{path}.date"] = "Enter a real date for the event"
        elif not licence.start_date <= day <= licence.end_date:
            errors[f"{path}.date"] = "The event date must be within the licence period"
        if start is None:
            errors[f"{path}.from"] = "Enter a real time for the start of the event"
        if end is None:
            errors[f"{path}.until"] = "Enter a real time for the end of the event"
        elif start is not None and start == end:
            errors[f"{path}.until"] = "The end time must be different from the start time"
        if day and start and end:
            cleaned.append(
                {"date": day.isoformat(), "from": f"{start:%H:%M}", "until": f"{end:%H:%M}"}
            )
    return cleaned


def condition_prepare(
    *, actor: Any, licence: Licence, entry: ConditionEntry, standard_allowed: bool = False
) -> tuple[PreparedCondition | None, dict[str, str]]:
    """Check one entry: (the condition ready to store, {}) or (None, {field: message})."""
    errors: dict[str, str] = {}
    if entry.code == BESPOKE:
        text = entry.bespoke_text.strip()
        if not text:
            errors["bespoke_text"] = "Enter the wording of the condition"
        elif len(text) > BESPOKE_LIMIT:
            errors["bespoke_text"] = f"Enter no more than {BESPOKE_LIMIT:,} characters"
        if errors:
            return None, errors
        return PreparedCondition(BESPOKE, BESPOKE, "Bespoke condition", {}, text, []), {}
    condition = catalogue_condition(licence, entry.code)
    if condition is None or (condition.kind == "standard" and not standard_allowed):
        return None, {"code": "Choose a condition from the list"}
    values = dict(entry.values)
    for spec in visible_inputs(condition.inputs, values):
        if spec.name in values:
            values[spec.name] = _normalise_input(actor, licence, spec, values[spec.name], errors)
    for problem in validate_condition_inputs(licence.policy, condition.code, values):
        errors.setdefault(problem.field, problem.message)
    windows: list[dict[str, str]] = []
    if condition.code.lower() == EVENT_ZONE_CODE:
        windows = _event_windows(licence, entry.event_windows, errors)
    if errors:
        return None, errors
    # Values of inputs that are not shown (their option is not chosen) are not kept.
    shown = {spec.name for spec in visible_inputs(condition.inputs, values)}
    kept = {name: value for name, value in values.items() if name in shown}
    return (
        PreparedCondition(condition.code, condition.kind, condition.category, kept, "", windows),
        {},
    )


def condition_text(licence: Licence, row: LicenceCondition, *, withhold_addresses: bool) -> str:
    """The condition in plain English with its inputs filled in.

    ``withhold_addresses`` replaces every address in the wording (for a protected person seen
    by someone who is not cleared to see their addresses).
    """
    if row.is_bespoke:
        return row.bespoke_text
    text = render_condition_text(licence.policy, row.code, row.values)
    if withhold_addresses:
        condition = get_condition(licence.policy, row.code)
        for name, spec in condition.all_inputs().items():
            if spec.type == "address" and not is_empty(row.values.get(name)):
                text = text.replace(format_value(spec, row.values[name]), WITHHELD)
    return text


def zone_inputs(licence: Licence, row: LicenceCondition) -> list[tuple[str, dict[str, Any]]]:
    """(input name, GeoJSON) for every zone drawn for this condition."""
    if row.is_bespoke:
        return []
    condition = get_condition(licence.policy, row.code)
    return [
        (name, row.values[name])
        for name, spec in condition.all_inputs().items()
        if spec.type == "zone" and isinstance(row.values.get(name), dict)
    ]


def event_windows_text(row: LicenceCondition) -> list[str]:
    from safeguard.licences.engine.render import format_time

    lines = []
    for window in row.event_windows:
        day = date.fromisoformat(window["date"])
        start, end = parse_time(window["from"]), parse_time(window["until"])
        if start and end:
            lines.append(f"{day.day} {day:%B %Y}, {format_time(start)} to {format_time(end)}")
    return lines
