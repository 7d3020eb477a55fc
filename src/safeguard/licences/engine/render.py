"""Fill a condition's text template with entered values: `render_condition_text`.

Follows the official service's rules (create-and-vary-a-licence-api ConditionFormatter):
``{a || b}`` takes the first input with a value; lists join with ", " and a final "and"/"or";
``case`` lowers or capitalises; ``include_before`` prefixes a given value; an indefinite
article is added where asked. Where an input is hidden (its option not chosen) its
``default_value`` fills the gap ("at any time"). Times are written the GOV.UK way (7pm,
7:30am, midday, midnight) and dates as 1 January 2026.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import time

from safeguard.licences.engine.catalogue import InputSpec, get_condition
from safeguard.licences.engine.validation import (
    ConditionInputError,
    validate_condition_inputs,
    visible_inputs,
)
from safeguard.licences.engine.values import is_empty, money_text, parse_day, parse_time

PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def format_time(value: time) -> str:
    if value == time(0, 0):
        return "midnight"
    if value == time(12, 0):
        return "midday"
    hour = value.hour % 12 or 12
    minutes = f":{value.minute:02d}" if value.minute else ""
    return f"{hour}{minutes}{'am' if value.hour < 12 else 'pm'}"


def _capitalise(text: str) -> str:
    # Each word and each part of a double-barrelled name, as the official service does.
    return " ".join(
        "-".join(part[:1].upper() + part[1:].lower() for part in word.split("-"))
        for word in text.split(" ")
    )


def _one(spec: InputSpec, item: object) -> str:
    if spec.type == "time":
        parsed_time = parse_time(item)
        return format_time(parsed_time) if parsed_time else ""
    if spec.type == "date":
        day = parse_day(item)
        return f"{day.day} {day:%B %Y}" if day else ""
    if spec.type == "money":
        amount = money_text(item)
        if amount is None:
            return ""
        pounds, _, pence = amount.partition(".")
        return f"{int(pounds):,}" + (f".{pence:0<2}" if pence else "")
    if spec.type == "address" and isinstance(item, Mapping):
        parts = (item.get(k) for k in ("line1", "line2", "town", "county", "postcode"))
        return ", ".join(str(p).strip() for p in parts if isinstance(p, str) and p.strip())
    if spec.type == "person" and isinstance(item, Mapping):
        return str(item.get("name", "")).strip()
    return str(item).strip()


def _with_case(spec: InputSpec, text: str) -> str:
    if spec.case == "lower":
        return text.lower()
    if spec.case == "upper":
        return text.upper()
    if spec.case == "capitalised":
        return _capitalise(text)
    return text


def _join(items: list[str], list_type: str | None) -> str:
    if len(items) <= 1:
        return "".join(items)
    word = (list_type or "and").lower()
    return f"{', '.join(items[:-1])} {word} {items[-1]}"


def format_value(spec: InputSpec, value: object) -> str:
    items = value if isinstance(value, list) else [value]
    texts = [_with_case(spec, _one(spec, item)) for item in items if not is_empty(item)]
    if spec.indefinite_article:
        texts = [f"{'an' if t[:1].lower() in 'aeiou' else 'a'} {t}" for t in texts if t]
    joined = _join(texts, spec.list_type)
    return f"{spec.include_before}{joined}" if spec.include_before and joined else joined


def _tidy(text: str) -> str:
    text = re.sub(r" {2,}", " ", text)
    return re.sub(r" ([,.;])", r"\1", text).strip()


def render_condition_text(policy: str, code: str, values: Mapping[str, object]) -> str:
    """The condition's wording with ``values`` filled in.

    Raises ConditionInputError (with the field errors) when the values do not validate, so
    a licence never shows half-filled or invalid wording.
    """
    condition = get_condition(policy, code)
    errors = validate_condition_inputs(policy, code, values)
    if errors:
        raise ConditionInputError(errors)
    shown = {spec.name: spec for spec in visible_inputs(condition.inputs, values)}
    every = condition.all_inputs()

    def fill(match: re.Match[str]) -> str:
        names = [name.strip() for name in match.group(1).split("||")]
        for name in names:
            if name in shown and not is_empty(values.get(name)):
                return format_value(shown[name], values[name])
        for name in names:
            spec = every.get(name)
            if spec is not None and name not in shown and spec.default_value:
                return spec.default_value
        return ""

    return _tidy(PLACEHOLDER.sub(fill, condition.text))
