"""The breach-case workflow through its services: who may do each step, in what order, what
the rules allow, the licence recalled on approval, the 24-hour target, and the audit trail."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from safeguard.accounts.roles import AgencyKind, Role
from safeguard.audit.models import AuditEntry
from safeguard.licences.models import LicenceStatus
from safeguard.recall.models import BreachCase, Stage
from safeguard.recall.selectors import case_timer
from safeguard.recall.services import (
    CaseFacts,
    CaseInput,
    case_approve,
    case_book,
    case_countersign,
    case_evidence_add,
    case_open,
    case_return,
    case_send,
)
from safeguard.site.errors import DomainError
from tests import factories as f
from tests.recall_app.helpers import (
    FACTS,
    approved,
    missed,
    open_case,
    recall_team,
    recommended,
    violation,
)

pytestmark = pytest.mark.django_db


def _fields(error: pytest.ExceptionInfo[DomainError]) -> dict[str, str]:
    return dict(error.value.extra.get("fields") or {})


def test_a_case_opened_from_a_breach_action_violation_keeps_the_tag_details() -> None:
    rt = recall_team()
    v = violation(rt)
    case = open_case(rt, v)
    item = case.evidence.get()
    assert item.violation_id == v.pk
    assert item.kind == "violation"
    assert item.snapshot["kind_label"] == "Entered an exclusion zone"
    assert item.snapshot["outcome"] == "breach_action"
    assert case.licence_id == rt.licence.pk
    assert case.stage == Stage.OPEN


def test_excused_violations_and_violations_already_used_are_refused() -> None:
    rt = recall_team()
    excused = violation(rt, outcome="reasonable_excuse")
    with pytest.raises(DomainError) as error:
        open_case(rt, excused)
    assert _fields(error) == {"violations": "That violation was closed as excused"}
    used = violation(rt, kind="tamper")
    case = open_case(rt, used)
    case.stage = Stage.CLOSED
    case.save()
    with pytest.raises(DomainError) as error:
        open_case(rt, used)
    assert "already evidence" in _fields(error)["violations"]


def test_a_case_needs_some_evidence_and_the_sentence_length() -> None:
    rt = recall_team()
    with pytest.raises(DomainError) as error:
        case_open(
            actor=rt.practitioner,
            person=rt.team.person,
            data=CaseInput(facts=CaseFacts(sentence_type="determinate")),
        )
    assert set(_fields(error)) == {"violations", "sentence_length_months"}


def test_one_case_in_progress_per_person() -> None:
    rt = recall_team()
    open_case(rt)
    with pytest.raises(DomainError, match="already has a breach case"):
        open_case(rt)


def test_hand_recorded_non_compliance_is_checked_and_added() -> None:
    rt = recall_team()
    case = open_case(rt)
    with pytest.raises(DomainError) as error:
        case_evidence_add(
            actor=rt.practitioner,
            case=case,
            item=missed(days_ago=-3),
        )
    assert _fields(error) == {"occurred_on": "The date it happened must be today or in the past"}
    case_evidence_add(actor=rt.practitioner, case=case, violation=violation(rt))
    assert sorted(case.evidence.values_list("kind", flat=True)) == [
        "missed_appointment",
        "violation",
    ]


def test_only_probation_staff_open_cases() -> None:
    rt = recall_team()
    police = f.user(Role.PRACTITIONER, f.team(f.agency("Testshire Police", AgencyKind.POLICE)))
    with pytest.raises(DomainError, match="Only probation staff"):
        case_open(
            actor=police,
            person=rt.team.person,
            data=CaseInput(facts=FACTS, items=[missed()]),
        )


def test_a_recall_the_rules_do_not_allow_is_refused_with_the_options() -> None:
    # FTR48 (or later): a determinate sentence under 48 months gets a mandatory fixed term.
    rt = recall_team()
    case = open_case(rt)
    with pytest.raises(DomainError) as error:
        recommended(rt, case, "recall_emergency")
    assert "do not allow" in _fields(error)["recommendation"]
    assert "fixed term" in _fields(error)["recommendation"]


def test_the_recommendation_keeps_the_rules_answer_it_was_made_under() -> None:
    rt = recall_team()
    case = recommended(rt, open_case(rt))
    assert case.stage == Stage.RECOMMENDED
    assert "fixed_term" in case.assessment["options"]
    assert case.assessment["rule_set"]
    assert case.assessment["reasons"]


def test_the_author_cannot_countersign_and_only_a_senior_may() -> None:
    rt = recall_team()
    case = recommended(rt, open_case(rt))
    with pytest.raises(DomainError, match="Only a senior practitioner"):
        case_countersign(actor=rt.manager, case=case)
    senior_author_case = case
    senior_author_case.recommended_by = rt.senior
    senior_author_case.save()
    with pytest.raises(DomainError, match="your own recommendation"):
        case_countersign(actor=rt.senior, case=senior_author_case)
    case_countersign(actor=rt.team.other_senior, case=senior_author_case)


def test_the_manager_approves_after_the_senior_and_not_before() -> None:
    rt = recall_team()
    case = recommended(rt, open_case(rt))
    with pytest.raises(DomainError, match="Only a countersigned"):
        case_approve(actor=rt.manager, case=case)
    case = case_countersign(actor=rt.senior, case=case)
    with pytest.raises(DomainError, match="Only a manager"):
        case_approve(actor=rt.team.other_senior, case=case)
    case = case_approve(actor=rt.manager, case=case)
    assert case.stage == Stage.APPROVED


def test_approving_a_recall_recalls_the_licence() -> None:
    rt = recall_team()
    approved(rt, open_case(rt, violation(rt)))
    rt.licence.refresh_from_db()
    assert rt.licence.status == LicenceStatus.RECALLED
    assert rt.licence.recalled_on == timezone.localdate()
    assert rt.licence.events.filter(kind="recalled").exists()


def test_a_decision_not_to_recall_closes_the_case_and_leaves_the_licence() -> None:
    rt = recall_team()
    case = approved(rt, open_case(rt), "warning")
    assert case.stage == Stage.CLOSED
    assert case.send_by is None
    rt.licence.refresh_from_db()
    assert rt.licence.status == LicenceStatus.ACTIVE


def test_a_return_sends_the_case_back_to_its_author_with_the_reason() -> None:
    rt = recall_team()
    case = recommended(rt, open_case(rt))
    with pytest.raises(DomainError) as error:
        case_return(actor=rt.senior, case=case, reason=" ")
    assert _fields(error) == {"reason": "Say what needs to be reconsidered"}
    case = case_return(actor=rt.senior, case=case, reason="Add the police intelligence")
    assert case.stage == Stage.OPEN
    assert case.events.filter(kind="returned", note="Add the police intelligence").exists()
    # It can be recommended again.
    assert recommended(rt, case, "warning").stage == Stage.RECOMMENDED


def test_the_24_hour_target_runs_from_the_decision_to_sending() -> None:
    rt = recall_team()
    case = approved(rt, open_case(rt))
    assert case.countersigned_at is not None
    assert case.send_by == case.countersigned_at + timedelta(hours=24)
    later = case.countersigned_at + timedelta(hours=25)
    timer = case_timer(case, now=later)
    assert timer is not None and timer.overdue
    timer = case_timer(case, now=case.countersigned_at + timedelta(hours=2))
    assert timer is not None and not timer.overdue
    assert timer.remaining == "22 hours 0 minutes"
    case = case_send(actor=rt.practitioner, case=case)
    timer = case_timer(case, now=later)
    assert timer is not None and timer.met and not timer.overdue


def test_sending_then_booking_by_a_manager() -> None:
    rt = recall_team()
    case = approved(rt, open_case(rt))
    with pytest.raises(DomainError, match="Only a recall sent"):
        case_book(actor=rt.manager, case=case, reference="PPCS-1")
    case = case_send(actor=rt.practitioner, case=case)
    with pytest.raises(DomainError, match="Only a manager"):
        case_book(actor=rt.practitioner, case=case, reference="PPCS-1")
    case = case_book(actor=rt.manager, case=case, reference="PPCS-1")
    assert (case.stage, case.booking_reference) == (Stage.BOOKED, "PPCS-1")


def test_every_step_is_audited_against_the_case() -> None:
    rt = recall_team()
    case = approved(rt, open_case(rt))
    case_send(actor=rt.practitioner, case=case)
    entries = AuditEntry.objects.filter(object_type="breach_case", object_id=str(case.pk))
    events = [e.details.get("event") for e in entries.order_by("seq")]
    assert events == ["opened", "recommended", "countersigned", "approved", "sent"]
    actors = {e.details.get("event"): e.actor_id for e in entries}
    assert actors["countersigned"] == rt.senior.pk
    assert actors["approved"] == rt.manager.pk


def test_a_refused_approval_changes_nothing() -> None:
    rt = recall_team()
    case = recommended(rt, open_case(rt))
    case = case_countersign(actor=rt.senior, case=case)
    # The licence ended before approval: recalling it is refused, and so is the approval.
    rt.licence.status = LicenceStatus.EXPIRED
    rt.licence.save()
    with pytest.raises(DomainError):
        case_approve(actor=rt.manager, case=case)
    assert BreachCase.objects.get(pk=case.pk).stage == Stage.COUNTERSIGNED
