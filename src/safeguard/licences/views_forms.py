"""Pages with forms about a licence as a whole: create and edit its details, return it to
draft, record a recall, record a relationship disclosure."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from safeguard.accounts.models import User
from safeguard.accounts.roles import AgencyKind
from safeguard.licences import forms
from safeguard.licences.access import access_licence_by_id
from safeguard.licences.disclosures import DisclosureInput, NewPartner, disclosure_record
from safeguard.licences.lifecycle import RecallInput, licence_recall, licence_return
from safeguard.licences.models import DisclosureAction, Licence
from safeguard.licences.policies import APPROVERS, RECALLERS, WRITERS
from safeguard.licences.selectors import form_view_record, licence_for_form, people_to_name
from safeguard.licences.services import (
    WRITER_ROLES,
    LicenceDetails,
    licence_create,
    licence_update,
)
from safeguard.people.access import access_person_by_id
from safeguard.people.models import Person, PersonAddress
from safeguard.people.selectors import person_view
from safeguard.site.errors import DomainError
from safeguard.site.policy import access_policy

DATE_ANCHORS = {
    "start_date": "start_date-day",
    "end_date": "end_date-day",
    "recalled_on": "recalled_on-day",
    "started_on": "started_on-day",
}


def _practitioners(user: Any, current: User | None) -> list[User]:
    """Who can supervise: probation practitioners of the user's team (and whoever does now)."""
    team_members = User.objects.filter(
        team_id=user.team_id,
        is_active=True,
        is_service_account=False,
        role__in=[r.value for r in WRITER_ROLES],
        agency__kind=AgencyKind.PROBATION,
    ).order_by("last_name", "first_name")
    found = list(team_members) if user.team_id else []
    for extra in (user, current):
        if extra is not None and extra not in found and extra.role in WRITER_ROLES:
            found.append(extra)
    return found


def _details_from(request: HttpRequest, person: Person) -> tuple[LicenceDetails, dict[str, str]]:
    errors: dict[str, str] = {}
    start, problem = forms.date_field(request.POST, "start_date", "the licence start date")
    if problem:
        errors["start_date"] = problem
    end, problem = forms.date_field(request.POST, "end_date", "the licence end date")
    if problem:
        errors["end_date"] = problem
    practitioner = None
    chosen = forms.text(request.POST, "supervising_practitioner")
    if chosen:
        practitioner = User.objects.filter(pk=int(chosen) if chosen.isdigit() else 0).first()
        if practitioner is None:
            errors["supervising_practitioner"] = "Choose a probation practitioner"
    address = None
    address_id = forms.text(request.POST, "approved_address")
    if address_id:
        address = PersonAddress.objects.filter(
            person=person, pk=int(address_id) if address_id.isdigit() else 0
        ).first()
        if address is None:
            errors["approved_address"] = "Choose one of the person's addresses"
    return LicenceDetails(start, end, practitioner, address), errors


def _details_page(
    request: HttpRequest,
    person_id: str,
    licence: Licence | None,
    errors: dict[str, str],
) -> HttpResponse:
    view = person_view(user=request.user, person_id=person_id)
    addresses = (
        []
        if view.address_withheld
        else [a for a in [view.current_address, *view.previous_addresses] if a is not None]
    )
    posted = request.method == "POST"
    context = {
        "person": view.person,
        "licence": licence,
        "addresses": addresses,
        "address_withheld": view.address_withheld,
        "practitioners": _practitioners(
            request.user, licence.supervising_practitioner if licence else None
        ),
        "errors": forms.summary(errors, {**DATE_ANCHORS, "approved_address": "approved_address"}),
        "field_errors": errors,
        "start": forms.date_redisplay(request.POST, "start_date")
        if posted
        else forms.date_initial(licence.start_date if licence else None),
        "end": forms.date_redisplay(request.POST, "end_date")
        if posted
        else forms.date_initial(licence.end_date if licence else None),
        "chosen_practitioner": forms.text(request.POST, "supervising_practitioner")
        if posted
        else str(licence.supervising_practitioner_id if licence else request.user.pk),
        "chosen_address": forms.text(request.POST, "approved_address")
        if posted
        else str(
            licence.approved_address_id
            if licence and licence.approved_address_id
            else (addresses[0].pk if addresses else "")
        ),
    }
    return render(request, "licences/details_form.html", context, status=400 if errors else 200)


@access_policy(WRITERS)
@require_http_methods(["GET", "POST"])
def licence_create_page(request: HttpRequest, person_id: str) -> HttpResponse:
    if request.method == "GET":
        return _details_page(request, person_id, None, {})
    person = access_person_by_id(request.user, person_id)
    details, errors = _details_from(request, person)
    if not errors:
        try:
            licence = licence_create(actor=request.user, person=person, details=details)
        except DomainError as error:
            errors = error.extra.get("fields") or {"start_date": error.message}
        else:
            messages.success(request, "Draft licence created with the standard conditions")
            return redirect("licence", licence_id=licence.pk)
    return _details_page(request, person_id, None, errors)


@access_policy(WRITERS)
@require_http_methods(["GET", "POST"])
def licence_edit_page(request: HttpRequest, licence_id: str) -> HttpResponse:
    licence = access_licence_by_id(request.user, licence_id)
    if request.method == "GET":
        return _details_page(request, str(licence.person_id), licence, {})
    details, errors = _details_from(request, licence.person)
    if not errors:
        try:
            licence_update(actor=request.user, licence=licence, details=details)
        except DomainError as error:
            errors = error.extra.get("fields") or {"start_date": error.message}
        else:
            messages.success(request, "Licence details saved")
            return redirect("licence", licence_id=licence.pk)
    return _details_page(request, str(licence.person_id), licence, errors)


def _reason_page(
    request: HttpRequest, licence: Licence, kind: str, errors: dict[str, str]
) -> HttpResponse:
    context = {
        "licence": licence,
        "person": licence.person,
        "kind": kind,
        "errors": forms.summary(errors, DATE_ANCHORS),
        "field_errors": errors,
        "reason": forms.text(request.POST, "reason"),
        "recalled_on": forms.date_redisplay(request.POST, "recalled_on"),
    }
    return render(request, "licences/reason_form.html", context, status=400 if errors else 200)


@access_policy(APPROVERS)
@require_http_methods(["GET", "POST"])
def licence_return_page(request: HttpRequest, licence_id: str) -> HttpResponse:
    if request.method == "GET":
        licence = licence_for_form(user=request.user, licence_id=licence_id, purpose="return")
        return _reason_page(request, licence, "return", {})
    licence = access_licence_by_id(request.user, licence_id)
    try:
        licence_return(
            actor=request.user, licence=licence, reason=forms.text(request.POST, "reason")
        )
    except DomainError as error:
        errors = error.extra.get("fields") or {"reason": error.message}
        licence = licence_for_form(user=request.user, licence_id=licence_id, purpose="return")
        return _reason_page(request, licence, "return", errors)
    messages.success(request, "Licence returned to draft")
    return redirect("licence", licence_id=licence.pk)


@access_policy(RECALLERS)
@require_http_methods(["GET", "POST"])
def licence_recall_page(request: HttpRequest, licence_id: str) -> HttpResponse:
    if request.method == "GET":
        licence = licence_for_form(user=request.user, licence_id=licence_id, purpose="recall")
        return _reason_page(request, licence, "recall", {})
    licence = access_licence_by_id(request.user, licence_id)
    day, problem = forms.date_field(request.POST, "recalled_on", "the date of the recall")
    errors = {"recalled_on": problem} if problem else {}
    if not errors:
        try:
            licence_recall(
                actor=request.user,
                licence=licence,
                recall=RecallInput(day, forms.text(request.POST, "reason")),
            )
        except DomainError as error:
            errors = error.extra.get("fields") or {"reason": error.message}
        else:
            messages.success(request, "Recall recorded")
            return redirect("licence", licence_id=licence.pk)
    licence = licence_for_form(user=request.user, licence_id=licence_id, purpose="recall")
    return _reason_page(request, licence, "recall", errors)


def _disclosure_page(
    request: HttpRequest, licence: Licence, errors: dict[str, str]
) -> HttpResponse:
    people = people_to_name(request.user, licence)
    form_view_record(user=request.user, licence=licence, purpose="disclosure", people=people)
    context = {
        "licence": licence,
        "person": licence.person,
        "people": people,
        "actions": DisclosureAction.choices,
        "errors": forms.summary(
            errors,
            {
                **DATE_ANCHORS,
                "partner": "partner",
                "household_includes_children": "household_includes_children",
                "action_taken": "action_taken",
                "new_partner.given_name": "new_given_name",
                "new_partner.family_name": "new_family_name",
                "new_partner.date_of_birth": "new_date_of_birth-day",
            },
        ),
        "field_errors": errors,
        "posted": request.POST,
        "started_on": forms.date_redisplay(request.POST, "started_on"),
        "new_dob": forms.date_redisplay(request.POST, "new_date_of_birth"),
    }
    return render(request, "licences/disclosure_form.html", context, status=400 if errors else 200)


@access_policy(WRITERS)
@require_http_methods(["GET", "POST"])
def licence_disclosure_page(request: HttpRequest, licence_id: str) -> HttpResponse:
    licence = access_licence_by_id(request.user, licence_id)  # the form page audits the view
    if request.method == "GET":
        return _disclosure_page(request, licence, {})
    post = request.POST
    errors: dict[str, str] = {}
    started, problem = forms.date_field(post, "started_on", "the date the relationship started")
    if problem:
        errors["started_on"] = problem
    dob, problem = forms.date_field(post, "new_date_of_birth", "the date of birth", required=False)
    if problem:
        errors["new_partner.date_of_birth"] = problem
    new_partner = None
    if forms.text(post, "partner_choice") == "new":
        new_partner = NewPartner(
            forms.text(post, "new_given_name"), forms.text(post, "new_family_name"), dob
        )
    children = {"yes": True, "no": False}.get(forms.text(post, "household_includes_children"))
    data = DisclosureInput(
        started_on=started,
        household_includes_children=children,
        action_taken=forms.text(post, "action_taken"),
        action_notes=forms.text(post, "action_notes"),
        partner_id=forms.text(post, "partner") if new_partner is None else None,
        new_partner=new_partner,
    )
    if not errors:
        try:
            disclosure_record(actor=request.user, licence=licence, data=data)
        except DomainError as error:
            errors = error.extra.get("fields") or {"partner": error.message}
        else:
            messages.success(request, "Relationship disclosure recorded")
            return redirect("licence", licence_id=licence.pk)
    return _disclosure_page(request, licence, errors)
