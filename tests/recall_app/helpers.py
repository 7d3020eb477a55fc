"""Builders for recall tests: a probation team with a manager, a person on an active licence,
violations, and breach cases at each stage."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.utils import timezone

from safeguard.accounts.models import User
from safeguard.accounts.roles import Role
from safeguard.licences.models import Licence
from safeguard.monitoring.models import Violation
from safeguard.recall.models import BreachCase
from safeguard.recall.services import (
    CaseFacts,
    CaseInput,
    EvidenceInput,
    RecommendationInput,
    case_approve,
    case_countersign,
    case_open,
    case_recommend,
)
from tests import factories as f
from tests.licences.helpers import Team, active, probation_team


@dataclass
class RecallTeam:
    team: Team
    manager: User
    licence: Licence

    @property
    def practitioner(self) -> User:
        return self.team.practitioner

    @property
    def senior(self) -> User:
        return self.team.senior


def recall_team(*, protected: bool = False, family: str = "Breachperson") -> RecallTeam:
    team = probation_team(family=family, protected=protected)
    licence = active(team)
    manager = f.user(Role.MANAGER, team.practitioner.team)
    return RecallTeam(team, manager, licence)


def violation(
    rt: RecallTeam, *, outcome: str = "breach_action", kind: str = "exclusion_entry"
) -> Violation:
    person = rt.team.person
    started = timezone.now() - timedelta(hours=3)
    return Violation.objects.create(
        subject=str(person.pk),
        person=person,
        kind=kind,
        zone="zone-1" if kind == "exclusion_entry" else "",
        started_at=started,
        ended_at=started + timedelta(minutes=40),
        rule_version="em-rules/1",
        state="closed" if outcome else "open",
        outcome=outcome,
        note="Seen at the victim's street" if outcome else "",
    )


FACTS = CaseFacts(
    index_offence="Burglary (dwelling)",
    sentence_type="determinate",
    sentence_length_months=30,
    mappa_category=None,
    mappa_level=None,
)


def missed(days_ago: int = 2) -> EvidenceInput:
    return EvidenceInput(
        "missed_appointment",
        timezone.localdate() - timedelta(days=days_ago),
        "Did not attend the office appointment at 10:00",
    )


def open_case(rt: RecallTeam, *violations: Violation, facts: CaseFacts = FACTS) -> BreachCase:
    items = [] if violations else [missed()]
    return case_open(
        actor=rt.practitioner,
        person=rt.team.person,
        data=CaseInput(facts=facts, violations=list(violations), items=items),
    )


def recommended(rt: RecallTeam, case: BreachCase, what: str = "recall_fixed_term") -> BreachCase:
    return case_recommend(
        actor=rt.practitioner,
        case=case,
        data=RecommendationInput(
            recommendation=what,
            rationale="Entered the exclusion zone near the victim's home twice",
            alternatives_tried="Warning letter on 1 October",
        ),
    )


def approved(rt: RecallTeam, case: BreachCase, what: str = "recall_fixed_term") -> BreachCase:
    case = recommended(rt, case, what)
    case = case_countersign(actor=rt.senior, case=case, note="Agreed: risk to the victim")
    return case_approve(actor=rt.manager, case=case)


def client_for(user: Any) -> Any:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client
