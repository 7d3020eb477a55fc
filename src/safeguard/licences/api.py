"""API: /api/v1/licences/... — the same operations as the pages, through the same services.

Field errors come back as ``{"message", "extra": {"fields": {field: message}}}`` (status 400),
with the GOV.UK wording the pages use. Dates are "YYYY-MM-DD" strings, times "HH:MM".
"""

# No ``from __future__ import annotations`` here: django-ninja reads the operations'
# annotations through the access-policy wrapper, whose globals cannot resolve string names.
from datetime import date
from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from ninja import Router

from safeguard.accounts.models import User
from safeguard.licences.access import access_licence_by_id
from safeguard.licences.api_schemas import (
    ConditionIn,
    ConditionsOnOut,
    ConditionValuesIn,
    DetailsIn,
    DisclosureIn,
    LicenceCreateIn,
    LicenceOut,
    LicenceSummaryOut,
    PersonRefOut,
    ReasonIn,
    RecallIn,
    VariationIn,
    licence_out,
)
from safeguard.licences.disclosures import DisclosureInput, NewPartner, disclosure_record
from safeguard.licences.documents import licence_pdf
from safeguard.licences.engine import CatalogueError, load_catalogue
from safeguard.licences.lifecycle import (
    RecallInput,
    licence_activate,
    licence_approve,
    licence_recall,
    licence_return,
    licence_submit,
)
from safeguard.licences.orders import monitoring_orders_export
from safeguard.licences.policies import APPROVERS, RECALLERS, WRITERS
from safeguard.licences.selectors import licence_list, licence_view
from safeguard.licences.services import (
    LicenceDetails,
    licence_condition_add,
    licence_condition_change,
    licence_condition_remove,
)
from safeguard.licences.variations import ConditionChange, VariationInput, licence_vary
from safeguard.people.access import access_person_by_id
from safeguard.people.models import PersonAddress
from safeguard.site.errors import DomainError, NotFoundError
from safeguard.site.policy import STAFF, access_policy, service

router = Router(tags=["licences"])
MONITORING = service("monitoring-orders")


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


def _fail_if(errors: dict[str, str], message: str = "Check the request") -> None:
    if errors:
        raise DomainError(message, {"fields": errors})


def _details(payload: Any, person_id: Any, errors: dict[str, str]) -> LicenceDetails:
    practitioner = None
    if payload.supervising_practitioner:
        practitioner = User.objects.filter(username=payload.supervising_practitioner).first()
        if practitioner is None:
            errors["supervising_practitioner"] = "Choose a probation practitioner"
    address = None
    if payload.approved_address_id is not None:
        address = PersonAddress.objects.filter(
            pk=payload.approved_address_id, person_id=person_id
        ).first()
        if address is None:
            errors["approved_address_id"] = "Choose one of the person's addresses"
    return LicenceDetails(
        _day(payload.start_date, "start_date", errors),
        _day(payload.end_date, "end_date", errors),
        practitioner,
        address,
    )


def _view(request: HttpRequest, licence_id: Any, on: date | None = None) -> LicenceOut:
    return licence_out(licence_view(user=_user(request), licence_id=licence_id, on=on))


@router.get("/", response=list[LicenceSummaryOut], summary="Licences of the people I may see")
@access_policy(STAFF)
def list_licences(request: HttpRequest, status: str | None = None) -> list[LicenceSummaryOut]:
    rows = licence_list(user=_user(request), status=status).rows
    return [
        LicenceSummaryOut(
            id=r.licence.pk,
            person=PersonRefOut(id=r.person.pk, name=r.person.full_name),
            status=r.licence.status,
            policy=r.licence.policy,
            start_date=r.licence.start_date,
            end_date=r.licence.end_date,
            supervising_practitioner=r.supervising,
        )
        for r in rows
    ]


@router.post("/", response=LicenceOut, summary="Create a draft licence (with conditions)")
@access_policy(WRITERS)
def create_licence(request: HttpRequest, payload: LicenceCreateIn) -> LicenceOut:
    from safeguard.licences.services import licence_create

    user = _user(request)
    person = access_person_by_id(user, payload.person_id)
    errors: dict[str, str] = {}
    details = _details(payload, person.pk, errors)
    _fail_if(errors, "Check the licence details")
    with transaction.atomic():
        licence = licence_create(actor=user, person=person, details=details)
        for index, condition in enumerate(payload.conditions):
            try:
                licence_condition_add(actor=user, licence=licence, entry=condition.entry())
            except DomainError as error:
                fields = error.extra.get("fields") or {"code": error.message}
                errors.update({f"conditions[{index}].{k}": v for k, v in fields.items()})
        _fail_if(errors, "Check the conditions")  # rolls the whole licence back
    return _view(request, licence.pk)


@router.get("/catalogue/{policy}", response=list[dict[str, Any]], summary="Conditions of a policy")
@access_policy(STAFF)
def condition_catalogue(request: HttpRequest, policy: str) -> list[dict[str, Any]]:
    try:
        return [dict(c.data) for c in load_catalogue(policy).conditions]
    except CatalogueError:
        raise NotFoundError() from None


@router.get(
    "/monitoring/orders", response=dict[str, Any], summary="Monitoring orders (contracts §1)"
)
@access_policy(MONITORING)
def monitoring_orders_api(request: HttpRequest, on: str | None = None) -> dict[str, Any]:
    """ORDERS.json for the monitoring service: service accounts only (staff are refused)."""
    user = _user(request)
    if not user.is_service_account:
        raise NotFoundError()
    errors: dict[str, str] = {}
    day = _day(on, "on", errors) or date.today()
    _fail_if(errors)
    result = monitoring_orders_export(actor=user, on=day, recipient=user.username)
    return {
        **result.document(),
        "problems": [{"licence": i, "subject": s, "reason": r} for i, s, r in result.problems],
    }


@router.get("/{licence_id}", response=LicenceOut, summary="One licence")
@access_policy(STAFF)
def get_licence(request: HttpRequest, licence_id: str, on: str | None = None) -> LicenceOut:
    errors: dict[str, str] = {}
    day = _day(on, "on", errors)
    access_licence_by_id(_user(request), licence_id)  # a refused id is not found, whatever else
    _fail_if(errors)
    return _view(request, licence_id, day)


@router.get(
    "/{licence_id}/conditions", response=ConditionsOnOut, summary="Conditions in force on a date"
)
@access_policy(STAFF)
def conditions_on(request: HttpRequest, licence_id: str, on: str | None = None) -> ConditionsOnOut:
    errors: dict[str, str] = {}
    day = _day(on, "on", errors) or date.today()
    access_licence_by_id(_user(request), licence_id)
    _fail_if(errors)
    view = _view(request, licence_id, day)
    return ConditionsOnOut(licence=view.id, on=day, conditions=view.conditions)


@router.get("/{licence_id}/document", summary="The licence as a PDF (audited as a disclosure)")
@access_policy(WRITERS)
def licence_document_api(
    request: HttpRequest, licence_id: str, on: str | None = None
) -> HttpResponse:
    errors: dict[str, str] = {}
    day = _day(on, "on", errors)
    access_licence_by_id(_user(request), licence_id)
    _fail_if(errors)
    pdf, filename = licence_pdf(user=_user(request), licence_id=licence_id, on=day)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@router.put("/{licence_id}", response=LicenceOut, summary="Edit a draft's details")
@access_policy(WRITERS)
def update_licence(request: HttpRequest, licence_id: str, payload: DetailsIn) -> LicenceOut:
    from safeguard.licences.services import licence_update

    user = _user(request)
    licence = access_licence_by_id(user, licence_id)
    errors: dict[str, str] = {}
    details = _details(payload, licence.person_id, errors)
    _fail_if(errors, "Check the licence details")
    licence_update(actor=user, licence=licence, details=details)
    return _view(request, licence.pk)


@router.post("/{licence_id}/conditions", response=LicenceOut, summary="Add a condition to a draft")
@access_policy(WRITERS)
def add_condition(request: HttpRequest, licence_id: str, payload: ConditionIn) -> LicenceOut:
    licence = access_licence_by_id(_user(request), licence_id)
    licence_condition_add(actor=_user(request), licence=licence, entry=payload.entry())
    return _view(request, licence.pk)


def _row(licence: Any, condition_id: int) -> Any:
    row = licence.conditions.filter(pk=condition_id, valid_to__isnull=True).first()
    if row is None:
        raise NotFoundError()
    return row


@router.put(
    "/{licence_id}/conditions/{condition_id}",
    response=LicenceOut,
    summary="Change a draft's condition",
)
@access_policy(WRITERS)
def change_condition(
    request: HttpRequest, licence_id: str, condition_id: int, payload: ConditionValuesIn
) -> LicenceOut:
    licence = access_licence_by_id(_user(request), licence_id)
    row = _row(licence, condition_id)
    licence_condition_change(
        actor=_user(request), licence=licence, condition=row, entry=payload.entry(row.code)
    )
    return _view(request, licence.pk)


@router.delete(
    "/{licence_id}/conditions/{condition_id}",
    response=LicenceOut,
    summary="Remove a draft's condition",
)
@access_policy(WRITERS)
def remove_condition(request: HttpRequest, licence_id: str, condition_id: int) -> LicenceOut:
    licence = access_licence_by_id(_user(request), licence_id)
    licence_condition_remove(
        actor=_user(request), licence=licence, condition=_row(licence, condition_id)
    )
    return _view(request, licence.pk)


def _step(request: HttpRequest, licence_id: str, action: Any, **kwargs: Any) -> LicenceOut:
    licence = access_licence_by_id(_user(request), licence_id)
    action(actor=_user(request), licence=licence, **kwargs)
    return _view(request, licence.pk)


@router.post("/{licence_id}/submit", response=LicenceOut, summary="Submit a draft for approval")
@access_policy(WRITERS)
def submit_licence(request: HttpRequest, licence_id: str) -> LicenceOut:
    return _step(request, licence_id, licence_submit)


@router.post("/{licence_id}/approve", response=LicenceOut, summary="Approve (senior practitioner)")
@access_policy(APPROVERS)
def approve_licence(request: HttpRequest, licence_id: str) -> LicenceOut:
    return _step(request, licence_id, licence_approve)


@router.post("/{licence_id}/return", response=LicenceOut, summary="Return to draft")
@access_policy(APPROVERS)
def return_licence(request: HttpRequest, licence_id: str, payload: ReasonIn) -> LicenceOut:
    return _step(request, licence_id, licence_return, reason=payload.reason)


@router.post(
    "/{licence_id}/activate", response=LicenceOut, summary="Make an approved licence active"
)
@access_policy(WRITERS)
def activate_licence(request: HttpRequest, licence_id: str) -> LicenceOut:
    return _step(request, licence_id, licence_activate)


@router.post("/{licence_id}/recall", response=LicenceOut, summary="Record a recall")
@access_policy(RECALLERS)
def recall_licence(request: HttpRequest, licence_id: str, payload: RecallIn) -> LicenceOut:
    errors: dict[str, str] = {}
    day = _day(payload.recalled_on, "recalled_on", errors)
    access_licence_by_id(_user(request), licence_id)
    _fail_if(errors)
    return _step(request, licence_id, licence_recall, recall=RecallInput(day, payload.reason))


@router.post("/{licence_id}/variations", response=LicenceOut, summary="Vary a licence in force")
@access_policy(WRITERS)
def vary_licence(request: HttpRequest, licence_id: str, payload: VariationIn) -> LicenceOut:
    user = _user(request)
    licence = access_licence_by_id(user, licence_id)
    errors: dict[str, str] = {}
    effective = _day(payload.effective_from, "effective_from", errors)
    _fail_if(errors)
    codes = dict(licence.conditions.values_list("pk", "code"))
    variation = VariationInput(
        effective_from=effective,
        reason=payload.reason,
        add=[c.entry() for c in payload.add],
        remove=list(payload.remove),
        change=[
            ConditionChange(c.condition_id, c.entry(codes.get(c.condition_id, "")))
            for c in payload.change
        ],
    )
    licence_vary(actor=user, licence=licence, variation=variation)
    return _view(request, licence.pk)


@router.post(
    "/{licence_id}/disclosures", response=LicenceOut, summary="Record a relationship disclosure"
)
@access_policy(WRITERS)
def record_disclosure(request: HttpRequest, licence_id: str, payload: DisclosureIn) -> LicenceOut:
    user = _user(request)
    licence = access_licence_by_id(user, licence_id)
    errors: dict[str, str] = {}
    started = _day(payload.started_on, "started_on", errors)
    partner = None
    if payload.new_partner is not None:
        dob = _day(payload.new_partner.date_of_birth, "new_partner.date_of_birth", errors)
        partner = NewPartner(payload.new_partner.given_name, payload.new_partner.family_name, dob)
    _fail_if(errors)
    data = DisclosureInput(
        started_on=started,
        household_includes_children=payload.household_includes_children,
        action_taken=payload.action_taken,
        action_notes=payload.action_notes,
        partner_id=payload.partner_id,
        new_partner=partner,
    )
    disclosure_record(actor=user, licence=licence, data=data)
    return _view(request, licence.pk)
