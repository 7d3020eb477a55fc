"""What each kind of chronology event carries: its detail keys, their types and labels.

The keys marked ``contract`` are those of contracts.md §3 and are always present in a stored
event (``None``/``""``/``[]`` when not known); the others are optional extras the pages use
(extra keys are allowed by the contract). Every write goes through :func:`clean_details`, so
what the indicator engine reads is always well formed.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from safeguard.safeguarding.bodymap import SITE_CHOICES, Outline
from safeguard.safeguarding.models.children import HouseholdRole, PlanCategory
from safeguard.safeguarding.models.chronology import EventKind

FieldType = Literal["text", "longtext", "bool", "choice", "person", "people", "date", "number"]

ATTENDANCE_SETTINGS = (
    ("emergency_department", "Emergency department"),
    ("urgent_care", "Urgent care or minor injuries unit"),
    ("gp", "GP surgery"),
)
MISSED_SETTINGS = (
    ("gp", "GP"),
    ("health_visitor", "Health visitor"),
    ("hospital_outpatient", "Hospital outpatient clinic"),
    ("dentist", "Dentist"),
    ("school_nurse", "School nurse"),
    ("other", "Other"),
)
INJURY_TYPES = (
    ("bruise", "Bruise"),
    ("burn", "Burn"),
    ("scald", "Scald"),
    ("bite", "Bite mark"),
    ("cut", "Cut or laceration"),
    ("abrasion", "Graze or abrasion"),
    ("fracture", "Fracture (suspected or confirmed)"),
    ("other", "Other"),
)
EXPLAINED_BY = (
    ("child", "The child"),
    ("parent_carer", "A parent or carer"),
    ("other_adult", "Another adult"),
    ("professional", "A professional"),
    ("none", "No explanation was given"),
)


@dataclass(frozen=True)
class DetailField:
    name: str
    label: str
    type: FieldType
    required: bool = False
    contract: bool = False
    choices: tuple[tuple[str, str], ...] = ()
    hint: str = ""


@dataclass(frozen=True)
class KindSpec:
    kind: str
    label: str
    fields: tuple[DetailField, ...]
    # Recorded through the "record an event" pages and the events API; the others are written
    # by their own services (registration, plans, household), which keep other tables in step.
    recordable: bool = True

    @property
    def contract_keys(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.contract)

    def field(self, name: str) -> DetailField | None:
        return next((f for f in self.fields if f.name == name), None)


_f = DetailField


_ADULTS_PRESENT = _f(
    "adults_present",
    "Adults present",
    "people",
    contract=True,
    hint="Everyone over 18 who was there: at the home or with the child",
)
_ADULTS_WITH_CHILD = _f("adults_present", "Adults with the child", "people")
_PERSON = _f("person", "Person", "person", required=True, contract=True)

SPECS: dict[str, KindSpec] = {
    s.kind: s
    for s in [
        KindSpec(
            EventKind.CHILD_REGISTERED,
            "Child registered",
            (
                _f("dob", "Date of birth", "date", contract=True),
                _f("name", "Name", "text", required=True, contract=True),
            ),
            recordable=False,
        ),
        KindSpec(
            EventKind.CP_PLAN_STARTED,
            "Child protection plan started",
            (_f("category", "Category", "choice", True, True, tuple(PlanCategory.choices)),),
            recordable=False,
        ),
        KindSpec(
            EventKind.CP_PLAN_ENDED,
            "Child protection plan ended",
            (_f("category", "Category", "choice", True, True, tuple(PlanCategory.choices)),),
            recordable=False,
        ),
        KindSpec(
            EventKind.HOUSEHOLD_MEMBER_ADDED,
            "Household member recorded",
            (
                _PERSON,
                _f("role", "Role", "choice", True, True, tuple(HouseholdRole.choices)),
                _f("relationship", "Relationship to the child", "text"),
                _f("known_by", "How it is known", "text"),
            ),
            recordable=False,
        ),
        KindSpec(
            EventKind.HOUSEHOLD_MEMBER_LEFT,
            "Household member left",
            (_PERSON, _f("role", "Role", "choice", True, True, tuple(HouseholdRole.choices))),
            recordable=False,
        ),
        KindSpec(
            EventKind.VISIT,
            "Visit",
            (
                _f("child_seen", "Was the child seen?", "bool", required=True, contract=True),
                _f("seen_alone", "Was the child seen alone?", "bool"),
                _ADULTS_PRESENT,
            ),
        ),
        KindSpec(
            EventKind.INJURY,
            "Injury",
            (
                _f("site", "Where on the body", "choice", True, True, SITE_CHOICES),
                _f("type", "Type of injury", "choice", True, True, INJURY_TYPES),
                _f("explanation", "Explanation given", "longtext", contract=True),
                _f("explained_by", "Explanation given by", "choice", choices=EXPLAINED_BY),
                _f(
                    "mobile",
                    "Is the child independently mobile?",
                    "bool",
                    contract=True,
                    hint="Crawling, cruising or walking",
                ),
                _f("size", "Size", "text", hint="For example 2 cm by 1 cm"),
                _f("colour", "Colour", "text"),
                _f("u", "Position across the site", "number"),
                _f("v", "Position down the site", "number"),
                _f(
                    "outline",
                    "Body map outline",
                    "choice",
                    choices=tuple((o.value, o.value.capitalize()) for o in Outline),
                ),
                _ADULTS_WITH_CHILD,
            ),
        ),
        KindSpec(
            EventKind.ATTENDANCE,
            "Health attendance",
            (
                _f("setting", "Where", "choice", True, True, ATTENDANCE_SETTINGS),
                _f("provider", "Provider", "text", required=True, contract=True),
                _f("reason", "Reason for attending", "longtext", contract=True),
                _ADULTS_WITH_CHILD,
            ),
        ),
        KindSpec(
            EventKind.MISSED_APPOINTMENT,
            "Missed appointment (was not brought)",
            (
                _f("setting", "Appointment with", "choice", True, True, MISSED_SETTINGS),
                _f("appointment", "What the appointment was for", "text"),
            ),
        ),
        KindSpec(
            EventKind.POLICE_CALLOUT,
            "Police call-out",
            (_f("reason", "Reason for the call-out", "longtext", True, True), _ADULTS_PRESENT),
        ),
        KindSpec(
            EventKind.CONCERN,
            "Concern",
            (
                _f("summary", "What is the concern?", "longtext", True, True),
                _f("referrer", "Who raised it", "text"),
                _ADULTS_WITH_CHILD,
            ),
        ),
        KindSpec(
            EventKind.ADULT_RESTRICTION,
            "Restriction on an adult",
            (
                _PERSON,
                _f("restriction", "Restriction", "longtext", True, True),
            ),
        ),
        KindSpec(
            EventKind.ADULT_ASSOCIATED,
            "Adult associated with the child",
            (_PERSON, _f("reason", "How they are connected", "longtext", True, True)),
        ),
    ]
}

PEOPLE_FIELDS = ("adults_present",)


class DetailsError(ValueError):
    """Field errors, keyed by detail name."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def _person_ref(value: object) -> str | None:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, str):
        try:
            return str(uuid.UUID(value))
        except ValueError:
            return None
    return None


def _clean_value(spec: DetailField, value: object) -> tuple[object, str | None]:
    """(clean value, error message or None)."""
    blank = value is None or (isinstance(value, str) and not value.strip())
    if spec.type == "people":
        if value is None:
            return [], None
        if not isinstance(value, list | tuple):
            return None, "Give a list of people"
        refs = [_person_ref(v) for v in value]
        if any(r is None for r in refs):
            return None, "A person reference is not valid"
        return list(dict.fromkeys(r for r in refs if r)), None
    if blank:
        if spec.required:
            return None, f"Enter {spec.label[0].lower()}{spec.label[1:]}".rstrip("?")
        return ({"bool": None, "number": None, "date": None}.get(spec.type, "")), None
    if spec.type == "bool":
        if isinstance(value, bool):
            return value, None
        return None, "Answer yes or no"
    if spec.type == "number":
        if isinstance(value, int | float) and not isinstance(value, bool):
            return round(float(value), 4), None
        return None, "Enter a number"
    if spec.type == "date":
        if isinstance(value, date):
            return value.isoformat(), None
        try:
            return date.fromisoformat(str(value)).isoformat(), None
        except ValueError:
            return None, "Enter a real date"
    if spec.type == "person":
        ref = _person_ref(value)
        return (ref, None) if ref else (None, "Choose a person")
    if not isinstance(value, str):
        return None, "Enter text"
    text = value.strip()
    if spec.type == "choice" and text not in {c for c, _ in spec.choices}:
        return None, f"Choose {spec.label[0].lower()}{spec.label[1:]}".rstrip("?")
    limit = 4000 if spec.type == "longtext" else 200
    if len(text) > limit:
        return None, f"Use {limit} characters or fewer"
    return text, None


def clean_details(kind: str, raw: Mapping[str, Any]) -> dict[str, Any]:
    """The details to store for ``kind``: contract keys always present, unknown keys refused."""
    spec = SPECS.get(kind)
    if spec is None:
        raise DetailsError({"kind": "Choose a kind of event"})
    errors: dict[str, str] = {}
    unknown = sorted(set(raw) - {f.name for f in spec.fields})
    for key in unknown:
        errors[key] = "Not a detail of this kind of event"
    clean: dict[str, Any] = {}
    for field in spec.fields:
        value, error = _clean_value(field, raw.get(field.name))
        if error:
            errors[field.name] = error
        elif field.contract or value not in ("", None, []):
            # Contract keys are always present; an empty optional extra is left out.
            clean[field.name] = value
    if errors:
        raise DetailsError(errors)
    return clean


def person_refs(kind: str, details: Mapping[str, Any]) -> list[str]:
    """Every person-index id an event's details name, in order."""
    refs: list[str] = []
    person = details.get("person")
    if isinstance(person, str) and person:
        refs.append(person)
    for key in PEOPLE_FIELDS:
        value = details.get(key)
        if isinstance(value, list):
            refs.extend(v for v in value if isinstance(v, str))
    return list(dict.fromkeys(refs))


def detail_problems(kind: str, raw: Mapping[str, Any]) -> dict[str, str]:
    """The field errors :func:`clean_details` would raise, without raising."""
    try:
        clean_details(kind, raw)
    except DetailsError as exc:
        return exc.errors
    return {}
