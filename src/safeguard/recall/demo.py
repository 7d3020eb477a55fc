"""Breach cases for the synthetic demo county, at every stage, on the North PDU's caseload (so
the named demo sign-ins pp.north, spo.north and manager.probation can each act on one):

- gathering evidence (missed appointments);
- a fixed-term recall recommended by pp.north, awaiting a senior's countersignature;
- a standard recall countersigned by spo.north, awaiting the manager (its 24-hour target runs);
- a recall approved, sent and booked, on a licence the licences demo already recalled;
- a warning: a decision not to recall, with its letter.

Deterministic: fixed times from the county's day, people chosen in name order, the rules'
answer computed by the pure engine for that day. Rows are written directly (like the other
demo generators) and audited as collections by "demo-generator"; no licence is changed here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from safeguard.accounts.models import User
from safeguard.audit.models import AuditAction
from safeguard.audit.services import AuditDraft, audit_record_many
from safeguard.licences.models import IN_FORCE_STATUSES, Licence, LicenceStatus
from safeguard.monitoring.models import Violation
from safeguard.recall.models import BreachCase, BreachEvent, BreachEvidence, Stage
from safeguard.recall.services import case_assess, violation_snapshot

TEAM = "North PDU"
LONDON = ZoneInfo("Europe/London")


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), LONDON)


@dataclass
class _Staff:
    practitioner: User
    senior: User
    manager: User


def _staff() -> _Staff | None:
    named = {u.username: u for u in User.objects.filter(username__in=_NAMES)}
    if len(named) != len(_NAMES):
        return None
    return _Staff(named["pp.north"], named["spo.north"], named["manager.probation"])


_NAMES = ("pp.north", "spo.north", "manager.probation")

_MISSED = "Did not attend the supervision appointment; no contact by phone"
_RESIDE = "Not at the approved address at a home visit; the landlord had not seen them for days"


def _licences(status: list[str]) -> list[Licence]:
    return list(
        Licence.objects.filter(
            status__in=status,
            person__allocations__team__name=TEAM,
            person__allocations__ended_on__isnull=True,
            person__protected_identity=False,
        )
        .select_related("person")
        .distinct()
        .order_by("person__family_name", "person__given_name", "start_date")
    )


def breach_cases_generate(*, seed: int, today: date) -> int:
    """Five breach cases (run inside the county's transaction). Returns how many were made."""
    staff = _staff()
    in_force = _licences(list(IN_FORCE_STATUSES))
    recalled = _licences([LicenceStatus.RECALLED])
    if staff is None or len(in_force) < 4:
        return 0
    # Prefer, for the recall awaiting countersignature, someone the monitoring demo found in
    # breach, so that its tag evidence shows (when the monitoring demo ran first).
    found = (
        Violation.objects.filter(person__in=[lic.person for lic in in_force], superseded=False)
        .order_by("started_at", "pk")
        .first()
    )
    tagged = next((lic for lic in in_force if found and lic.person_id == found.person_id), None)
    others = [lic for lic in in_force if lic is not tagged]
    people = [others[0], tagged or others[1], *others[1 if tagged else 2 :]][:4]
    cases: list[BreachCase] = []
    evidence: list[BreachEvidence] = []
    events: list[BreachEvent] = []
    pp, spo, manager = staff.practitioner, staff.senior, staff.manager

    def case(
        licence: Licence,
        opened: date,
        *,
        months: int = 30,
        offence: str = "Burglary (dwelling)",
        new_charge: bool = False,
    ) -> BreachCase:
        row = BreachCase(
            person=licence.person,
            licence=licence,
            opened_by=pp,
            opened_at=_at(opened, 9, 30),
            index_offence=offence,
            sentence_length_months=months,
            charged_with_new_offence=new_charge,
        )
        cases.append(row)
        events.append(BreachEvent(case=row, kind="opened", actor=pp, at=row.opened_at))
        return row

    def item(row: BreachCase, kind: str, day: date, details: str) -> None:
        evidence.append(
            BreachEvidence(
                case=row,
                kind=kind,
                occurred_at=_at(day, 12),
                details=details,
                recorded_by=pp,
                recorded_at=row.opened_at,
            )
        )

    def recommend(row: BreachCase, what: str, day: date, why: str) -> None:
        row.recommendation = what
        row.rationale = why
        row.recommended_by = pp
        row.recommended_at = _at(day, 11)
        result, problem = case_assess(row, day)
        row.assessment = result.to_json() if result else {"problem": problem}
        row.assessment["assessed_on"] = day.isoformat()
        row.alternatives_tried = "Warning letter; reporting increased to twice a week"
        row.response_to_supervision = "Poor: missed appointments and evasive when seen"
        row.stage = Stage.RECOMMENDED
        events.append(BreachEvent(case=row, kind="recommended", actor=pp, at=row.recommended_at))

    def countersign(row: BreachCase, day: date) -> None:
        row.countersigned_by = spo
        row.countersigned_at = _at(day, 15)
        row.countersign_note = "Agreed: the risk can no longer be managed in the community"
        row.stage = Stage.COUNTERSIGNED
        events.append(BreachEvent(case=row, kind="countersigned", actor=spo, at=_at(day, 15)))

    # 1. Gathering evidence.
    first = case(people[0], today - timedelta(days=3))
    item(first, "missed_appointment", today - timedelta(days=6), _MISSED)
    item(first, "missed_appointment", today - timedelta(days=3), _MISSED)

    # 2. Awaiting the senior's countersignature (fixed-term recall).
    second = case(people[1], today - timedelta(days=2), months=24)
    item(second, "failure_to_reside", today - timedelta(days=4), _RESIDE)
    item(second, "missed_appointment", today - timedelta(days=2), _MISSED)
    if tagged is not None and found is not None:
        evidence.append(
            BreachEvidence(
                case=second,
                kind="violation",
                occurred_at=found.started_at,
                details=found.kind_label,
                violation=found,
                snapshot=violation_snapshot(found),
                recorded_by=pp,
                recorded_at=second.opened_at,
            )
        )
    recommend(second, "recall_fixed_term", today, "Whereabouts unknown for four days")

    # 3. Countersigned, awaiting the manager (standard recall after a new charge).
    third = case(people[2], today - timedelta(days=2), months=60, new_charge=True)
    item(third, "new_charge", today - timedelta(days=2), "Charged with assault on 28 November")
    recommend(third, "recall_standard", today - timedelta(days=1), "Charged with a violent offence")
    countersign(third, today - timedelta(days=1))

    # 4. A decision not to recall: a warning.
    fourth = case(people[3], today - timedelta(days=20))
    item(fourth, "missed_appointment", today - timedelta(days=21), _MISSED)
    recommend(
        fourth, "warning", today - timedelta(days=19), "First missed appointment; engaged since"
    )
    countersign(fourth, today - timedelta(days=19))
    fourth.approved_by = manager
    fourth.approved_at = _at(today - timedelta(days=18), 10)
    fourth.stage = Stage.CLOSED
    events.append(BreachEvent(case=fourth, kind="approved", actor=manager, at=fourth.approved_at))

    # 5. Recalled, sent and booked: a licence the licences demo recorded as recalled.
    if recalled:
        licence = recalled[0]
        day = licence.recalled_on or today
        fifth = case(licence, day - timedelta(days=1), months=20)
        item(fifth, "failure_to_reside", day - timedelta(days=2), _RESIDE)
        recommend(fifth, "recall_fixed_term", day - timedelta(days=1), "Absconded from the address")
        countersign(fifth, day - timedelta(days=1))
        fifth.approved_by = manager
        fifth.approved_at = _at(day, 9)
        fifth.sent_by = pp
        fifth.sent_at = _at(day, 11)
        fifth.booked_by = manager
        fifth.booked_at = _at(day, 16)
        fifth.booking_reference = f"PPCS/{day:%y}/{seed:05d}"
        fifth.stage = Stage.BOOKED
        for kind, actor, at in (
            ("approved", manager, fifth.approved_at),
            ("sent", pp, fifth.sent_at),
            ("booked", manager, fifth.booked_at),
        ):
            events.append(BreachEvent(case=fifth, kind=kind, actor=actor, at=at))

    BreachCase.objects.bulk_create(cases)
    BreachEvidence.objects.bulk_create(evidence)
    BreachEvent.objects.bulk_create(events)
    audit_record_many(
        actor=None,
        actor_label="demo-generator",
        drafts=[
            AuditDraft(
                action=AuditAction.COLLECTION,
                object_type="breach_case",
                object_id=str(c.pk),
                summary="recorded a breach case (synthetic demo county)",
                details={"person": str(c.person_id), "stage": str(c.stage)},
            )
            for c in cases
        ],
    )
    return len(cases)
