"""Every write to a breach case: open, evidence, facts, recommend, countersign, approve,
return, send and book.

Keyword-only functions named ``case_<action>``; each checks the business rules, writes, and
records its audit entry and a readable history event in the same transaction, on the case row
locked (``select_for_update``) so that two countersignatures cannot race.

Who does what (domain.md §3, ADR 0308): the offender manager (any probation practitioner,
senior or manager) opens the case and recommends; a senior practitioner who did not write the
recommendation countersigns it (the decision); a manager (assistant-chief-officer level) who
neither wrote nor countersigned it approves; on approving a recall the licence is recalled
through the licences lifecycle service. The Part A is then sent to the casework section
(24-hour target from the decision) and the booking recorded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from safeguard.accounts.roles import AgencyKind, Role
from safeguard.audit.models import AuditAction
from safeguard.audit.services import audit_record
from safeguard.licences.lifecycle import RecallInput, licence_recall
from safeguard.licences.models import IN_FORCE_STATUSES, Licence
from safeguard.monitoring.models import KIND_LABELS, Fix, Violation, ViolationOutcome
from safeguard.people.models import Person
from safeguard.recall.engine import CaseError, RecallAssessment, RuleSetError, assess, parse_case
from safeguard.recall.models import (
    ACTIVE_STAGES,
    ENGINE_OPTION,
    RECALLS,
    RISK_GROUPS,
    BreachCase,
    BreachEvent,
    BreachEvidence,
    CustodyStatus,
    EvidenceKind,
    ParoleKind,
    ParoleOutcome,
    ParoleReview,
    Recommendation,
    RiskLevel,
    SentenceType,
    Stage,
)
from safeguard.site.errors import DomainError

WRITER_ROLES = frozenset({Role.PRACTITIONER, Role.SENIOR_PRACTITIONER, Role.MANAGER})
TEXT_LIMIT = 4000
TRAIL_LIMIT = 200  # tag fixes copied into a violation's evidence
# Closed with one of these, a violation is no evidence of a breach.
EXCUSED = frozenset({ViolationOutcome.REASONABLE_EXCUSE, ViolationOutcome.AUTHORISED_ABSENCE})


def refuse(message: str, fields: dict[str, str] | None = None) -> DomainError:
    return DomainError(message, {"fields": fields or {}})


def _require_writer(actor: Any, message: str = "You cannot change breach cases") -> None:
    """Roles are also declared on every route; services check again for other callers."""
    if actor is None:
        return
    agency = getattr(actor, "agency", None)
    if agency is None or agency.kind != AgencyKind.PROBATION:
        raise refuse("Only probation staff can work on breach cases")
    if Role(actor.role) not in WRITER_ROLES:
        raise refuse(message)


def _text(value: str, name: str, errors: dict[str, str], missing: str | None = None) -> str:
    value = value.strip()
    if missing and not value:
        errors[name] = missing
    elif len(value) > TEXT_LIMIT:
        errors[name] = f"Enter no more than {TEXT_LIMIT:,} characters"
    return value


def _record(
    *,
    actor: Any,
    case: BreachCase,
    kind: str,
    summary: str,
    note: str = "",
    action: AuditAction = AuditAction.ALTERATION,
    details: dict[str, Any] | None = None,
) -> None:
    """The audit entry and the readable history event of one change (same transaction)."""
    BreachEvent.objects.create(case=case, kind=kind, note=note, actor=actor, at=timezone.now())
    audit_record(
        actor=actor,
        action=action,
        object_type="breach_case",
        object_id=str(case.pk),
        summary=summary,
        details={"person": str(case.person_id), "event": kind, **(details or {})},
    )


def _locked(case: BreachCase) -> BreachCase:
    return BreachCase.objects.select_for_update().select_related("person").get(pk=case.pk)


# --- The facts the rules test ------------------------------------------------------------


@dataclass(frozen=True)
class CaseFacts:
    index_offence: str = ""
    sentence_type: str = SentenceType.DETERMINATE
    sentence_length_months: int | None = None
    sentence_date: date | None = None
    mappa_category: int | None = None
    mappa_level: int | None = None
    charged_with_new_offence: bool = False
    terrorist_sentence: bool = False
    terrorism_or_state_threat_charge: bool = False
    # Part A facts; "" = not recorded.
    custody_status: str = ""
    rosh_children: str = ""
    rosh_public: str = ""
    rosh_known_adult: str = ""
    rosh_staff: str = ""
    rosh_prisoners: str = ""


FACT_FIELDS = tuple(CaseFacts.__dataclass_fields__)


def check_facts(facts: CaseFacts) -> dict[str, str]:
    errors: dict[str, str] = {}
    if facts.sentence_type not in SentenceType.values:
        errors["sentence_type"] = "Select the type of sentence"
    if facts.sentence_type == SentenceType.DETERMINATE and facts.sentence_length_months is None:
        errors["sentence_length_months"] = "Enter the length of the sentence in months"
    if facts.sentence_length_months is not None and not 0 < facts.sentence_length_months <= 1200:
        errors["sentence_length_months"] = "Enter the length of the sentence in months, like 30"
    if facts.sentence_date is not None and facts.sentence_date > timezone.localdate():
        errors["sentence_date"] = "The date of sentence must be in the past"
    if facts.mappa_category is not None and not 1 <= facts.mappa_category <= 4:
        errors["mappa_category"] = "Select the MAPPA category"
    if facts.mappa_level is not None and not 1 <= facts.mappa_level <= 3:
        errors["mappa_level"] = "Select the MAPPA level"
    if len(facts.index_offence) > 300:
        errors["index_offence"] = "Enter no more than 300 characters"
    if facts.custody_status not in ("", *CustodyStatus.values):
        errors["custody_status"] = "Select where the person is now"
    for name, group in RISK_GROUPS.items():
        if getattr(facts, name) not in ("", *RiskLevel.values):
            errors[name] = f"Select the risk of serious harm to {group[0].lower() + group[1:]}"
    return errors


def engine_case(case: BreachCase, on: date) -> dict[str, Any]:
    """The case in the CASE.json shape of contracts.md §4."""
    return {
        "sentence": {"type": case.sentence_type, "length_months": case.sentence_length_months},
        "age": case.person.age_on(on),
        "mappa": {"category": case.mappa_category, "level": case.mappa_level},
        "charged_with_new_offence": case.charged_with_new_offence,
        "terrorist_sentence": case.terrorist_sentence,
        "terrorism_or_state_threat_charge": case.terrorism_or_state_threat_charge,
        "recall_date": on.isoformat(),
    }


def case_assess(case: BreachCase, on: date | None = None) -> tuple[RecallAssessment | None, str]:
    """The recall rules' answer for the case today, or why there is none (missing facts)."""
    on = on or timezone.localdate()
    try:
        return assess(parse_case(engine_case(case, on)), on), ""
    except CaseError as error:
        text = str(error)
        if text.startswith("age is required"):
            text = "the person's date of birth is not recorded"
        return None, f"The rules cannot answer yet: {text}"
    except RuleSetError as error:
        return None, f"The recall rules could not be read: {error}"


# --- Opening a case and its evidence -----------------------------------------------------


@dataclass(frozen=True)
class EvidenceInput:
    kind: str
    occurred_on: date | None
    details: str


@dataclass(frozen=True)
class CaseInput:
    facts: CaseFacts
    violations: list[Violation] = field(default_factory=list)
    items: list[EvidenceInput] = field(default_factory=list)


def check_item(item: EvidenceInput, prefix: str = "") -> dict[str, str]:
    errors: dict[str, str] = {}
    if item.kind not in EvidenceKind.values or item.kind == EvidenceKind.VIOLATION:
        errors[f"{prefix}kind"] = "Select what the person did or failed to do"
    if item.occurred_on is None:
        errors[f"{prefix}occurred_on"] = "Enter the date it happened"
    elif item.occurred_on > timezone.localdate():
        errors[f"{prefix}occurred_on"] = "The date it happened must be today or in the past"
    if not item.details.strip():
        errors[f"{prefix}details"] = "Enter the details"
    elif len(item.details) > TEXT_LIMIT:
        errors[f"{prefix}details"] = f"Enter no more than {TEXT_LIMIT:,} characters"
    return errors


def violation_problem(person: Person, violation: Violation) -> str | None:
    """Why a violation cannot be evidence in this person's case (None: it can)."""
    if violation.person_id != person.pk:
        return "Choose a violation of this person"
    if violation.superseded:
        return "That violation was withdrawn by later tag readings"
    if violation.outcome in EXCUSED:
        return "That violation was closed as excused"
    if BreachEvidence.objects.filter(violation=violation).exists():
        return "That violation is already evidence in a breach case"
    return None


def _trail(violation: Violation) -> list[list[float]]:
    """The tag fixes the violation was found in (its engine evidence names them by seq)."""
    evidence = violation.evidence or {}
    first, last = evidence.get("start_seq"), evidence.get("end_seq")
    if not isinstance(first, int) or not isinstance(last, int):
        return []
    rows = (
        Fix.objects.filter(subject=violation.subject, seq__gte=first, seq__lte=last)
        .order_by("seq")
        .values_list("lat", "lon")[:TRAIL_LIMIT]
    )
    return [[lat, lon] for lat, lon in rows]


def violation_snapshot(violation: Violation) -> dict[str, Any]:
    return {
        "kind": violation.kind,
        "kind_label": KIND_LABELS.get(violation.kind, violation.kind),
        "zone": violation.zone,
        "started_at": violation.started_at.isoformat(),
        "ended_at": violation.ended_at.isoformat() if violation.ended_at else None,
        "rule_version": violation.rule_version,
        "state": violation.state,
        "outcome": violation.outcome,
        "note": violation.note,
        "evidence": violation.evidence,
        "trail": _trail(violation),
    }


def _attach_violation(actor: Any, case: BreachCase, violation: Violation) -> BreachEvidence:
    problem = violation_problem(case.person, violation)
    if problem:
        raise refuse("Check the violations", {"violations": problem})
    return BreachEvidence.objects.create(
        case=case,
        kind=EvidenceKind.VIOLATION,
        occurred_at=violation.started_at,
        details=KIND_LABELS.get(violation.kind, violation.kind),
        violation=violation,
        snapshot=violation_snapshot(violation),
        recorded_by=actor,
        recorded_at=timezone.now(),
    )


def _attach_item(actor: Any, case: BreachCase, item: EvidenceInput) -> BreachEvidence:
    assert item.occurred_on is not None
    return BreachEvidence.objects.create(
        case=case,
        kind=item.kind,
        occurred_at=timezone.make_aware(datetime.combine(item.occurred_on, time(12, 0))),
        details=item.details.strip(),
        recorded_by=actor,
        recorded_at=timezone.now(),
    )


def _licence_in_force(person: Person) -> Licence | None:
    return (
        Licence.objects.filter(person=person, status__in=IN_FORCE_STATUSES)
        .order_by("-start_date")
        .first()
    )


def case_open(*, actor: Any, person: Person, data: CaseInput) -> BreachCase:
    """Open a breach case from violations and/or non-compliance recorded by hand."""
    _require_writer(actor, "You cannot open breach cases")
    errors = check_facts(data.facts)
    if not data.violations and not data.items:
        errors["violations"] = "Choose a violation or record what the person did"
    for index, item in enumerate(data.items):
        errors.update(check_item(item, "" if len(data.items) == 1 else f"items[{index}]."))
    for violation in data.violations:
        problem = violation_problem(person, violation)
        if problem:
            errors["violations"] = problem
    if errors:
        raise refuse("Check the breach case", errors)
    with transaction.atomic():
        if BreachCase.objects.filter(person=person, stage__in=ACTIVE_STAGES).exists():
            raise refuse("This person already has a breach case in progress")
        case = BreachCase(
            person=person,
            licence=_licence_in_force(person),
            opened_by=actor,
            opened_at=timezone.now(),
        )
        for name in FACT_FIELDS:
            setattr(case, name, getattr(data.facts, name))
        try:
            with transaction.atomic():
                case.save()
        except IntegrityError:
            raise refuse("This person already has a breach case in progress") from None
        for violation in data.violations:
            _attach_violation(actor, case, violation)
        for item in data.items:
            _attach_item(actor, case, item)
        _record(
            actor=actor,
            case=case,
            kind="opened",
            summary="opened a breach case",
            action=AuditAction.COLLECTION,
            details={
                "violations": [v.pk for v in data.violations],
                "items": [i.kind for i in data.items],
            },
        )
    return case


def _require_open(case: BreachCase) -> None:
    if case.stage != Stage.OPEN:
        raise refuse("The case can be changed only while evidence is being gathered")


def case_evidence_add(
    *,
    actor: Any,
    case: BreachCase,
    item: EvidenceInput | None = None,
    violation: Violation | None = None,
) -> BreachEvidence:
    _require_writer(actor)
    if item is not None:
        errors = check_item(item)
        if errors:
            raise refuse("Check the evidence", errors)
    with transaction.atomic():
        case = _locked(case)
        _require_open(case)
        if violation is not None:
            added = _attach_violation(actor, case, violation)
        elif item is not None:
            added = _attach_item(actor, case, item)
        else:
            raise refuse("Check the evidence", {"kind": "Select what the person did"})
        _record(
            actor=actor,
            case=case,
            kind="evidence_added",
            summary="added evidence to a breach case",
            action=AuditAction.COLLECTION,
            details={"evidence": added.pk, "kind": added.kind},
        )
    return added


def case_facts_update(*, actor: Any, case: BreachCase, facts: CaseFacts) -> BreachCase:
    _require_writer(actor)
    errors = check_facts(facts)
    if errors:
        raise refuse("Check the sentence and MAPPA details", errors)
    with transaction.atomic():
        case = _locked(case)
        _require_open(case)
        for name in FACT_FIELDS:
            setattr(case, name, getattr(facts, name))
        case.save(update_fields=list(FACT_FIELDS))
        _record(
            actor=actor, case=case, kind="facts_changed", summary="changed a breach case's facts"
        )
    return case


# --- The decision ----------------------------------------------------------------------


@dataclass(frozen=True)
class RecommendationInput:
    recommendation: str
    rationale: str
    alternatives_tried: str = ""
    response_to_supervision: str = ""
    risk_of_serious_harm: str = ""
    vulnerabilities: str = ""


def case_recommend(*, actor: Any, case: BreachCase, data: RecommendationInput) -> BreachCase:
    """The offender manager's recommendation, checked against what the recall rules allow."""
    _require_writer(actor, "You cannot recommend on breach cases")
    errors: dict[str, str] = {}
    if data.recommendation not in Recommendation.values:
        errors["recommendation"] = "Select your recommendation"
    rationale = _text(
        data.rationale, "rationale", errors, "Enter the reasons for your recommendation"
    )
    narrative = {
        name: _text(getattr(data, name), name, errors)
        for name in (
            "alternatives_tried",
            "response_to_supervision",
            "risk_of_serious_harm",
            "vulnerabilities",
        )
    }
    if errors:
        raise refuse("Check the recommendation", errors)
    with transaction.atomic():
        case = _locked(case)
        _require_open(case)
        result, problem = case_assess(case)
        wanted = ENGINE_OPTION.get(Recommendation(data.recommendation))
        if wanted is not None:
            if result is None:
                raise refuse("Check the recommendation", {"recommendation": problem})
            if wanted not in result.options:
                allowed = ", ".join(o.replace("_", " ") for o in result.options)
                raise refuse(
                    "Check the recommendation",
                    {
                        "recommendation": "The recall rules do not allow that recall here "
                        f"(allowed: {allowed})"
                    },
                )
            licence = case.licence
            if licence is None or licence.status not in IN_FORCE_STATUSES:
                raise refuse(
                    "Check the recommendation",
                    {"recommendation": "A recall needs a licence in force"},
                )
        case.recommendation = data.recommendation
        case.rationale = rationale
        case.assessment = result.to_json() if result is not None else {"problem": problem}
        case.assessment["assessed_on"] = timezone.localdate().isoformat()
        for name, value in narrative.items():
            setattr(case, name, value)
        case.recommended_by = actor
        case.recommended_at = timezone.now()
        case.stage = Stage.RECOMMENDED
        case.save()
        _record(
            actor=actor,
            case=case,
            kind="recommended",
            note=f"{case.get_recommendation_display()}: {rationale}",
            summary="recommended an outcome on a breach case",
            details={
                "recommendation": case.recommendation,
                "rule_set": case.assessment.get("rule_set"),
            },
        )
    return case


def may_countersign(actor: Any, case: BreachCase) -> bool:
    """A senior practitioner who did not write the recommendation (four eyes)."""
    return (
        actor is not None
        and actor.role == Role.SENIOR_PRACTITIONER
        and case.stage == Stage.RECOMMENDED
        and actor.pk != case.recommended_by_id
    )


def may_approve(actor: Any, case: BreachCase) -> bool:
    """A manager who neither wrote nor countersigned the recommendation."""
    return (
        actor is not None
        and actor.role == Role.MANAGER
        and case.stage == Stage.COUNTERSIGNED
        and actor.pk not in (case.recommended_by_id, case.countersigned_by_id)
    )


def case_countersign(*, actor: Any, case: BreachCase, note: str = "") -> BreachCase:
    """The senior practitioner's decision: the recommendation stands (the 24-hour clock for a
    recall starts now)."""
    _require_writer(actor)
    if actor is not None and actor.role != Role.SENIOR_PRACTITIONER:
        raise refuse("Only a senior practitioner can countersign a recommendation")
    errors: dict[str, str] = {}
    note = _text(note, "note", errors)
    if errors:
        raise refuse("Check the countersignature", errors)
    with transaction.atomic():
        case = _locked(case)
        if case.stage != Stage.RECOMMENDED:
            raise refuse("Only a recommendation awaiting countersignature can be countersigned")
        if actor is not None and not may_countersign(actor, case):
            raise refuse("You cannot countersign your own recommendation")
        case.countersigned_by = actor
        case.countersigned_at = timezone.now()
        case.countersign_note = note
        case.stage = Stage.COUNTERSIGNED
        case.save()
        _record(
            actor=actor,
            case=case,
            kind="countersigned",
            note=note,
            summary="countersigned a breach case recommendation",
            details={"recommendation": case.recommendation},
        )
    return case


def case_approve(*, actor: Any, case: BreachCase, note: str = "") -> BreachCase:
    """The manager's countersignature. A recall recalls the licence (licences lifecycle)."""
    _require_writer(actor)
    if actor is not None and actor.role != Role.MANAGER:
        raise refuse("Only a manager can give the second countersignature")
    errors: dict[str, str] = {}
    note = _text(note, "note", errors)
    if errors:
        raise refuse("Check the countersignature", errors)
    with transaction.atomic():
        case = _locked(case)
        if case.stage != Stage.COUNTERSIGNED:
            raise refuse("Only a countersigned recommendation can be approved")
        if actor is not None and not may_approve(actor, case):
            raise refuse("You cannot approve a recommendation you wrote or countersigned")
        case.approved_by = actor
        case.approved_at = timezone.now()
        case.approve_note = note
        case.stage = Stage.APPROVED if case.recommendation in RECALLS else Stage.CLOSED
        case.save()
        _record(
            actor=actor,
            case=case,
            kind="approved",
            note=note,
            summary="approved a breach case decision",
            details={"recommendation": case.recommendation},
        )
        if case.recommendation in RECALLS:
            licence = case.licence
            if licence is None:
                raise refuse("A recall needs a licence in force")
            licence_recall(
                actor=actor,
                licence=licence,
                recall=RecallInput(
                    recalled_on=timezone.localdate(),
                    reason=f"{case.get_recommendation_display()} approved on breach case "
                    f"{case.reference}",
                ),
            )
    return case


def case_return(*, actor: Any, case: BreachCase, reason: str) -> BreachCase:
    """Send a recommendation back to be reconsidered, saying why (by whoever is due to sign)."""
    _require_writer(actor)
    errors: dict[str, str] = {}
    reason = _text(reason, "reason", errors, "Say what needs to be reconsidered")
    if errors:
        raise refuse("Check the return", errors)
    with transaction.atomic():
        case = _locked(case)
        due = {Stage.RECOMMENDED: may_countersign, Stage.COUNTERSIGNED: may_approve}.get(
            Stage(case.stage)
        )
        if due is None:
            raise refuse("Only a recommendation awaiting a countersignature can be returned")
        if actor is not None and not due(actor, case):
            raise refuse("Only the person due to countersign can return the recommendation")
        case.stage = Stage.OPEN
        case.countersigned_by = None
        case.countersigned_at = None
        case.countersign_note = ""
        case.save()
        _record(
            actor=actor,
            case=case,
            kind="returned",
            note=reason,
            summary="returned a breach case recommendation",
        )
    return case


def case_send(*, actor: Any, case: BreachCase) -> BreachCase:
    """The Part A has been sent to the casework section: the 24-hour clock stops."""
    _require_writer(actor)
    with transaction.atomic():
        case = _locked(case)
        if case.stage != Stage.APPROVED:
            raise refuse("Only an approved recall can be sent to the casework section")
        case.sent_by = actor
        case.sent_at = timezone.now()
        case.stage = Stage.SENT
        case.save()
        send_by = case.send_by
        _record(
            actor=actor,
            case=case,
            kind="sent",
            summary="sent a recall to the casework section",
            details={"within_target": bool(send_by and case.sent_at <= send_by)},
        )
    return case


def case_book(*, actor: Any, case: BreachCase, reference: str) -> BreachCase:
    """The casework section has booked the recall (recorded by a manager for them)."""
    _require_writer(actor)
    if actor is not None and actor.role != Role.MANAGER:
        raise refuse("Only a manager can record the casework section's booking")
    errors: dict[str, str] = {}
    reference = reference.strip()
    if not reference:
        errors["reference"] = "Enter the casework section's reference"
    elif len(reference) > 40:
        errors["reference"] = "Enter no more than 40 characters"
    if errors:
        raise refuse("Check the booking", errors)
    with transaction.atomic():
        case = _locked(case)
        if case.stage != Stage.SENT:
            raise refuse("Only a recall sent to the casework section can be booked")
        case.booked_by = actor
        case.booked_at = timezone.now()
        case.booking_reference = reference
        case.stage = Stage.BOOKED
        case.save()
        _record(actor=actor, case=case, kind="booked", note=reference, summary="recorded a booking")
    return case


# --- Parole reviews (the person's history) ---------------------------------------------------


@dataclass(frozen=True)
class ParoleReviewInput:
    held_on: date | None
    kind: str
    outcome: str
    notes: str = ""


def parole_review_record(*, actor: Any, person: Person, data: ParoleReviewInput) -> ParoleReview:
    """Record a Parole Board review of a person the caller has already been allowed to see."""
    _require_writer(actor, "You cannot record parole reviews")
    errors = check_parole(data)
    if errors:
        raise refuse("Check the parole review", errors)
    assert data.held_on is not None
    with transaction.atomic():
        review = ParoleReview.objects.create(
            person=person,
            held_on=data.held_on,
            kind=data.kind,
            outcome=data.outcome,
            notes=data.notes.strip(),
            recorded_by=actor,
            recorded_at=timezone.now(),
        )
        audit_record(
            actor=actor,
            action=AuditAction.COLLECTION,
            object_type="parole_review",
            object_id=str(review.pk),
            summary="recorded a parole review",
            details={"person": str(person.pk), "kind": review.kind, "outcome": review.outcome},
        )
    return review


def check_parole(data: ParoleReviewInput) -> dict[str, str]:
    errors: dict[str, str] = {}
    if data.held_on is None:
        errors["held_on"] = "Enter the date of the hearing or review"
    elif data.held_on > timezone.localdate():
        errors["held_on"] = "The date of the hearing or review must be today or in the past"
    if data.kind not in ParoleKind.values:
        errors["kind"] = "Select the kind of review"
    if data.outcome not in ParoleOutcome.values:
        errors["outcome"] = "Select the outcome"
    _text(data.notes, "notes", errors)
    return errors
