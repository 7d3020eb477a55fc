"""Small parsers for the GOV.UK form patterns used on licence pages.

Dates come as three boxes (day, month, year), times as one box that also takes "7pm" or
"1900". Parsers never raise: they return a value or a message for the field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

from django.http import QueryDict

TIME_WORDS = re.compile(r"^(\d{1,2})(?:[:.]?(\d{2}))?\s*(am|pm)?$")


def text(data: QueryDict, name: str) -> str:
    return str(data.get(name, "")).strip()


def date_parts(data: QueryDict, name: str) -> tuple[str, str, str]:
    return (text(data, f"{name}-day"), text(data, f"{name}-month"), text(data, f"{name}-year"))


def date_iso(data: QueryDict, name: str) -> str:
    """ "YYYY-MM-DD" from the three boxes; "" when all are empty; otherwise the boxes as typed
    (which the checks then report as "Enter a real date")."""
    day, month, year = date_parts(data, name)
    if not (day or month or year):
        return ""
    if day.isdigit() and month.isdigit() and year.isdigit() and len(year) == 4:
        try:
            return date(int(year), int(month), int(day)).isoformat()
        except ValueError:
            pass
    return f"{year}-{month}-{day}?"


def date_field(
    data: QueryDict, name: str, label: str, *, required: bool = True
) -> tuple[date | None, str | None]:
    """(the date, None), (None, a message) or (None, None) when optional and empty."""
    iso = date_iso(data, name)
    if not iso:
        return None, (f"Enter {label}" if required else None)
    if iso.endswith("?"):
        return None, f"{label[0].upper()}{label[1:]} must be a real date"
    return date.fromisoformat(iso), None


def date_initial(value: date | None) -> dict[str, str]:
    if value is None:
        return {"day": "", "month": "", "year": ""}
    return {"day": str(value.day), "month": str(value.month), "year": str(value.year)}


def date_redisplay(data: QueryDict, name: str) -> dict[str, str]:
    day, month, year = date_parts(data, name)
    return {"day": day, "month": month, "year": year}


def time_value(raw: str) -> str:
    """ "19:00" from "19:00", "1900", "19.00", "7pm" or "7:30 pm"; anything else unchanged."""
    cleaned = raw.strip().lower().replace(" ", "")
    if cleaned in ("midnight", "12midnight"):
        return "00:00"
    if cleaned in ("midday", "noon", "12midday"):
        return "12:00"
    match = TIME_WORDS.match(cleaned)
    if not match:
        return raw.strip()
    hour, minute, half = int(match.group(1)), int(match.group(2) or 0), match.group(3)
    if half:
        if not 1 <= hour <= 12:
            return raw.strip()
        hour = hour % 12 + (12 if half == "pm" else 0)
    elif match.group(2) is None and len(match.group(1)) <= 2:
        return raw.strip()  # "7" alone is ambiguous: ask for a real time
    if hour > 23 or minute > 59:
        return raw.strip()
    return f"{hour:02d}:{minute:02d}"


def summary(errors: Mapping[str, str], anchors: Mapping[str, str]) -> dict[str, str]:
    """Errors keyed by the id of the field to link to from the error summary."""
    linked: dict[str, str] = {}
    for field, message in errors.items():
        linked.setdefault(anchors.get(field, field), message)
    return linked
