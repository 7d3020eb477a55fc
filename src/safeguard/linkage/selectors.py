"""Reads for the review pages and API: access-checked and audited as consultations."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q

from safeguard.audit.models import AuditAction
from safeguard.audit.services import audit_record
from safeguard.linkage.access import (
    access_master_by_id,
    access_pair_by_id,
    pairs_visible_to,
    sees_restricted,
)
from safeguard.linkage.models import (
    CandidatePair,
    LinkageEvent,
    MasterPerson,
    Membership,
    PairStatus,
)
from safeguard.people.models import IdentifierScheme, Person

QUEUE_LIMIT = 200

# What each comparison of the engine looks at, in the words of the page.
COMPARISON_LABELS = {
    "forename": "First name",
    "surname": "Last name",
    "date_of_birth": "Date of birth",
    "residence": "Address and postcode",
    "phone": "Phone",
    "sex": "Sex",
    "nhs_number": "NHS number",
    "pnc_id": "PNC ID",
    "ni_number": "National Insurance number",
}


@dataclass(frozen=True)
class FieldRow:
    label: str
    left: str
    right: str
    evidence: str  # the level the comparison reached, or "" when not compared
    match_weight: float | None
    verdict: str  # "agree", "disagree", "no evidence" or "not compared"


def verdict_of(weight: float | None) -> str:
    if weight is None:
        return "not compared"
    if weight > 0.05:
        return "agree"
    if weight < -0.05:
        return "disagree"
    return "no evidence"


def _current_address(person: Person) -> tuple[str, str]:
    current = [a for a in person.addresses.all() if a.valid_to is None]
    if not current:
        return "", ""
    address = max(current, key=lambda a: (a.valid_from, a.pk))
    return f"{address.line1}, {address.town}", address.postcode


def _identifier(person: Person, scheme: str) -> str:
    return next((i.value for i in person.identifiers.all() if i.scheme == scheme), "")


def field_rows(pair: CandidatePair) -> list[FieldRow]:
    """Each field of both records beside the evidence the engine drew from it."""
    left, right = pair.left, pair.right
    evidence = {e["comparison"]: e for e in pair.evidence}

    def row(label: str, a: str, b: str, comparison: str | None) -> FieldRow:
        found = evidence.get(comparison) if comparison else None
        weight = float(found["match_weight"]) if found else None
        level = str(found["level"]) if found else ""
        return FieldRow(
            label, a or "Not recorded", b or "Not recorded", level, weight, verdict_of(weight)
        )

    def dob(p: Person) -> str:
        return p.date_of_birth.strftime("%-d %B %Y") if p.date_of_birth else ""

    (left_address, left_postcode), (right_address, right_postcode) = (
        _current_address(left),
        _current_address(right),
    )
    rows = [
        row("First name", left.given_name, right.given_name, "forename"),
        row("Last name", left.family_name, right.family_name, "surname"),
        row("Date of birth", dob(left), dob(right), "date_of_birth"),
        row("Sex", left.get_sex_display(), right.get_sex_display(), "sex"),
        row("Address", left_address, right_address, "residence"),
        row("Postcode", left_postcode, right_postcode, "residence"),
    ]
    for scheme, comparison in (
        (IdentifierScheme.NHS, "nhs_number"),
        (IdentifierScheme.PNC, "pnc_id"),
        (IdentifierScheme.CRN, None),
    ):
        rows.append(
            row(scheme.label, _identifier(left, scheme), _identifier(right, scheme), comparison)
        )
    return rows


def evidence_rows(pair: CandidatePair) -> list[dict[str, Any]]:
    """The prior, then each comparison's weight: together they add up to the match weight."""
    prior = pair.match_weight - sum(float(e["match_weight"]) for e in pair.evidence)
    start = {
        "label": "Starting point",
        "level": "two records chosen at random are rarely one person",
        "match_weight": prior,
        "verdict": "prior",
    }
    return [start] + [
        {
            "label": COMPARISON_LABELS.get(e["comparison"], e["comparison"]),
            "level": e["level"],
            "match_weight": e["match_weight"],
            "verdict": verdict_of(float(e["match_weight"])),
        }
        for e in pair.evidence
    ]


def _audit_view(user: Any, object_type: str, object_id: str, summary: str, **details: Any) -> None:
    with transaction.atomic():
        audit_record(
            actor=user,
            action=AuditAction.CONSULTATION,
            object_type=object_type,
            object_id=object_id,
            summary=summary,
            details=details,
        )


@dataclass(frozen=True)
class Queue:
    pending: list[CandidatePair]
    decided: list[CandidatePair]


def review_queue(user: Any) -> Queue:
    """Pairs waiting for review (most likely first) and the latest decided ones."""
    pairs = pairs_visible_to(user)
    pending = list(
        pairs.filter(status=PairStatus.PENDING).order_by("-match_probability", "created_at", "pk")[
            :QUEUE_LIMIT
        ]
    )
    decided = list(pairs.exclude(status=PairStatus.PENDING).order_by("-decided_at", "pk")[:20])
    _audit_view(
        user,
        "linkage_queue",
        "",
        "viewed the linkage review queue",
        pairs=[str(p.pk) for p in [*pending, *decided]],
    )
    return Queue(pending, decided)


def _masters_of(people: list[Person]) -> dict[str, MasterPerson]:
    return {
        str(m.person_id): m.master
        for m in Membership.objects.filter(person__in=people).select_related("master")
    }


@dataclass(frozen=True)
class PairView:
    pair: CandidatePair
    fields: list[FieldRow]
    evidence: list[dict[str, Any]]
    left_master: MasterPerson | None
    right_master: MasterPerson | None
    events: list[LinkageEvent]
    undoable: set[int]


def undoable_ids(events: list[LinkageEvent]) -> set[int]:
    undone = set(LinkageEvent.objects.filter(undoes__in=events).values_list("undoes_id", flat=True))
    return {e.pk for e in events if e.kind != "undo" and e.pk not in undone}


def pair_view(user: Any, pair_id: Any) -> PairView:
    pair = access_pair_by_id(user, pair_id)
    left = Person.objects.prefetch_related("addresses", "identifiers").get(pk=pair.left_id)
    right = Person.objects.prefetch_related("addresses", "identifiers").get(pk=pair.right_id)
    pair.left, pair.right = left, right
    masters = _masters_of([left, right])
    events = list(LinkageEvent.objects.filter(pair=pair).select_related("actor", "undoes"))
    _audit_view(
        user,
        "linkage_pair",
        str(pair.pk),
        "compared two records for linkage",
        people=[str(left.pk), str(right.pk)],
        protected_shown=pair.restricted,
    )
    return PairView(
        pair,
        field_rows(pair),
        evidence_rows(pair),
        masters.get(str(left.pk)),
        masters.get(str(right.pk)),
        events,
        undoable_ids(events),
    )


@dataclass(frozen=True)
class MasterView:
    master: MasterPerson
    members: list[Person]
    events: list[LinkageEvent]
    undoable: set[int]
    restricted_shown: bool


def master_view(user: Any, master_id: Any) -> MasterView:
    master = access_master_by_id(user, master_id)
    members = list(
        Person.objects.filter(linkage_membership__master=master)
        .prefetch_related("addresses", "identifiers")
        .order_by("created_at", "pk")
    )
    ids = [str(p.pk) for p in members]
    events = list(
        LinkageEvent.objects.filter(
            Q(master=master) | Q(pair__left__in=members) | Q(pair__right__in=members)
        )
        .select_related("actor", "pair")
        .distinct()
    )
    if not sees_restricted(user):
        events = [e for e in events if e.pair is None or not e.pair.restricted]
    _audit_view(user, "master_person", str(master.pk), "viewed a master person", people=ids)
    return MasterView(master, members, events, undoable_ids(events), sees_restricted(user))
