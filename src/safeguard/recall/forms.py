"""Parsers for the breach-case forms (GOV.UK patterns: dates in three boxes). Parsers never
raise: they return values and a dict of messages keyed by the field to link to."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import QueryDict

from safeguard.licences.forms import date_field, date_initial, date_redisplay, text
from safeguard.recall.models import BreachCase
from safeguard.recall.services import FACT_FIELDS, CaseFacts, EvidenceInput, ParoleReviewInput

FLAGS = ("charged_with_new_offence", "terrorist_sentence", "terrorism_or_state_threat_charge")


def _whole(data: QueryDict, name: str, label: str, errors: dict[str, str]) -> int | None:
    raw = text(data, name)
    if not raw:
        return None
    if not raw.isdigit():
        errors[name] = f"Enter {label} as a whole number"
        return None
    return int(raw)


def facts_from(data: QueryDict) -> tuple[CaseFacts, dict[str, str]]:
    errors: dict[str, str] = {}
    sentence_date, problem = date_field(
        data, "sentence_date", "the date of sentence", required=False
    )
    if problem:
        errors["sentence_date"] = problem
    facts = CaseFacts(
        index_offence=text(data, "index_offence"),
        sentence_type=text(data, "sentence_type"),
        sentence_length_months=_whole(
            data, "sentence_length_months", "the length in months", errors
        ),
        sentence_date=sentence_date,
        mappa_category=_whole(data, "mappa_category", "the MAPPA category", errors),
        mappa_level=_whole(data, "mappa_level", "the MAPPA level", errors),
        charged_with_new_offence=data.get("charged_with_new_offence") == "yes",
        terrorist_sentence=data.get("terrorist_sentence") == "yes",
        terrorism_or_state_threat_charge=data.get("terrorism_or_state_threat_charge") == "yes",
        custody_status=text(data, "custody_status"),
        rosh_children=text(data, "rosh_children"),
        rosh_public=text(data, "rosh_public"),
        rosh_known_adult=text(data, "rosh_known_adult"),
        rosh_staff=text(data, "rosh_staff"),
        rosh_prisoners=text(data, "rosh_prisoners"),
    )
    return facts, errors


def facts_initial(case: BreachCase | None) -> dict[str, Any]:
    if case is None:
        return {"sentence_type": "determinate", "sentence_date": date_initial(None)}
    values: dict[str, Any] = {name: getattr(case, name) for name in FACT_FIELDS}
    values["sentence_date"] = date_initial(case.sentence_date)
    for name in ("sentence_length_months", "mappa_category", "mappa_level"):
        values[name] = "" if values[name] is None else str(values[name])
    return values


def facts_redisplay(data: QueryDict) -> dict[str, Any]:
    values: dict[str, Any] = {name: text(data, name) for name in FACT_FIELDS}
    values["sentence_date"] = date_redisplay(data, "sentence_date")
    for flag in FLAGS:
        values[flag] = data.get(flag) == "yes"
    return values


def item_from(data: QueryDict, *, required: bool) -> tuple[EvidenceInput | None, dict[str, str]]:
    """The hand-recorded item of non-compliance, or None when the boxes are all empty and the
    item is optional."""
    kind = text(data, "kind")
    details = text(data, "details")
    occurred_on, problem = date_field(data, "occurred_on", "the date it happened")
    blank = not kind and not details and problem == "Enter the date it happened"
    if blank and not required:
        return None, {}
    errors: dict[str, str] = {}
    if problem:
        errors["occurred_on"] = problem
    return EvidenceInput(kind=kind, occurred_on=occurred_on, details=details), errors


def item_initial() -> dict[str, Any]:
    return {"kind": "", "details": "", "occurred_on": date_initial(None)}


def item_redisplay(data: QueryDict) -> dict[str, Any]:
    return {
        "kind": text(data, "kind"),
        "details": text(data, "details"),
        "occurred_on": date_redisplay(data, "occurred_on"),
    }


def parole_from(data: QueryDict) -> tuple[ParoleReviewInput, dict[str, str]]:
    held_on, problem = date_field(data, "held_on", "the date of the hearing or review")
    errors = {"held_on": problem} if problem else {}
    review = ParoleReviewInput(
        held_on=held_on,
        kind=text(data, "kind"),
        outcome=text(data, "outcome"),
        notes=text(data, "notes"),
    )
    return review, errors


def parole_initial() -> dict[str, Any]:
    return {"held_on": date_initial(None), "kind": "", "outcome": "", "notes": ""}


def parole_redisplay(data: QueryDict) -> dict[str, Any]:
    return {
        "held_on": date_redisplay(data, "held_on"),
        "kind": text(data, "kind"),
        "outcome": text(data, "outcome"),
        "notes": text(data, "notes"),
    }


# Service field names → the id of the input the error summary links to.
ANCHORS = {
    "sentence_date": "sentence_date-day",
    "occurred_on": "occurred_on-day",
    "held_on": "held_on-day",
    "sentence_type": "sentence_type",
    "recommendation": "recommendation",
}


def linked(errors: Mapping[str, str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for name, message in errors.items():
        found.setdefault(ANCHORS.get(name, name), message)
    return found
