"""Events in words: one line for the chronology table and exports, a sentence for the story.

Names come from a map of person-index id → name built once per page (no query per event);
a person the map does not hold is "a person not named here".
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from safeguard.safeguarding.bodymap import site_label
from safeguard.safeguarding.kinds import (
    ATTENDANCE_SETTINGS,
    EXPLAINED_BY,
    INJURY_TYPES,
    MISSED_SETTINGS,
)
from safeguard.safeguarding.models import ChronologyEvent, EventAgency, HouseholdRole, PlanCategory

_ATTENDANCE = dict(ATTENDANCE_SETTINGS)
_MISSED = dict(MISSED_SETTINGS)
_INJURY = dict(INJURY_TYPES)
_EXPLAINED_BY = dict(EXPLAINED_BY)
_CATEGORY = dict(PlanCategory.choices)
_ROLE = dict(HouseholdRole.choices)
AGENCY_LABELS = dict(EventAgency.choices)
UNNAMED = "a person not named here"


def _name(names: Mapping[str, str], ref: object) -> str:
    return names.get(str(ref), UNNAMED)


def _text(details: Mapping[str, Any], key: str) -> str:
    value = details.get(key)
    return value.strip() if isinstance(value, str) else ""


def _yes_no(value: object, yes: str, no: str, unknown: str = "") -> str:
    return yes if value is True else no if value is False else unknown


def describe(event: ChronologyEvent, names: Mapping[str, str]) -> str:
    """What happened, in one line, without the adults present (shown beside it)."""
    d = event.details
    kind = event.kind
    if kind == "child_registered":
        dob = _text(d, "dob")
        born = f" (born {date.fromisoformat(dob):%-d %B %Y})" if dob else ""
        return f"Registered with children's social care{born}"
    if kind in ("cp_plan_started", "cp_plan_ended"):
        verb = "started" if kind == "cp_plan_started" else "ended"
        return f"Child protection plan {verb}: {_CATEGORY.get(_text(d, 'category'), '').lower()}"
    if kind == "household_member_added":
        extra = "; ".join(
            x
            for x in (
                _ROLE.get(_text(d, "role"), "").lower(),
                _text(d, "relationship"),
                f"known: {_text(d, 'known_by')}" if _text(d, "known_by") else "",
            )
            if x
        )
        return f"{_name(names, d.get('person'))} recorded as living with the child ({extra})"
    if kind == "household_member_left":
        return f"{_name(names, d.get('person'))} recorded as having left the household"
    if kind == "visit":
        seen = _yes_no(
            d.get("child_seen"),
            "child seen",
            "child NOT seen",
            "not recorded whether the child was seen",
        )
        alone = _yes_no(d.get("seen_alone"), "; seen alone", "; not seen alone")
        return f"Visit: {seen}{alone}"
    if kind == "injury":
        parts = [f"Injury: {_INJURY.get(_text(d, 'type'), _text(d, 'type')).lower()}"]
        if _text(d, "site"):
            parts[0] += f", {site_label(_text(d, 'site')).lower()}"
        for key in ("size", "colour"):
            if _text(d, key):
                parts.append(f"{key} {_text(d, key)}")
        explanation = _text(d, "explanation")
        by = _EXPLAINED_BY.get(_text(d, "explained_by"), "")
        if explanation:
            parts.append(f"explanation: “{explanation}”" + (f" ({by.lower()})" if by else ""))
        else:
            parts.append("no explanation given")
        parts.append(
            _yes_no(
                d.get("mobile"),
                "independently mobile",
                "NOT independently mobile",
                "mobility not recorded",
            )
        )
        return "; ".join(parts)
    if kind == "attendance":
        where = _ATTENDANCE.get(_text(d, "setting"), "Health") + " attendance"
        provider = f" at {_text(d, 'provider')}" if _text(d, "provider") else ""
        reason = f": {_text(d, 'reason')}" if _text(d, "reason") else ""
        return f"{where}{provider}{reason}"
    if kind == "missed_appointment":
        what = _text(d, "appointment")
        return f"Was not brought to {_MISSED.get(_text(d, 'setting'), 'an')} appointment" + (
            f" ({what})" if what else ""
        )
    if kind == "police_callout":
        return f"Police call-out: {_text(d, 'reason')}"
    if kind == "concern":
        by = f" by {_text(d, 'referrer')}" if _text(d, "referrer") else ""
        return f"Concern raised{by}: {_text(d, 'summary')}"
    if kind == "adult_restriction":
        return f"{_name(names, d.get('person'))} is restricted: {_text(d, 'restriction')}"
    if kind == "adult_associated":
        return f"{_name(names, d.get('person'))} is associated with the child: {_text(d, 'reason')}"
    return event.get_kind_display()


def line(text: str, adults: str) -> str:
    """The one-line form with the adults present, for CSV and PDF."""
    return f"{text}. Adults present: {adults}" if adults else text


_STORY_OPENING = {
    "social_care": "Children's social care recorded",
    "police": "The police recorded",
    "health": "Health recorded",
    "education": "The school or nursery recorded",
    "probation": "Probation recorded",
    "public": "A member of the public reported",
}


def story(event: ChronologyEvent, text: str, adults: str) -> str:
    """A sentence of the child's story: who told us what, in plain words."""
    opening = _STORY_OPENING.get(event.agency, "An agency recorded")
    sentence = f"{opening}: {text.rstrip('.')}."
    if adults:
        sentence += f" Adults there: {adults}."
    if event.narrative:
        sentence += f" {event.narrative}"
    return sentence
