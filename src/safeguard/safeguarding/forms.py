"""Pages' form fields: descriptors for the templates, and parsing of what was posted.

Plain functions rather than Django forms: the event forms are generated from the kind specs
(kinds.py), and errors use the GOV.UK error-summary shape (field id → message).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any
from urllib.parse import urlencode

from django.http import QueryDict

from safeguard.accounts.roles import AgencyKind
from safeguard.safeguarding.kinds import KindSpec
from safeguard.safeguarding.models import EventAgency, EventKind
from safeguard.safeguarding.selectors.events import Filters
from safeguard.safeguarding.services.recording import NewAdult
from safeguard.safeguarding.timeutil import local_zone

NEW_ADULT_ROWS = 2
_SKIPPED_ON_FORMS = {"u", "v", "outline", "adults_present"}


@dataclass
class FormField:
    name: str
    label: str
    type: str  # text, textarea, select, radios, checkboxes, date, time, number, hidden
    value: Any = ""
    choices: Sequence[tuple[str, str]] = ()
    hint: str = ""
    error: str = ""
    values: Sequence[str] = field(default_factory=list)  # checked boxes
    width: str = ""  # a GOV.UK width class suffix, e.g. "10" or "one-half"


def with_errors(fields: list[FormField], errors: Mapping[str, str]) -> list[FormField]:
    for f in fields:
        f.error = errors.get(f.name, "")
    return fields


def parse_date(text: str | None) -> date | None:
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError:
        return None


def parse_time(text: str | None) -> time | None:
    try:
        return time.fromisoformat((text or "").strip())
    except ValueError:
        return None


def occurred_at_from_post(post: QueryDict, errors: dict[str, str]) -> datetime | None:
    day = parse_date(post.get("date"))
    at = parse_time(post.get("time"))
    if day is None:
        errors["date"] = "Enter the date it happened"
        return None
    if at is None:
        errors["time"] = "Enter the time as hours and minutes, like 14:30"
        return None
    return datetime.combine(day, at, tzinfo=local_zone())


def default_agency(user: Any) -> str:
    kind = str(getattr(getattr(user, "agency", None), "kind", ""))
    by_kind: dict[str, str] = {
        AgencyKind.POLICE: EventAgency.POLICE,
        AgencyKind.HEALTH: EventAgency.HEALTH,
        AgencyKind.PROBATION: EventAgency.PROBATION,
    }
    return by_kind.get(kind, EventAgency.SOCIAL_CARE)


def _bool(value: str | None) -> bool | None:
    return {"yes": True, "no": False}.get((value or "").strip())


def details_from_post(spec: KindSpec, post: QueryDict) -> tuple[dict[str, Any], dict[str, str]]:
    details: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for f in spec.fields:
        raw = post.get(f.name)
        if f.type == "people":
            details[f.name] = post.getlist(f.name)
        elif f.type == "bool":
            details[f.name] = _bool(raw)
        elif f.type == "number":
            if raw is not None and raw != "":
                try:
                    details[f.name] = float(raw)
                except ValueError:
                    errors[f.name] = "Enter a number"
        elif raw is not None:
            details[f.name] = raw
    return details, errors


def new_adults_from_post(post: QueryDict, errors: dict[str, str]) -> list[NewAdult]:
    adults = []
    for i in range(1, NEW_ADULT_ROWS + 1):
        given = (post.get(f"adult_given_{i}") or "").strip()
        family = (post.get(f"adult_family_{i}") or "").strip()
        dob_text = (post.get(f"adult_dob_{i}") or "").strip()
        if not (given or family or dob_text):
            continue
        if not given:
            errors[f"adult_given_{i}"] = "Enter the adult's first name"
        if not family:
            errors[f"adult_family_{i}"] = "Enter the adult's last name"
        dob = parse_date(dob_text) if dob_text else None
        if dob_text and dob is None:
            errors[f"adult_dob_{i}"] = "Enter a real date of birth"
        if given and family:
            adults.append(NewAdult(given, family, dob))
    return adults


def detail_fields(
    spec: KindSpec, values: Mapping[str, Any], people: Sequence[tuple[str, str]] = ()
) -> list[FormField]:
    """Fields of a kind's form; ``people`` are the choices for a "person" detail."""
    fields = []
    for f in spec.fields:
        if f.name in _SKIPPED_ON_FORMS:
            continue
        value = values.get(f.name, "")
        if f.type == "person":
            fields.append(
                FormField(
                    f.name,
                    f.label,
                    "select",
                    value,
                    (("", "Someone not listed: name them below"), *people),
                    f.hint,
                )
            )
        elif f.type == "bool":
            fields.append(
                FormField(
                    f.name,
                    f.label,
                    "radios",
                    {True: "yes", False: "no"}.get(value, "") if isinstance(value, bool) else value,
                    (("yes", "Yes"), ("no", "No")),
                    f.hint,
                )
            )
        elif f.type == "choice":
            fields.append(
                FormField(f.name, f.label, "select", value, (("", "Choose"), *f.choices), f.hint)
            )
        elif f.type == "longtext":
            fields.append(FormField(f.name, f.label, "textarea", value, hint=f.hint))
        else:
            fields.append(FormField(f.name, f.label, "text", value, hint=f.hint))
    return fields


def agency_choices() -> list[tuple[str, str]]:
    return list(EventAgency.choices)


def filters_from_query(query: QueryDict) -> Filters:
    return Filters(
        agencies=tuple(query.getlist("agency")),
        kinds=tuple(query.getlist("kind")),
        date_from=parse_date(query.get("from")),
        date_to=parse_date(query.get("to")),
        significant_only=query.get("significant") == "1",
        newest_first=query.get("order") == "newest",
        evidence=_event_ids(query.get("evidence", "")),
    ).clean()


def _event_ids(text: str) -> tuple[int, ...]:
    """``e12,e17`` (the ids alerts cite) as event keys; anything else is ignored."""
    found = (part.strip().removeprefix("e") for part in text.split(","))
    return tuple(int(part) for part in found if part.isdigit())


def filters_query(filters: Filters, **extra: Any) -> str:
    pairs: list[tuple[str, str]] = [("agency", a) for a in filters.agencies]
    pairs += [("kind", k) for k in filters.kinds]
    if filters.date_from:
        pairs.append(("from", filters.date_from.isoformat()))
    if filters.date_to:
        pairs.append(("to", filters.date_to.isoformat()))
    if filters.significant_only:
        pairs.append(("significant", "1"))
    if filters.newest_first:
        pairs.append(("order", "newest"))
    if filters.evidence:
        pairs.append(("evidence", ",".join(f"e{i}" for i in filters.evidence)))
    pairs += [(k, str(v)) for k, v in extra.items()]
    return urlencode(pairs)


def kind_choices() -> list[tuple[str, str]]:
    return list(EventKind.choices)


def page_number(query: QueryDict) -> int:
    try:
        return max(1, int(query.get("page", "1")))
    except ValueError:
        return 1
