"""Every write to the master person index, each audited in the same transaction.

- ``record_arrival``: match a new agency record against the index (incremental, no retraining)
  and link it, queue it for clerical review, or leave it apart (ADR 0402).
- ``pair_decide``: a reviewer links a queued pair or keeps it apart, with a reason.
- ``master_unmerge``: take one record out of a master person.
- ``event_undo``: reverse any of these exactly, by moving the records back (ADR 0403).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from safeguard.audit.models import AuditAction
from safeguard.audit.services import audit_record
from safeguard.linkage import conf, index
from safeguard.linkage.models import (
    CandidatePair,
    EventKind,
    LinkageEvent,
    MasterPerson,
    Membership,
    PairStatus,
)
from safeguard.linkage.signals import persons_linked, persons_unlinked, send_on_commit
from safeguard.people.models import IdentityLink, Person
from safeguard.site.errors import DomainError

if TYPE_CHECKING:
    from safeguard.linkage.engine.model import LinkageModel

logger = logging.getLogger(__name__)
SYSTEM_LABEL = "linkage"
_CANDIDATES = 10


@dataclass(frozen=True)
class Arrival:
    person: Person
    linked_to: Person | None
    queued: tuple[CandidatePair, ...]


def is_restricted(person: Person) -> bool:
    """A protected identity or a former identity: matched only under the privacy officer."""
    return bool(person.protected_identity or person.is_former_identity)


def _identity_linked(a: Person, b: Person) -> bool:
    """One is the recorded former identity of the other (IdentityLink): never paired."""
    pairs = ((a, b), (b, a))
    return any(
        IdentityLink.objects.filter(
            current=cur, former_index=IdentityLink.index_of(old.pk)
        ).exists()
        for cur, old in pairs
    )


def membership_of(person: Person) -> Membership:
    """The person's membership, creating a master person of their own if they have none."""
    found = Membership.objects.filter(person=person).select_related("master").first()
    if found is not None:
        return found
    return Membership.objects.create(person=person, master=MasterPerson.objects.create())


def _contradicts(model: LinkageModel, a: Person, b: Person) -> bool:
    """Would the engine's clustering refuse to put these two records in one person?"""
    from safeguard.linkage.engine.clustering import ContradictionRules, evidence_from_columns
    from safeguard.linkage.engine.features import feature_columns

    rules = ContradictionRules.from_dict(model.contradiction_rules)
    columns = feature_columns([index.person_record(a), index.person_record(b)])
    left, right = evidence_from_columns(columns)
    return rules.contradict(left, right)


def _pair_exists(a: Person, b: Person) -> bool:
    return (
        CandidatePair.objects.filter(left=a, right=b).exists()
        or CandidatePair.objects.filter(left=b, right=a).exists()
    )


def _merge(*, into: MasterPerson, source: MasterPerson) -> list[dict[str, str]]:
    """Move every member of ``source`` into ``into``; the moves, for the event log."""
    members = list(
        Membership.objects.select_for_update().filter(master=source).order_by("person_id")
    )
    moves = [
        {"person": str(m.person_id), "from": str(source.pk), "to": str(into.pk)} for m in members
    ]
    Membership.objects.filter(pk__in=[m.pk for m in members]).update(
        master=into, since=timezone.now()
    )
    return moves


def _pair_state(pair: CandidatePair) -> dict[str, Any]:
    return {
        "status": pair.status,
        "reason": pair.reason,
        "decided_by": pair.decided_by_id,
        "decided_at": pair.decided_at.isoformat() if pair.decided_at else None,
    }


def record_arrival(*, person: Person) -> Arrival:
    """Match a newly recorded person against the index and act on the best candidates.

    At or above the link threshold the record joins its best candidate's master person,
    unless either record is a protected or former identity or an engine contradiction rule
    fires; those, and every candidate between the thresholds, wait for clerical review.
    """
    matcher = index.matcher()
    fresh = next(iter(index.with_details([person.pk])), None)
    if fresh is None:
        raise DomainError("That person is not in the index")
    candidates = matcher.match(
        index.person_record(fresh), limit=_CANDIDATES, min_probability=conf.review_threshold()
    )
    link_at = conf.link_threshold()
    others = {str(p.pk): p for p in Person.objects.filter(pk__in=[c.record_id for c in candidates])}
    linked_to: Person | None = None
    queued: list[CandidatePair] = []
    with transaction.atomic():
        own = membership_of(fresh)
        for candidate in candidates:
            other = others.get(candidate.record_id)
            if other is None or _pair_exists(fresh, other) or _identity_linked(fresh, other):
                continue
            theirs = membership_of(other)
            own.refresh_from_db()
            if theirs.master_id == own.master_id:
                continue
            restricted = is_restricted(fresh) or is_restricted(other)
            contradicts = _contradicts(matcher.model, fresh, other)
            automatic = (
                linked_to is None
                and candidate.match_probability >= link_at
                and not restricted
                and not contradicts
            )
            pair = CandidatePair.objects.create(
                left=fresh,
                right=other,
                match_weight=candidate.match_weight,
                match_probability=candidate.match_probability,
                evidence=[
                    {"comparison": f.comparison, "level": f.level, "match_weight": f.match_weight}
                    for f in candidate.fields
                ],
                restricted=restricted,
                contradicts=contradicts,
                status=PairStatus.AUTO_LINKED if automatic else PairStatus.PENDING,
                decided_at=timezone.now() if automatic else None,
            )
            if automatic:
                moves = _merge(into=theirs.master, source=own.master)
                LinkageEvent.objects.create(
                    kind=EventKind.AUTO_LINK,
                    pair=pair,
                    master=theirs.master,
                    moves=moves,
                    pair_before={
                        "status": PairStatus.PENDING,
                        "reason": "",
                        "decided_by": None,
                        "decided_at": None,
                    },
                    reason=f"match probability {candidate.match_probability:.3f}",
                )
                linked_to = other
            else:
                queued.append(pair)
        audit_record(
            actor=None,
            actor_label=SYSTEM_LABEL,
            action=AuditAction.COMBINATION if linked_to is not None else AuditAction.ALTERATION,
            object_type="person",
            object_id=str(fresh.pk),
            summary=(
                "linked a new record to a master person"
                if linked_to is not None
                else "matched a new record against the person index"
            ),
            details={
                "linked_to": str(linked_to.pk) if linked_to is not None else None,
                "queued_pairs": [str(p.pk) for p in queued],
                "candidates": len(candidates),
            },
        )
        if linked_to is not None:
            send_on_commit(persons_linked, [fresh.pk, linked_to.pk])
    return Arrival(fresh, linked_to, tuple(queued))


def pair_decide(*, actor: Any, pair: CandidatePair, decision: str, reason: str) -> LinkageEvent:
    """A reviewer's decision on a queued pair: ``link`` or ``keep_apart``, with a reason."""
    errors: dict[str, str] = {}
    if decision not in ("link", "keep_apart"):
        errors["decision"] = "Choose whether these are the same person"
    if not reason.strip():
        errors["reason"] = "Give the reason for the decision"
    if errors:
        raise DomainError("Check the decision", {"fields": errors})
    with transaction.atomic():
        pair = CandidatePair.objects.select_for_update().get(pk=pair.pk)
        if pair.status != PairStatus.PENDING:
            raise DomainError("This pair has already been decided")
        before = _pair_state(pair)
        moves: list[dict[str, str]] = []
        master = None
        if decision == "link":
            left, right = membership_of(pair.left), membership_of(pair.right)
            master = right.master
            if left.master_id != right.master_id:
                moves = _merge(into=right.master, source=left.master)
        pair.status = PairStatus.LINKED if decision == "link" else PairStatus.KEPT_APART
        pair.reason = reason.strip()
        pair.decided_by = actor
        pair.decided_at = timezone.now()
        pair.save(update_fields=["status", "reason", "decided_by", "decided_at"])
        event = LinkageEvent.objects.create(
            kind=EventKind.LINK if decision == "link" else EventKind.KEEP_APART,
            pair=pair,
            master=master,
            moves=moves,
            pair_before=before,
            reason=pair.reason,
            actor=actor,
        )
        audit_record(
            actor=actor,
            action=AuditAction.COMBINATION if decision == "link" else AuditAction.ALTERATION,
            object_type="linkage_pair",
            object_id=str(pair.pk),
            summary=(
                "linked two records as one person"
                if decision == "link"
                else "kept two records apart as different people"
            ),
            details={
                "event": event.pk,
                "people": [str(pair.left_id), str(pair.right_id)],
                "moved": len(moves),
            },
        )
        if decision == "link":
            send_on_commit(
                persons_linked, [pair.left_id, pair.right_id, *(m["person"] for m in moves)]
            )
    return event


def master_unmerge(
    *, actor: Any, master: MasterPerson, person: Person, reason: str
) -> LinkageEvent:
    """Take one record out of a master person into a master person of its own."""
    if not reason.strip():
        raise DomainError(
            "Give the reason for taking the record out",
            {"fields": {"reason": "Give the reason for taking the record out"}},
        )
    with transaction.atomic():
        membership = (
            Membership.objects.select_for_update().filter(master=master, person=person).first()
        )
        if membership is None:
            raise DomainError("That record is not part of this master person")
        if Membership.objects.filter(master=master).count() < 2:
            raise DomainError("A master person with one record has nothing to take out")
        alone = MasterPerson.objects.create()
        membership.master = alone
        membership.save(update_fields=["master", "since"])
        event = LinkageEvent.objects.create(
            kind=EventKind.UNMERGE,
            master=master,
            moves=[{"person": str(person.pk), "from": str(master.pk), "to": str(alone.pk)}],
            reason=reason.strip(),
            actor=actor,
        )
        audit_record(
            actor=actor,
            action=AuditAction.ALTERATION,
            object_type="master_person",
            object_id=str(master.pk),
            summary="took a record out of a master person",
            details={"event": event.pk, "person": str(person.pk), "new_master": str(alone.pk)},
        )
        send_on_commit(persons_unlinked, [person.pk])
    return event


def event_undo(*, actor: Any, event: LinkageEvent, reason: str = "") -> LinkageEvent:
    """Reverse an event exactly: every record it moved goes back, the pair's decision too.

    Refused when a later event moved one of those records again (undo that one first), so
    an undo never lands the index in a state it was not in before.
    """
    with transaction.atomic():
        event = LinkageEvent.objects.select_for_update().get(pk=event.pk)
        if event.kind == EventKind.UNDO:
            raise DomainError("An undo cannot itself be undone: decide the pair again")
        if LinkageEvent.objects.filter(undoes=event).exists():
            raise DomainError("This change has already been undone")
        moved = [m["person"] for m in event.moves]
        current = {
            str(m.person_id): str(m.master_id)
            for m in Membership.objects.select_for_update().filter(person_id__in=moved)
        }
        if any(current.get(m["person"]) != m["to"] for m in event.moves):
            raise DomainError("A later change moved these records again: undo that one first")
        inverse = [{"person": m["person"], "from": m["to"], "to": m["from"]} for m in event.moves]
        for move in inverse:
            Membership.objects.filter(person_id=move["person"]).update(
                master_id=move["to"], since=timezone.now()
            )
        if event.kind == EventKind.UNMERGE:
            # The master person made for the record taken out is empty again: remove it.
            emptied = {m["from"] for m in inverse}
            MasterPerson.objects.filter(pk__in=emptied, members__isnull=True).delete()
        pair = event.pair
        if pair is not None:
            before = event.pair_before
            pair.status = before.get("status", PairStatus.PENDING)
            pair.reason = before.get("reason", "")
            pair.decided_by_id = before.get("decided_by")
            decided_at = before.get("decided_at")
            pair.decided_at = None if decided_at is None else _parse(decided_at)
            pair.save(update_fields=["status", "reason", "decided_by", "decided_at"])
        undo = LinkageEvent.objects.create(
            kind=EventKind.UNDO,
            pair=pair,
            master=event.master,
            moves=inverse,
            reason=reason.strip(),
            actor=actor,
            undoes=event,
        )
        audit_record(
            actor=actor,
            action=AuditAction.ALTERATION,
            object_type="linkage_event",
            object_id=str(event.pk),
            summary=f"undid a linkage change ({event.get_kind_display().lower()})",
            details={
                "undo_event": undo.pk,
                "pair": str(pair.pk) if pair is not None else None,
                "moved": len(inverse),
            },
        )
        if inverse and event.kind != EventKind.KEEP_APART:
            relinked = event.kind == EventKind.UNMERGE
            send_on_commit(
                persons_linked if relinked else persons_unlinked, [m["person"] for m in inverse]
            )
    return undo


def _parse(value: str) -> Any:
    from datetime import datetime

    return datetime.fromisoformat(value)


def review_request(
    *, person: Person, other: Person, actor: Any | None, why: str
) -> CandidatePair | None:
    """Put a pair in the clerical review queue whatever its score (another area is unsure).

    Used where a caller finds a likely match it must not act on itself, e.g. an adult named
    at a child's home who matches someone the recorder may not see (ADR 0505, 0406). Returns
    None when the pair is already known, is one person's former identity, or is not a
    candidate the model can score (no blocking key in common).
    """
    if person.pk == other.pk or _pair_exists(person, other) or _identity_linked(person, other):
        return None
    matcher = index.matcher()
    fresh = next(iter(index.with_details([person.pk])), None)
    if fresh is None:
        return None
    found = next(
        (
            c
            for c in matcher.match(index.person_record(fresh), limit=100)
            if c.record_id == str(other.pk)
        ),
        None,
    )
    if found is None:
        return None
    with transaction.atomic():
        membership_of(fresh)
        membership_of(other)
        pair = CandidatePair.objects.create(
            left=fresh,
            right=other,
            match_weight=found.match_weight,
            match_probability=found.match_probability,
            evidence=[
                {"comparison": f.comparison, "level": f.level, "match_weight": f.match_weight}
                for f in found.fields
            ],
            restricted=is_restricted(fresh) or is_restricted(other),
            contradicts=_contradicts(matcher.model, fresh, other),
            reason="",
        )
        audit_record(
            actor=actor,
            actor_label=None if actor is not None else SYSTEM_LABEL,
            action=AuditAction.ALTERATION,
            object_type="linkage_pair",
            object_id=str(pair.pk),
            summary=f"asked for clerical review of two records ({why})",
            details={"people": [str(fresh.pk), str(other.pk)]},
        )
    return pair
