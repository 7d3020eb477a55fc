"""Validate the values entered for one condition: `validate_condition_inputs`.

Values are a flat mapping from input name to value, nested inputs included (their names are
unique within a condition, as in the official service). An input nested under a radio option
is asked for only when that option is chosen; values for hidden inputs are ignored, as a web
form posts them too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from safeguard.licences.engine.catalogue import Condition, InputSpec, get_condition
from safeguard.licences.engine.values import check_value, is_empty, parse_time

MINUTES_A_DAY = 24 * 60


@dataclass(frozen=True, slots=True)
class FieldError:
    """One problem with one field: ``field`` is the input name, a list index
    (``name[1]``) or a part of an address or person (``premisesAddress.postcode``)."""

    field: str
    message: str


class ConditionInputError(ValueError):
    """The values cannot be used for the condition; ``errors`` says why, field by field."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))
        self.errors = errors


def visible_inputs(inputs: Iterable[InputSpec], values: Mapping[str, object]) -> list[InputSpec]:
    """The inputs shown for these values: top-level ones and those under chosen options."""
    shown: list[InputSpec] = []
    for spec in inputs:
        shown.append(spec)
        chosen = values.get(spec.name)
        for option in spec.options:
            if option.inputs and option.value == chosen:
                shown.extend(visible_inputs(option.inputs, values))
    return shown


def _check_input(spec: InputSpec, value: object) -> list[FieldError]:
    if is_empty(value):
        return [FieldError(spec.name, spec.error_missing)] if spec.required else []
    if spec.repeatable:
        items = value if isinstance(value, list) else [value]
        errors = []
        for index, item in enumerate(items):
            path = f"{spec.name}[{index}]"
            if is_empty(item):
                errors.append(FieldError(path, spec.error_missing))
            else:
                errors.extend(FieldError(f, m) for f, m in check_value(spec, item, path))
        return errors
    return [FieldError(f, m) for f, m in check_value(spec, value, spec.name)]


def _segments(start: int, end: int) -> list[tuple[int, int]]:
    # A window whose end is not after its start runs past midnight into the next day.
    return [(start, end)] if start < end else [(start, MINUTES_A_DAY), (0, end)]


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return any(x1 < y2 and y1 < x2 for x1, x2 in _segments(*a) for y1, y2 in _segments(*b))


def _check_windows(
    condition: Condition, shown: dict[str, InputSpec], values: Mapping[str, object]
) -> list[FieldError]:
    errors: list[FieldError] = []
    windows: list[tuple[str, tuple[int, int]]] = []
    for start_name, end_name in condition.time_windows:
        if start_name not in shown or end_name not in shown:
            continue
        start, end = values.get(start_name), values.get(end_name)
        if is_empty(start) != is_empty(end):
            # An optional window (a second period) needs both of its times once one is given.
            missing = shown[start_name] if is_empty(start) else shown[end_name]
            if not missing.required:
                errors.append(FieldError(missing.name, missing.error_missing))
            continue
        start_time, end_time = parse_time(start), parse_time(end)
        if start_time is None or end_time is None:
            continue
        if start_time == end_time:
            errors.append(
                FieldError(end_name, "The end time must be different from the start time")
            )
            continue
        minutes = (start_time.hour * 60 + start_time.minute, end_time.hour * 60 + end_time.minute)
        if any(_overlap(minutes, earlier) for _, earlier in windows):
            what = "Curfew times" if "curfew" in start_name.lower() else "The times"
            errors.append(FieldError(start_name, f"{what} must not overlap"))
        windows.append((start_name, minutes))
    return errors


def validate_condition_inputs(
    policy: str, code: str, values: Mapping[str, object]
) -> list[FieldError]:
    """Every problem with ``values`` for condition ``code`` of ``policy``, in form order.

    An empty list means the values are complete and usable. Raises CatalogueError for an
    unknown policy or code.
    """
    condition = get_condition(policy, code)
    known = condition.all_inputs()
    errors = [
        FieldError(name, f"This condition has no input called {name!r}")
        for name in values
        if name not in known
    ]
    shown = visible_inputs(condition.inputs, values)
    for spec in shown:
        errors.extend(_check_input(spec, values.get(spec.name)))
    errors.extend(_check_windows(condition, {s.name: s for s in shown}, values))
    return errors
