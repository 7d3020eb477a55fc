"""Probation <-> children's services: a person on licence with a restriction about children,
tied to a child, is recorded in the child's chronology, so the rules raise ``restricted_adult``.

Two directions (docs/alerts.md, docs/adr/0206):
- live: when an event ties an adult to a child (recorded in the household, present at an event,
  associated), and the adult holds a licence in force with a condition about children, an
  ``adult_restriction`` event is recorded against the child the same moment;
- sweep (``licence_links_sweep``, daily and after licence changes): every licence in force with
  such a condition is checked against the households, presences and associations of children,
  and the partner disclosures whose household includes a child on a plan;
- linked records (ADR 0209): a licence held on any record of the same master person (the
  linkage index) counts for the record named, so the police's record of a man spelled
  differently from probation's is restricted too; when linkage links records, the sweep runs
  for those persons only (``alerts.relink``).

Each restriction recorded is a disclosure of a licence detail to children's services: audited
with its recipients (the child's social worker and team) and justification. Idempotent: the
event's ``reference`` is the condition's lineage and the child, so a link is recorded once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from safeguard.accounts.roles import AgencyKind
from safeguard.alerts import clock
from safeguard.alerts.linked_records import linked_records
from safeguard.alerts.rules import LINK_JUSTIFICATION
from safeguard.audit.models import AuditAction
from safeguard.audit.services import AuditDraft, audit_record_many
from safeguard.licences.engine.render import render_condition_text
from safeguard.licences.models import (
    BESPOKE,
    IN_FORCE_STATUSES,
    Licence,
    LicenceCondition,
    RelationshipDisclosure,
)
from safeguard.licences.selectors import conditions_in_force
from safeguard.people.models import Allocation
from safeguard.safeguarding.models import (
    AdultPresence,
    Child,
    ChildProtectionPlan,
    ChronologyEvent,
    EventAgency,
    EventKind,
    HouseholdMember,
)
from safeguard.safeguarding.services.events import EventDraft, chronology_events_record
from safeguard.safeguarding.timeutil import local_date

SOURCE = "licence-link"
LABEL = "alerts:licence-link"
# Catalogue conditions about children (policies 3.0 and 4.0 share the codes): not to reside in
# a household with a child, no unsupervised contact with children.
CHILD_CONDITION_CODES = frozenset(
    {"fce34fb2-02f4-4eb0-9b8d-d091e11451fa", "4a5fed48-0fb9-4711-8ddf-b46ddfd90246"}
)
_CHILD_WORDS = ("child", "under the age of 18", "under 18", "minor")


@dataclass(frozen=True)
class Restriction:
    licence: Licence
    condition: LicenceCondition
    text: str


def _is_about_children(condition: LicenceCondition) -> bool:
    if condition.code in CHILD_CONDITION_CODES:
        return True
    if BESPOKE in (condition.code, condition.kind):
        text = condition.bespoke_text.lower()
        return any(word in text for word in _CHILD_WORDS)
    return False


def _wording(licence: Licence, condition: LicenceCondition) -> str:
    if condition.bespoke_text:
        text = condition.bespoke_text
    else:
        try:
            text = render_condition_text(licence.policy, condition.code, condition.values)
        except Exception:  # wording is for people: never block the link on it
            text = condition.category
    return f"Licence condition: {text}"[:4000]


def restrictions_of(person_ids: Iterable[Any], on: date) -> dict[str, list[Restriction]]:
    """Restrictions about children in force on ``on``, by person id."""
    found: dict[str, list[Restriction]] = defaultdict(list)
    licences = Licence.objects.filter(
        person_id__in=list(person_ids), status__in=IN_FORCE_STATUSES
    ).order_by("person_id", "id")
    for licence in licences:
        for condition in conditions_in_force(licence, on=on):
            if _is_about_children(condition):
                found[str(licence.person_id)].append(
                    Restriction(licence, condition, _wording(licence, condition))
                )
    return found


def restrictions_through_links(person_ids: Iterable[Any], on: date) -> dict[str, list[Restriction]]:
    """Restrictions about children in force on ``on`` held on any record of the same master
    person, by the person id asked about (each restriction once, own record first)."""
    groups = linked_records(person_ids)
    found = restrictions_of({q for group in groups.values() for q in group}, on)
    result: dict[str, list[Restriction]] = {}
    for person, group in groups.items():
        seen: set[Any] = set()
        mine = []
        for record in group:
            for r in found.get(record, []):
                if r.condition.pk not in seen:
                    seen.add(r.condition.pk)
                    mine.append(r)
        if mine:
            result[person] = mine
    return result


def _reference(condition: LicenceCondition, child_id: Any) -> str:
    return f"{condition.lineage}:{child_id}"


def _record(
    pairs: Sequence[tuple[Child, str, Restriction, str]],
    *,
    source: str = SOURCE,
) -> set[str]:
    """Record the restriction (and association, when given) events not recorded yet.

    ``pairs``: (child, adult id, restriction, association reason or "")."""
    if not pairs:
        return set()
    at = clock.now()
    references = {_reference(r.condition, c.pk) for c, _p, r, _a in pairs}
    done = set(
        ChronologyEvent.objects.filter(
            kind=EventKind.ADULT_RESTRICTION, reference__in=references
        ).values_list("reference", flat=True)
    )
    # A restriction on this adult already in the child's chronology (probation recorded it
    # by hand, or an earlier link): children's services know; do not record it again.
    known = {
        (str(child_id), details.get("person"))
        for child_id, details in ChronologyEvent.objects.filter(
            kind=EventKind.ADULT_RESTRICTION, child_id__in={c.pk for c, _p, _r, _a in pairs}
        ).values_list("child_id", "details")
        if isinstance(details, dict)
    }
    drafts: list[EventDraft] = []
    disclosed: list[tuple[Child, Restriction, str]] = []
    for child, person_id, restriction, associated in pairs:
        reference = _reference(restriction.condition, child.pk)
        if reference in done or (str(child.pk), person_id) in known:
            continue
        known.add((str(child.pk), person_id))
        done.add(reference)
        if associated:
            drafts.append(
                EventDraft(
                    child,
                    EventKind.ADULT_ASSOCIATED,
                    EventAgency.PROBATION,
                    at,
                    {"person": person_id, "reason": associated},
                    narrative="Probation recorded this adult's relationship with a member of "
                    "the child's household.",
                    reference="assoc:" + reference,
                )
            )
        drafts.append(
            EventDraft(
                child,
                EventKind.ADULT_RESTRICTION,
                EventAgency.PROBATION,
                at,
                {"person": person_id, "restriction": restriction.text},
                narrative="A licence in force restricts this adult's contact with children; "
                "shared with children's social care when the adult was linked to the child.",
                reference=reference,
            )
        )
        disclosed.append((child, restriction, person_id))
    if not drafts:
        return set()
    chronology_events_record(actor=None, actor_label=LABEL, drafts=drafts, source=source)
    _audit_disclosures(disclosed, on=local_date(at))
    return {str(c.pk) for c, _r, _p in disclosed}


def _audit_disclosures(disclosed: Sequence[tuple[Child, Restriction, str]], *, on: date) -> None:
    """A licence detail shared with children's services: one disclosure entry each (the
    person named, and whether the licence is held on another record of the same person)."""
    child_ids = {c.pk for c, _r, _p in disclosed}
    recipients: dict[Any, set[str]] = defaultdict(set)
    rows = (
        Allocation.objects.filter(
            person_id__in=child_ids, team__agency__kind=AgencyKind.SOCIAL_CARE
        )
        .filter(ended_on__isnull=True)
        .values_list("person_id", "team__name", "practitioner__username")
    )
    for child_id, team, username in rows:
        recipients[child_id].add(f"team:{team}")
        if username:
            recipients[child_id].add(username)
    audit_record_many(
        actor=None,
        actor_label=LABEL,
        drafts=[
            AuditDraft(
                action=AuditAction.DISCLOSURE,
                object_type="licence",
                object_id=str(r.licence.pk),
                summary="shared a licence restriction about children with children's services",
                justification=LINK_JUSTIFICATION,
                recipients=sorted(recipients.get(child.pk, {"children's social care"})),
                details={
                    "child": str(child.pk),
                    "condition": str(r.condition.lineage),
                    "person": person,
                    "linked_record": str(r.licence.person_id) != person,
                },
            )
            for child, r, person in disclosed
        ],
    )


_TIES = (EventKind.HOUSEHOLD_MEMBER_ADDED, EventKind.ADULT_ASSOCIATED)


def link_new_events(events: Sequence[ChronologyEvent]) -> set[str]:
    """Live direction: adults these events tie to a child, who hold a restriction about
    children. Returns the children for whom a restriction was recorded."""
    ties: dict[Any, set[str]] = defaultdict(set)
    for e in events:
        if e.source == SOURCE:
            continue
        if e.kind in _TIES and isinstance(e.details.get("person"), str):
            ties[e.child_id].add(e.details["person"])
        for ref in e.details.get("adults_present") or []:
            if isinstance(ref, str):
                ties[e.child_id].add(ref)
    if not ties:
        return set()
    found = restrictions_through_links(
        {p for ps in ties.values() for p in ps}, local_date(clock.now())
    )
    if not found:
        return set()
    children = {c.pk: c for c in Child.objects.filter(pk__in=list(ties))}
    pairs = [
        (children[child_id], person, r, "")
        for child_id, people in sorted(ties.items(), key=lambda kv: str(kv[0]))
        for person in sorted(people)
        for r in found.get(person, [])
        if child_id in children
    ]
    return _record(pairs)


def licence_links_sweep(*, source: str = SOURCE, persons: Iterable[Any] | None = None) -> set[str]:
    """Reverse direction: every licence in force with a restriction about children, against
    the children the adult is tied to (household, presence, association) and the households
    of partners they disclosed that include a child on a plan. The adult is every record of
    the same master person (ADR 0209). ``persons``: only the licences held on these persons'
    records (after linkage linked them). Returns the children linked."""
    on = local_date(clock.now())
    licences = Licence.objects.filter(status__in=IN_FORCE_STATUSES)
    if persons is not None:
        scope = {q for group in linked_records(persons).values() for q in group}
        licences = licences.filter(person_id__in=scope)
    person_ids = licences.values_list("person_id", flat=True).distinct()
    found = restrictions_through_links(
        {str(p) for p in person_ids}
        | {q for group in linked_records(person_ids).values() for q in group},
        on,
    )
    if not found:
        return set()
    people = list(found)
    ties: dict[Any, set[str]] = defaultdict(set)
    for child_id, person_id in HouseholdMember.objects.filter(
        person_id__in=people, moved_out_on__isnull=True
    ).values_list("child_id", "person_id"):
        ties[child_id].add(str(person_id))
    for child_id, person_id in AdultPresence.objects.filter(person_id__in=people).values_list(
        "child_id", "person_id"
    ):
        ties[child_id].add(str(person_id))
    for child_id, details in ChronologyEvent.objects.filter(
        kind=EventKind.ADULT_ASSOCIATED
    ).values_list("child_id", "details"):
        person = details.get("person") if isinstance(details, dict) else None
        if person in found:
            ties[child_id].add(person)
    associated: dict[Any, dict[str, str]] = defaultdict(dict)
    disclosures = RelationshipDisclosure.objects.filter(
        licence__person_id__in=people, licence__status__in=IN_FORCE_STATUSES
    ).values_list("licence__person_id", "partner_id")
    partners: dict[Any, set[str]] = defaultdict(set)
    for person_id, partner_id in disclosures:
        partners[partner_id].add(str(person_id))
    if partners:
        on_plan = set(
            ChildProtectionPlan.objects.filter(ended_on__isnull=True).values_list(
                "child_id", flat=True
            )
        )
        for child_id, partner_id in HouseholdMember.objects.filter(
            person_id__in=list(partners), moved_out_on__isnull=True
        ).values_list("child_id", "person_id"):
            if child_id not in on_plan:
                continue
            for person in partners[partner_id]:
                if person not in ties[child_id]:
                    associated[child_id][person] = (
                        "Disclosed to probation as the partner of a member of the child's household"
                    )
                    ties[child_id].add(person)
    children = {c.pk: c for c in Child.objects.filter(pk__in=list(ties))}
    pairs = [
        (children[child_id], person, r, associated[child_id].get(person, ""))
        for child_id, persons in sorted(ties.items(), key=lambda kv: str(kv[0]))
        if child_id in children
        for person in sorted(persons)
        for r in found.get(person, [])
    ]
    return _record(pairs, source=source)
