"""Reads of breach cases for users: access-checked, field-filtered (protected people), and
audited (one consultation entry per page or API response that shows a case)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from safeguard.accounts.roles import AgencyKind
from safeguard.audit.models import AuditAction
from safeguard.audit.services import audit_record
from safeguard.licences.access import licences_visible_to
from safeguard.licences.models import Licence, LicenceStatus
from safeguard.monitoring.models import Violation, ViolationOutcome, ViolationState
from safeguard.monitoring.selectors import violations_visible_to
from safeguard.people.access import can_see_protected
from safeguard.people.models import Person, PersonAddress
from safeguard.recall.access import access_case_by_id, cases_visible_to
from safeguard.recall.engine import RecallAssessment
from safeguard.recall.models import (
    ACTIVE_STAGES,
    BreachCase,
    BreachEvent,
    BreachEvidence,
    ParoleReview,
    Stage,
)
from safeguard.recall.services import WRITER_ROLES, case_assess, may_approve, may_countersign

LIST_LIMIT = 500


def withholds_addresses(user: Any, person: Person) -> bool:
    return person.protected_identity and not can_see_protected(user)


@dataclass(frozen=True)
class Timer:
    """The 24-hour target from the decision to sending the Part A."""

    due: datetime
    sent_at: datetime | None
    now: datetime

    @property
    def overdue(self) -> bool:
        return (self.sent_at or self.now) > self.due

    @property
    def met(self) -> bool:
        return self.sent_at is not None and self.sent_at <= self.due

    @property
    def remaining(self) -> str:
        """Hours and minutes left (or overdue by), for the page."""
        gap = abs(self.due - (self.sent_at or self.now))
        hours, rest = divmod(int(gap.total_seconds()) // 60, 60)
        return f"{hours} hour{'s' if hours != 1 else ''} {rest} minute{'s' if rest != 1 else ''}"


def case_timer(case: BreachCase, now: datetime | None = None) -> Timer | None:
    due = case.send_by
    if due is None:
        return None
    return Timer(due=due, sent_at=case.sent_at, now=now or timezone.now())


@dataclass(frozen=True)
class CaseRow:
    case: BreachCase
    timer: Timer | None
    awaiting_me: bool


def _awaiting(user: Any, case: BreachCase) -> bool:
    return may_countersign(user, case) or may_approve(user, case)


def case_list(*, user: Any, stage: str | None = None, active_only: bool = False) -> list[CaseRow]:
    """The breach cases of the people the user may see, newest first (audited)."""
    with transaction.atomic():
        rows = cases_visible_to(user).select_related("person", "recommended_by", "countersigned_by")
        if stage:
            rows = rows.filter(stage=stage)
        elif active_only:
            rows = rows.filter(stage__in=ACTIVE_STAGES)
        cases = list(rows.order_by("-opened_at", "pk")[:LIST_LIMIT])
        if cases:
            audit_record(
                actor=user,
                action=AuditAction.CONSULTATION,
                object_type="breach_case",
                summary="listed breach cases",
                details={"cases": [str(c.pk) for c in cases], "stage": stage or ""},
            )
    now = timezone.now()
    return [CaseRow(c, case_timer(c, now), _awaiting(user, c)) for c in cases]


@dataclass(frozen=True)
class EvidenceView:
    item: BreachEvidence
    fixes: int
    trail_withheld: bool


@dataclass(frozen=True)
class CaseView:
    case: BreachCase
    person: Person
    licence: Licence | None
    evidence: list[EvidenceView]
    events: list[BreachEvent]
    assessment: RecallAssessment | None
    assessment_problem: str
    timer: Timer | None
    addresses_withheld: bool
    current_address: PersonAddress | None
    candidate_violations: list[Violation]
    can_countersign: bool
    can_approve: bool
    previous_recalls: list[Licence]
    parole_reviews: list[ParoleReview]


def candidate_violations(user: Any, person: Person) -> list[Violation]:
    """The person's violations the user may see that could be evidence: not excused, not
    withdrawn, not already in a case. Breach-action ones first."""
    used = BreachEvidence.objects.filter(violation__isnull=False).values("violation_id")
    rows = (
        violations_visible_to(user)
        .filter(person=person, superseded=False)
        .exclude(pk__in=used)
        .exclude(
            outcome__in=[ViolationOutcome.REASONABLE_EXCUSE, ViolationOutcome.AUTHORISED_ABSENCE]
        )
        .order_by("-started_at", "-pk")
    )
    found = list(rows[:100])
    found.sort(key=lambda v: v.outcome != ViolationOutcome.BREACH_ACTION)
    return found


def breach_action_waiting(user: Any, person: Person) -> list[Violation]:
    """Violations closed with "breach action" that are not yet in a breach case."""
    return [
        v
        for v in candidate_violations(user, person)
        if v.state == ViolationState.CLOSED and v.outcome == ViolationOutcome.BREACH_ACTION
    ]


def _current_address(person: Person) -> PersonAddress | None:
    today = timezone.localdate()
    for address in person.addresses.order_by("-valid_from", "-pk"):
        if address.valid_from <= today and (address.valid_to is None or address.valid_to > today):
            return address
    return None


def case_view(*, user: Any, case_id: Any, audit: bool = True) -> CaseView:
    """Everything the case page shows, read once and audited as one consultation."""
    with transaction.atomic():
        case = access_case_by_id(user, case_id)
        person = case.person
        withhold = withholds_addresses(user, person)
        items = list(case.evidence.select_related("violation").order_by("occurred_at", "pk"))
        evidence = [
            EvidenceView(item, len(item.snapshot.get("trail") or []), withhold) for item in items
        ]
        assessment, problem = case_assess(case)
        previous = [
            licence
            for licence in licences_visible_to(user)
            .filter(person=person, status=LicenceStatus.RECALLED)
            .order_by("-recalled_on")
            if licence.pk != case.licence_id
        ]
        view = CaseView(
            case=case,
            person=person,
            licence=case.licence,
            evidence=evidence,
            events=list(case.events.select_related("actor").order_by("at", "pk")),
            assessment=assessment,
            assessment_problem=problem,
            timer=case_timer(case),
            addresses_withheld=withhold,
            current_address=None if withhold else _current_address(person),
            candidate_violations=(
                candidate_violations(user, person) if case.stage == Stage.OPEN else []
            ),
            can_countersign=may_countersign(user, case),
            can_approve=may_approve(user, case),
            previous_recalls=previous,
            parole_reviews=list(ParoleReview.objects.filter(person=person).order_by("-held_on")),
        )
        if audit:
            audit_record(
                actor=user,
                action=AuditAction.CONSULTATION,
                object_type="breach_case",
                object_id=str(case.pk),
                summary="viewed a breach case",
                details={"person": str(person.pk), "protected_fields_shown": not withhold},
            )
    return view


@dataclass(frozen=True)
class HistoryEntry:
    """One dated line of a person's history: a release, a recall or a parole review."""

    on: date
    event: str
    outcome: str
    notes: str = ""


def history_entries(
    licences: list[Licence],
    reviews: list[ParoleReview],
    cases: list[BreachCase],
    *,
    with_notes: bool,
) -> list[HistoryEntry]:
    """Releases, recalls and parole reviews in date order (oldest first)."""
    recalls = {c.licence_id: c for c in cases if c.is_recall and c.approved_at is not None}
    entries = []
    for licence in licences:
        entries.append(
            HistoryEntry(
                licence.start_date,
                "Released on licence",
                f"Licence to {licence.end_date.day} {licence.end_date:%B %Y} – "
                f"{licence.get_status_display().lower()}",
            )
        )
        if licence.recalled_on is not None:
            case = recalls.get(licence.pk)
            outcome = (
                f"{case.get_recommendation_display()} (breach case {case.reference}, "
                f"{case.get_stage_display().lower()})"
                if case is not None
                else "Licence recalled"
            )
            entries.append(HistoryEntry(licence.recalled_on, "Recalled to custody", outcome))
    for review in reviews:
        entries.append(
            HistoryEntry(
                review.held_on,
                f"Parole review ({review.get_kind_display().lower()})",
                review.get_outcome_display(),
                (review.notes or "") if with_notes else "",
            )
        )
    entries.sort(key=lambda e: e.on)
    return entries


@dataclass(frozen=True)
class PersonHistory:
    """Releases, recalls, parole reviews and breach cases of one person, for the person page."""

    person: Person
    licences: list[Licence]
    entries: list[HistoryEntry]
    cases: list[BreachCase]
    waiting: list[Violation]
    can_open: bool
    can_record_parole: bool


def person_history(*, user: Any, person: Person) -> PersonHistory:
    """For a person the user already may see (the person page has checked and audited)."""
    cases = list(cases_visible_to(user).filter(person=person).order_by("-opened_at", "pk"))
    licences = list(
        licences_visible_to(user)
        .filter(person=person)
        .exclude(status__in=[LicenceStatus.DRAFT, LicenceStatus.SUBMITTED])
        .order_by("-start_date", "pk")
    )
    agency = getattr(user, "agency", None)
    is_writer = (
        getattr(user, "role", None) in WRITER_ROLES
        and agency is not None
        and agency.kind == AgencyKind.PROBATION
    )
    active = any(c.stage in ACTIVE_STAGES for c in cases)
    reviews = list(ParoleReview.objects.filter(person=person))
    return PersonHistory(
        person=person,
        licences=licences,
        entries=history_entries(licences, reviews, cases, with_notes=is_writer),
        cases=cases,
        waiting=breach_action_waiting(user, person) if is_writer else [],
        can_open=is_writer and not active,
        can_record_parole=is_writer,
    )
