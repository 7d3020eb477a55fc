"""Pages: the team's breach cases, the casework queue, a case, its forms and documents.

Each view declares its access policy; every record comes through ``access_*`` (a case the user
may not see is not found); services write and audit; selectors read and audit.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from safeguard.monitoring.models import Violation
from safeguard.monitoring.selectors import violations_visible_to
from safeguard.people.access import access_person_by_id
from safeguard.people.models import Person
from safeguard.recall import forms
from safeguard.recall.access import access_case_by_id
from safeguard.recall.documents import letter_pdf, part_a_pdf
from safeguard.recall.models import (
    RISK_GROUPS,
    CustodyStatus,
    EvidenceKind,
    ParoleKind,
    ParoleOutcome,
    Recommendation,
    RiskLevel,
    SentenceType,
    Stage,
)
from safeguard.recall.policies import APPROVERS, COUNTERSIGNERS, REVIEWERS, WRITERS
from safeguard.recall.selectors import candidate_violations, case_list, case_view
from safeguard.recall.services import (
    WRITER_ROLES,
    CaseInput,
    RecommendationInput,
    case_approve,
    case_book,
    case_countersign,
    case_evidence_add,
    case_facts_update,
    case_open,
    case_recommend,
    case_return,
    case_send,
    check_facts,
    check_item,
    check_parole,
    parole_review_record,
)
from safeguard.site.errors import DomainError
from safeguard.site.policy import STAFF, access_policy

HAND_KINDS = [(k, label) for k, label in EvidenceKind.choices if k != EvidenceKind.VIOLATION]


def _render(
    request: HttpRequest, template: str, context: dict[str, Any], field_errors: dict[str, str]
) -> HttpResponse:
    context = {
        **context,
        "field_errors": field_errors,
        "errors": forms.linked(field_errors),
        "sentence_types": SentenceType.choices,
        "hand_kinds": HAND_KINDS,
        "recommendations": Recommendation.choices,
        "custody_statuses": CustodyStatus.choices,
        "risk_levels": RiskLevel.choices,
        "risk_groups": list(RISK_GROUPS.items()),
        "parole_kinds": ParoleKind.choices,
        "parole_outcomes": ParoleOutcome.choices,
    }
    return render(request, template, context, status=400 if field_errors else 200)


def _fields(error: DomainError) -> dict[str, str]:
    return dict(error.extra.get("fields") or {}) or {"actions": error.message}


def _chosen_violations(
    request: HttpRequest, person: Person, errors: dict[str, str]
) -> list[Violation]:
    raw = request.POST.getlist("violations")
    ids = [v for v in raw if v.isdigit() and len(v) < 19]  # larger ids cannot be stored
    found = list(violations_visible_to(request.user).filter(pk__in=ids, person=person))
    if len(found) != len(set(raw)):
        errors["violations"] = "Choose violations from the list"
    return found


# --- Lists -------------------------------------------------------------------------------


@access_policy(STAFF)
@require_GET
def case_list_page(request: HttpRequest) -> HttpResponse:
    stage = request.GET.get("stage") or None
    if stage not in Stage.values:
        stage = None
    rows = case_list(user=request.user, stage=stage)
    return render(
        request, "recall/list.html", {"rows": rows, "stages": Stage.choices, "stage": stage}
    )


@access_policy(STAFF)
@require_GET
def casework_queue_page(request: HttpRequest) -> HttpResponse:
    """Approved recalls to send to the casework section, and those awaiting its booking."""
    rows = [r for r in case_list(user=request.user, active_only=True)]
    to_send = [r for r in rows if r.case.stage == Stage.APPROVED]
    sent = [r for r in rows if r.case.stage == Stage.SENT]
    return render(request, "recall/casework.html", {"to_send": to_send, "sent": sent})


# --- Opening a case ----------------------------------------------------------------------


@access_policy(WRITERS)
@require_http_methods(["GET", "POST"])
def case_open_page(request: HttpRequest, person_id: str) -> HttpResponse:
    person = access_person_by_id(request.user, person_id)
    candidates = candidate_violations(request.user, person)
    context: dict[str, Any] = {"person": person, "candidates": candidates}
    if request.method == "GET":
        wanted = request.GET.getlist("violation")
        context["chosen"] = {int(v) for v in wanted if v.isdigit()}
        context["facts"] = forms.facts_initial(None)
        context["item"] = forms.item_initial()
        return _render(request, "recall/open.html", context, {})
    errors: dict[str, str] = {}
    facts, fact_errors = forms.facts_from(request.POST)
    item, item_errors = forms.item_from(request.POST, required=False)
    violations = _chosen_violations(request, person, errors)
    if fact_errors or item_errors:  # say everything that is wrong at once
        errors.update(check_facts(facts))
        errors.update(check_item(item) if item else {})
    errors.update(fact_errors)
    errors.update(item_errors)
    if not errors:
        try:
            case = case_open(
                actor=request.user,
                person=person,
                data=CaseInput(facts=facts, violations=violations, items=[item] if item else []),
            )
            messages.success(request, f"Breach case {case.reference} opened")
            return redirect("recall-case", case_id=case.pk)
        except DomainError as error:
            errors = _fields(error)
    context["chosen"] = {v.pk for v in violations}
    context["facts"] = forms.facts_redisplay(request.POST)
    context["item"] = forms.item_redisplay(request.POST)
    return _render(request, "recall/open.html", context, errors)


@access_policy(WRITERS)
@require_http_methods(["GET", "POST"])
def parole_review_page(request: HttpRequest, person_id: str) -> HttpResponse:
    """Record a Parole Board hearing or paper review in the person's history."""
    person = access_person_by_id(request.user, person_id)
    context: dict[str, Any] = {"person": person}
    if request.method == "GET":
        context["review"] = forms.parole_initial()
        return _render(request, "recall/parole.html", context, {})
    review, errors = forms.parole_from(request.POST)
    if errors:  # say everything that is wrong at once
        errors = {**check_parole(review), **errors}
    else:
        try:
            parole_review_record(actor=request.user, person=person, data=review)
            messages.success(request, "Parole review recorded")
            return redirect(reverse("person", args=[person.pk]) + "#recall-history")
        except DomainError as error:
            errors = _fields(error)
    context["review"] = forms.parole_redisplay(request.POST)
    return _render(request, "recall/parole.html", context, errors)


# --- The case page and its forms -----------------------------------------------------------


def _case_page(
    request: HttpRequest, case_id: str, field_errors: dict[str, str] | None = None
) -> HttpResponse:
    view = case_view(user=request.user, case_id=case_id)
    user: Any = request.user
    context = {
        "view": view,
        "case": view.case,
        "person": view.person,
        "can_write": user.role in WRITER_ROLES,
        "is_manager": user.role == "manager",
        "is_open": view.case.stage == Stage.OPEN,
    }
    return _render(request, "recall/case.html", context, field_errors or {})


@access_policy(STAFF)
@require_GET
def case_page(request: HttpRequest, case_id: str) -> HttpResponse:
    return _case_page(request, case_id)


@access_policy(WRITERS)
@require_http_methods(["GET", "POST"])
def case_facts_page(request: HttpRequest, case_id: str) -> HttpResponse:
    case = access_case_by_id(request.user, case_id)
    context: dict[str, Any] = {"case": case, "person": case.person}
    if request.method == "GET":
        context["facts"] = forms.facts_initial(case)
        return _render(request, "recall/facts.html", context, {})
    facts, errors = forms.facts_from(request.POST)
    if not errors:
        try:
            case_facts_update(actor=request.user, case=case, facts=facts)
            messages.success(request, "Sentence and MAPPA details saved")
            return redirect("recall-case", case_id=case.pk)
        except DomainError as error:
            errors = _fields(error)
    context["facts"] = forms.facts_redisplay(request.POST)
    return _render(request, "recall/facts.html", context, errors)


@access_policy(WRITERS)
@require_http_methods(["GET", "POST"])
def case_evidence_page(request: HttpRequest, case_id: str) -> HttpResponse:
    case = access_case_by_id(request.user, case_id)
    candidates = candidate_violations(request.user, case.person)
    context: dict[str, Any] = {"case": case, "person": case.person, "candidates": candidates}
    if request.method == "GET":
        context["item"] = forms.item_initial()
        context["chosen"] = set()
        return _render(request, "recall/evidence.html", context, {})
    errors: dict[str, str] = {}
    violations = _chosen_violations(request, case.person, errors)
    item, item_errors = forms.item_from(request.POST, required=not violations)
    errors.update(item_errors)
    if not errors:
        try:
            for violation in violations:
                case_evidence_add(actor=request.user, case=case, violation=violation)
            if item is not None:
                case_evidence_add(actor=request.user, case=case, item=item)
            messages.success(request, "Evidence added")
            return redirect("recall-case", case_id=case.pk)
        except DomainError as error:
            errors = _fields(error)
    context["item"] = forms.item_redisplay(request.POST)
    context["chosen"] = {v.pk for v in violations}
    return _render(request, "recall/evidence.html", context, errors)


NARRATIVE = (
    "alternatives_tried",
    "response_to_supervision",
    "risk_of_serious_harm",
    "vulnerabilities",
)


@access_policy(WRITERS)
@require_http_methods(["GET", "POST"])
def case_recommend_page(request: HttpRequest, case_id: str) -> HttpResponse:
    view = case_view(user=request.user, case_id=case_id)
    context: dict[str, Any] = {"view": view, "case": view.case, "person": view.person}
    if request.method == "GET":
        context["values"] = {
            "recommendation": view.case.recommendation,
            "rationale": view.case.rationale,
            **{name: getattr(view.case, name) for name in NARRATIVE},
        }
        return _render(request, "recall/recommend.html", context, {})
    values = {
        name: str(request.POST.get(name, ""))
        for name in ("recommendation", "rationale", *NARRATIVE)
    }
    try:
        case_recommend(actor=request.user, case=view.case, data=RecommendationInput(**values))
        messages.success(request, "Recommendation sent for countersignature")
        return redirect("recall-case", case_id=view.case.pk)
    except DomainError as error:
        errors = _fields(error)
    context["values"] = values
    return _render(request, "recall/recommend.html", context, errors)


def _act(request: HttpRequest, case_id: str, action: Any, done: str, **kwargs: Any) -> HttpResponse:
    case = access_case_by_id(request.user, case_id)
    try:
        action(actor=request.user, case=case, **kwargs)
    except DomainError as error:
        return _case_page(request, case_id, _fields(error))
    messages.success(request, done)
    return redirect("recall-case", case_id=case.pk)


@access_policy(COUNTERSIGNERS)
@require_POST
def case_countersign_action(request: HttpRequest, case_id: str) -> HttpResponse:
    note = str(request.POST.get("note", ""))
    return _act(request, case_id, case_countersign, "Recommendation countersigned", note=note)


@access_policy(APPROVERS)
@require_POST
def case_approve_action(request: HttpRequest, case_id: str) -> HttpResponse:
    note = str(request.POST.get("note", ""))
    return _act(request, case_id, case_approve, "Decision approved", note=note)


@access_policy(WRITERS)
@require_POST
def case_send_action(request: HttpRequest, case_id: str) -> HttpResponse:
    return _act(request, case_id, case_send, "Recorded as sent to the casework section")


@access_policy(APPROVERS)
@require_POST
def case_book_action(request: HttpRequest, case_id: str) -> HttpResponse:
    reference = str(request.POST.get("reference", ""))
    return _act(request, case_id, case_book, "Booking recorded", reference=reference)


@access_policy(REVIEWERS)
@require_http_methods(["GET", "POST"])
def case_return_page(request: HttpRequest, case_id: str) -> HttpResponse:
    case = access_case_by_id(request.user, case_id)
    context: dict[str, Any] = {"case": case, "person": case.person, "reason": ""}
    if request.method == "GET":
        return _render(request, "recall/return.html", context, {})
    reason = str(request.POST.get("reason", ""))
    try:
        case_return(actor=request.user, case=case, reason=reason)
        messages.success(request, "Recommendation returned to its author")
        return redirect("recall-case", case_id=case.pk)
    except DomainError as error:
        errors = _fields(error)
    context["reason"] = reason
    return _render(request, "recall/return.html", context, errors)


# --- Documents -----------------------------------------------------------------------------


def _pdf(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@access_policy(WRITERS)
@require_GET
def part_a_page(request: HttpRequest, case_id: str) -> HttpResponse:
    try:
        return _pdf(*part_a_pdf(user=request.user, case_id=case_id))
    except DomainError as error:
        return _case_page(request, case_id, {"documents": error.message})


@access_policy(WRITERS)
@require_GET
def letter_page(request: HttpRequest, case_id: str) -> HttpResponse:
    try:
        return _pdf(*letter_pdf(user=request.user, case_id=case_id))
    except DomainError as error:
        return _case_page(request, case_id, {"documents": error.message})
