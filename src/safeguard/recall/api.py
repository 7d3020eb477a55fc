"""API: /api/v1/recall/... — the same operations as the pages, through the same services.

Field errors come back as ``{"message", "extra": {"fields": {field: message}}}`` (status 400),
with the GOV.UK wording the pages use. Dates are "YYYY-MM-DD" strings.
"""

# No ``from __future__ import annotations`` here: django-ninja reads the operations'
# annotations through the access-policy wrapper, whose globals cannot resolve string names.
import uuid
from datetime import date, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema

from safeguard.monitoring.selectors import violations_visible_to
from safeguard.people.access import access_person_by_id
from safeguard.recall.access import access_case_by_id
from safeguard.recall.documents import letter_pdf, part_a_pdf
from safeguard.recall.models import RISK_GROUPS, Stage
from safeguard.recall.policies import APPROVERS, COUNTERSIGNERS, REVIEWERS, WRITERS
from safeguard.recall.selectors import CaseView, case_list, case_view
from safeguard.recall.services import (
    CaseFacts,
    CaseInput,
    EvidenceInput,
    ParoleReviewInput,
    RecommendationInput,
    case_approve,
    case_book,
    case_countersign,
    case_evidence_add,
    case_open,
    case_recommend,
    case_return,
    case_send,
    parole_review_record,
)
from safeguard.site.errors import DomainError
from safeguard.site.policy import STAFF, access_policy

router = Router(tags=["recall"])
MAX_ID = 2**63  # larger ids cannot be stored: refused as "not found", never a database error


def _user(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


def _day(value: str | None, field: str, errors: dict[str, str]) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        errors[field] = "Enter a real date, like 2027-03-31"
        return None


class RecallItemIn(Schema):
    kind: str
    occurred_on: str | None = None
    details: str = ""


class RecallFactsIn(Schema):
    index_offence: str = ""
    sentence_type: str = "determinate"
    sentence_length_months: int | None = None
    sentence_date: str | None = None
    mappa_category: int | None = None
    mappa_level: int | None = None
    charged_with_new_offence: bool = False
    terrorist_sentence: bool = False
    terrorism_or_state_threat_charge: bool = False
    custody_status: str = ""
    rosh_children: str = ""
    rosh_public: str = ""
    rosh_known_adult: str = ""
    rosh_staff: str = ""
    rosh_prisoners: str = ""


class RecallCaseOpenIn(RecallFactsIn):
    person_id: str
    violation_ids: list[int] = []
    items: list[RecallItemIn] = []


class RecallEvidenceIn(Schema):
    violation_id: int | None = None
    item: RecallItemIn | None = None


class RecallRecommendationIn(Schema):
    recommendation: str = ""
    rationale: str = ""
    alternatives_tried: str = ""
    response_to_supervision: str = ""
    risk_of_serious_harm: str = ""
    vulnerabilities: str = ""


class RecallNoteIn(Schema):
    note: str = ""


class RecallReasonIn(Schema):
    reason: str = ""


class RecallBookingIn(Schema):
    reference: str = ""


class ParoleReviewIn(Schema):
    person_id: str
    held_on: str | None = None
    kind: str = ""
    outcome: str = ""
    notes: str = ""


class ParoleReviewOut(Schema):
    id: uuid.UUID
    person_id: uuid.UUID
    held_on: date
    kind: str
    outcome: str


class RecallEvidenceOut(Schema):
    id: int
    kind: str
    occurred_at: datetime
    details: str
    violation_id: int | None
    tag_fixes: int | None  # None: withheld (protected person)


class RecallCaseSummaryOut(Schema):
    id: uuid.UUID
    reference: str
    person_id: uuid.UUID
    person_name: str
    stage: str
    recommendation: str
    opened_at: datetime
    send_by: datetime | None
    overdue: bool


class RecallCaseOut(RecallCaseSummaryOut):
    licence_id: uuid.UUID | None
    licence_status: str | None
    sentence_type: str
    sentence_length_months: int | None
    mappa_category: int | None
    mappa_level: int | None
    custody_status: str
    risk_of_serious_harm_levels: dict[str, str]
    rationale: str
    assessment_now: dict[str, Any] | None
    assessment_at_recommendation: dict[str, Any]
    recommended_by: str | None
    countersigned_by: str | None
    countersigned_at: datetime | None
    approved_by: str | None
    approved_at: datetime | None
    sent_at: datetime | None
    booked_at: datetime | None
    booking_reference: str
    evidence: list[RecallEvidenceOut]
    address_withheld: bool


def _name(user: Any) -> str | None:
    return user.display_name if user is not None else None


def _case_out(view: CaseView) -> RecallCaseOut:
    case = view.case
    return RecallCaseOut(
        id=case.pk,
        reference=case.reference,
        person_id=view.person.pk,
        person_name=view.person.full_name,
        stage=case.stage,
        recommendation=case.recommendation,
        opened_at=case.opened_at,
        send_by=case.send_by,
        overdue=bool(view.timer and view.timer.overdue),
        licence_id=view.licence.pk if view.licence else None,
        licence_status=view.licence.status if view.licence else None,
        sentence_type=case.sentence_type,
        sentence_length_months=case.sentence_length_months,
        mappa_category=case.mappa_category,
        mappa_level=case.mappa_level,
        custody_status=case.custody_status,
        risk_of_serious_harm_levels={
            name.removeprefix("rosh_"): getattr(case, name) for name in RISK_GROUPS
        },
        rationale=case.rationale,
        assessment_now=view.assessment.to_json() if view.assessment else None,
        assessment_at_recommendation=case.assessment,
        recommended_by=_name(case.recommended_by),
        countersigned_by=_name(case.countersigned_by),
        countersigned_at=case.countersigned_at,
        approved_by=_name(case.approved_by),
        approved_at=case.approved_at,
        sent_at=case.sent_at,
        booked_at=case.booked_at,
        booking_reference=case.booking_reference,
        evidence=[
            RecallEvidenceOut(
                id=ev.item.pk,
                kind=ev.item.kind,
                occurred_at=ev.item.occurred_at,
                details=ev.item.details,
                violation_id=ev.item.violation_id,
                tag_fixes=None if ev.trail_withheld else ev.fixes,
            )
            for ev in view.evidence
        ],
        address_withheld=view.addresses_withheld,
    )


def _view(request: HttpRequest, case_id: Any) -> RecallCaseOut:
    return _case_out(case_view(user=_user(request), case_id=case_id))


def _facts(payload: RecallFactsIn, errors: dict[str, str]) -> CaseFacts:
    return CaseFacts(
        index_offence=payload.index_offence,
        sentence_type=payload.sentence_type,
        sentence_length_months=payload.sentence_length_months,
        sentence_date=_day(payload.sentence_date, "sentence_date", errors),
        mappa_category=payload.mappa_category,
        mappa_level=payload.mappa_level,
        charged_with_new_offence=payload.charged_with_new_offence,
        terrorist_sentence=payload.terrorist_sentence,
        terrorism_or_state_threat_charge=payload.terrorism_or_state_threat_charge,
        custody_status=payload.custody_status,
        **{name: getattr(payload, name) for name in RISK_GROUPS},
    )


def _item(payload: RecallItemIn, prefix: str, errors: dict[str, str]) -> EvidenceInput:
    return EvidenceInput(
        kind=payload.kind,
        occurred_on=_day(payload.occurred_on, f"{prefix}occurred_on", errors),
        details=payload.details,
    )


@router.get("/cases", response=list[RecallCaseSummaryOut], summary="Breach cases I may see")
@access_policy(STAFF)
def recall_cases_list(request: HttpRequest, stage: str | None = None) -> list[RecallCaseSummaryOut]:
    wanted = stage if stage in Stage.values else None
    return [
        RecallCaseSummaryOut(
            id=r.case.pk,
            reference=r.case.reference,
            person_id=r.case.person_id,
            person_name=r.case.person.full_name,
            stage=r.case.stage,
            recommendation=r.case.recommendation,
            opened_at=r.case.opened_at,
            send_by=r.case.send_by,
            overdue=bool(r.timer and r.timer.overdue),
        )
        for r in case_list(user=_user(request), stage=wanted)
    ]


@router.post("/cases", response=RecallCaseOut, summary="Open a breach case")
@access_policy(WRITERS)
def recall_case_open(request: HttpRequest, payload: RecallCaseOpenIn) -> RecallCaseOut:
    user = _user(request)
    person = access_person_by_id(user, payload.person_id)
    errors: dict[str, str] = {}
    facts = _facts(payload, errors)
    items = [_item(i, f"items[{n}].", errors) for n, i in enumerate(payload.items)]
    ids = [i for i in payload.violation_ids if 0 < i < MAX_ID]
    violations = list(violations_visible_to(user).filter(pk__in=ids, person=person))
    if len(violations) != len(set(payload.violation_ids)):
        errors["violation_ids"] = "Choose violations of this person"
    if errors:
        raise DomainError("Check the breach case", {"fields": errors})
    case = case_open(
        actor=user, person=person, data=CaseInput(facts=facts, violations=violations, items=items)
    )
    return _view(request, case.pk)


@router.get("/cases/{case_id}", response=RecallCaseOut, summary="One breach case")
@access_policy(STAFF)
def recall_case_get(request: HttpRequest, case_id: str) -> RecallCaseOut:
    return _view(request, case_id)


@router.post("/cases/{case_id}/evidence", response=RecallCaseOut, summary="Add evidence")
@access_policy(WRITERS)
def recall_case_evidence(
    request: HttpRequest, case_id: str, payload: RecallEvidenceIn
) -> RecallCaseOut:
    user = _user(request)
    case = access_case_by_id(user, case_id)
    errors: dict[str, str] = {}
    violation = None
    if payload.violation_id is not None:
        wanted = payload.violation_id if 0 < payload.violation_id < MAX_ID else 0
        violation = violations_visible_to(user).filter(pk=wanted).first()
        if violation is None:
            errors["violation_id"] = "Choose a violation of this person"
    item = _item(payload.item, "item.", errors) if payload.item is not None else None
    if violation is None and item is None and not errors:
        errors["item"] = "Give a violation or an item of non-compliance"
    if errors:
        raise DomainError("Check the evidence", {"fields": errors})
    case_evidence_add(actor=user, case=case, item=item, violation=violation)
    return _view(request, case_id)


@router.post("/cases/{case_id}/recommendation", response=RecallCaseOut, summary="Recommend")
@access_policy(WRITERS)
def recall_case_recommend(
    request: HttpRequest, case_id: str, payload: RecallRecommendationIn
) -> RecallCaseOut:
    user = _user(request)
    case = access_case_by_id(user, case_id)
    case_recommend(actor=user, case=case, data=RecommendationInput(**payload.dict()))
    return _view(request, case_id)


@router.post("/cases/{case_id}/countersign", response=RecallCaseOut, summary="Countersign (senior)")
@access_policy(COUNTERSIGNERS)
def recall_case_countersign(
    request: HttpRequest, case_id: str, payload: RecallNoteIn
) -> RecallCaseOut:
    user = _user(request)
    case_countersign(actor=user, case=access_case_by_id(user, case_id), note=payload.note)
    return _view(request, case_id)


@router.post("/cases/{case_id}/approve", response=RecallCaseOut, summary="Approve (manager)")
@access_policy(APPROVERS)
def recall_case_approve(request: HttpRequest, case_id: str, payload: RecallNoteIn) -> RecallCaseOut:
    user = _user(request)
    case_approve(actor=user, case=access_case_by_id(user, case_id), note=payload.note)
    return _view(request, case_id)


@router.post("/cases/{case_id}/return", response=RecallCaseOut, summary="Return to the author")
@access_policy(REVIEWERS)
def recall_case_return(
    request: HttpRequest, case_id: str, payload: RecallReasonIn
) -> RecallCaseOut:
    user = _user(request)
    case_return(actor=user, case=access_case_by_id(user, case_id), reason=payload.reason)
    return _view(request, case_id)


@router.post(
    "/cases/{case_id}/sent", response=RecallCaseOut, summary="Sent to the casework section"
)
@access_policy(WRITERS)
def recall_case_sent(request: HttpRequest, case_id: str) -> RecallCaseOut:
    user = _user(request)
    case_send(actor=user, case=access_case_by_id(user, case_id))
    return _view(request, case_id)


@router.post(
    "/cases/{case_id}/booked", response=RecallCaseOut, summary="Booked by the casework section"
)
@access_policy(APPROVERS)
def recall_case_booked(
    request: HttpRequest, case_id: str, payload: RecallBookingIn
) -> RecallCaseOut:
    user = _user(request)
    case_book(actor=user, case=access_case_by_id(user, case_id), reference=payload.reference)
    return _view(request, case_id)


def _pdf(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@router.get("/cases/{case_id}/part-a", summary="The Part A as a PDF (audited as a disclosure)")
@access_policy(WRITERS)
def recall_case_part_a(request: HttpRequest, case_id: str) -> HttpResponse:
    return _pdf(*part_a_pdf(user=_user(request), case_id=case_id))


@router.get(
    "/cases/{case_id}/decision-letter",
    summary="The decision-not-to-recall letter as a PDF (audited as a disclosure)",
)
@access_policy(WRITERS)
def recall_case_letter(request: HttpRequest, case_id: str) -> HttpResponse:
    return _pdf(*letter_pdf(user=_user(request), case_id=case_id))


@router.post(
    "/parole-reviews",
    response=ParoleReviewOut,
    summary="Record a parole review of a person (hearing or paper review, and its outcome)",
)
@access_policy(WRITERS)
def recall_parole_review_record(request: HttpRequest, payload: ParoleReviewIn) -> ParoleReviewOut:
    user = _user(request)
    person = access_person_by_id(user, payload.person_id)
    errors: dict[str, str] = {}
    held_on = _day(payload.held_on, "held_on", errors)
    if errors:
        raise DomainError("Check the parole review", {"fields": errors})
    review = parole_review_record(
        actor=user,
        person=person,
        data=ParoleReviewInput(
            held_on=held_on, kind=payload.kind, outcome=payload.outcome, notes=payload.notes
        ),
    )
    return ParoleReviewOut(
        id=review.pk,
        person_id=person.pk,
        held_on=review.held_on,
        kind=review.kind,
        outcome=review.outcome,
    )
