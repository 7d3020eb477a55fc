"""Pages that add, change or remove one condition: directly on a draft, or as a dated
variation on a licence in force (the same forms, with the date and reason of the change)."""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from safeguard.licences import forms
from safeguard.licences.access import access_licence_by_id
from safeguard.licences.condition_form import ConditionForm, build_form, read_values
from safeguard.licences.conditions import ConditionEntry, catalogue_condition
from safeguard.licences.engine import Condition, load_catalogue
from safeguard.licences.engine.orders import EVENT_ZONE_CODE
from safeguard.licences.models import BESPOKE, Licence, LicenceCondition, LicenceStatus
from safeguard.licences.policies import WRITERS
from safeguard.licences.selectors import (
    form_view_record,
    licence_for_form,
    map_data,
    people_to_name,
    withholds_addresses,
)
from safeguard.licences.services import (
    licence_condition_add,
    licence_condition_change,
    licence_condition_remove,
)
from safeguard.licences.variations import ConditionChange, VariationInput, licence_vary
from safeguard.people.models import PersonAddress
from safeguard.site.errors import DomainError, NotFoundError
from safeguard.site.policy import access_policy

EVENT_ROWS = 3
VARIATION_PREFIX = re.compile(r"^(add|change|remove)\[\d+\]\.?")
EVENT_FIELD = re.compile(r"^event_windows\[(\d+)\]\.(date|from|until)$")


def _catalogue_groups(licence: Licence) -> list[tuple[str, list[Condition]]]:
    groups: dict[str, list[Condition]] = {}
    for condition in load_catalogue(licence.policy).conditions:
        if condition.kind == "additional" and condition.licence_type == licence.licence_type:
            groups.setdefault(condition.category, []).append(condition)
    return sorted(groups.items())


@access_policy(WRITERS)
@require_http_methods(["GET"])
def condition_choose_page(request: HttpRequest, licence_id: str) -> HttpResponse:
    licence = licence_for_form(user=request.user, licence_id=licence_id, purpose="choose condition")
    return render(
        request,
        "licences/choose_condition.html",
        {"licence": licence, "person": licence.person, "groups": _catalogue_groups(licence)},
    )


def _event_windows(request: HttpRequest) -> list[dict[str, str]]:
    windows = []
    for i in range(EVENT_ROWS):
        iso = forms.date_iso(request.POST, f"ev-{i}")
        start, end = (
            forms.text(request.POST, f"ev-{i}-from"),
            forms.text(request.POST, f"ev-{i}-until"),
        )
        if iso or start or end:
            windows.append(
                {"date": iso, "from": forms.time_value(start), "until": forms.time_value(end)}
            )
    return windows


def _event_rows(
    request: HttpRequest, stored: list[dict[str, str]], errors: dict[str, str]
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for i in range(EVENT_ROWS):
        if request.method == "POST":
            rows.append(
                {
                    "i": i,
                    "date": forms.date_redisplay(request.POST, f"ev-{i}"),
                    "from": forms.text(request.POST, f"ev-{i}-from"),
                    "until": forms.text(request.POST, f"ev-{i}-until"),
                }
            )
        elif i < len(stored):
            year, month, day = stored[i]["date"].split("-")
            rows.append(
                {
                    "i": i,
                    "date": {"day": day.lstrip("0"), "month": month.lstrip("0"), "year": year},
                    "from": stored[i]["from"],
                    "until": stored[i]["until"],
                }
            )
        else:
            rows.append({"i": i, "date": forms.date_initial(None), "from": "", "until": ""})
    for key, message in errors.items():
        match = EVENT_FIELD.match(key)
        if match and int(match.group(1)) < EVENT_ROWS:
            rows[int(match.group(1))].setdefault("error", message)
    if "event_windows" in errors:
        rows[0].setdefault("error", errors["event_windows"])
    return rows


def _anchors(form: ConditionForm | None, errors: dict[str, str]) -> dict[str, str]:
    anchors = form.anchors(errors) if form else {}
    anchors.update(
        {"effective_from": "effective_from-day", "event_windows": "ev-0-day", "changes": "reason"}
    )
    for key in errors:
        match = EVENT_FIELD.match(key)
        if match:
            part = "day" if match.group(2) == "date" else match.group(2)
            anchors[key] = f"ev-{match.group(1)}-{part}"
    return anchors


def _form_page(
    request: HttpRequest,
    licence: Licence,
    *,
    condition: Condition | None,
    row: LicenceCondition | None,
    errors: dict[str, str],
    form: ConditionForm | None = None,
) -> HttpResponse:
    withhold = withholds_addresses(request.user, licence)
    if condition is not None and form is None:
        form = build_form(condition, stored=row.values if row else None)
    if form is not None:
        form.attach(errors)
    asks_person = condition is not None and any(
        spec.type == "person" for spec in condition.all_inputs().values()
    )
    people = people_to_name(request.user, licence) if asks_person else []
    form_view_record(
        user=request.user,
        licence=licence,
        purpose="change condition" if row else "add condition",
        people=people,
    )
    addresses = (
        []
        if withhold
        else list(PersonAddress.objects.filter(person_id=licence.person_id, latitude__isnull=False))
    )
    context = {
        "licence": licence,
        "person": licence.person,
        "condition": condition,
        "row": row,
        "form": form,
        "bespoke": condition is None,
        "is_event": condition is not None and condition.code.lower() == EVENT_ZONE_CODE,
        "event_rows": _event_rows(request, row.event_windows if row else [], errors),
        "varying": licence.status != LicenceStatus.DRAFT,
        "people": people,
        "addresses": addresses,
        "map_data": map_data(licence, [], withhold=withhold),
        "errors": forms.summary(errors, _anchors(form, errors)),
        "field_errors": errors,
        "bespoke_text": forms.text(request.POST, "bespoke_text")
        if request.method == "POST"
        else (row.bespoke_text if row else ""),
        "reason": forms.text(request.POST, "reason"),
        "effective_from": forms.date_redisplay(request.POST, "effective_from"),
    }
    return render(request, "licences/condition_form.html", context, status=400 if errors else 200)


def _sensitive(condition: Condition) -> bool:
    return any(spec.type in ("zone", "address") for spec in condition.all_inputs().values())


def _strip(errors: dict[str, str]) -> dict[str, str]:
    return {VARIATION_PREFIX.sub("", key) or "changes": message for key, message in errors.items()}


def _save(
    request: HttpRequest, licence: Licence, entry: ConditionEntry, row: LicenceCondition | None
) -> dict[str, str]:
    """Apply the entry (a draft edit or a one-change variation); {} or the field errors."""
    try:
        if licence.status == LicenceStatus.DRAFT:
            if row is None:
                licence_condition_add(actor=request.user, licence=licence, entry=entry)
            else:
                licence_condition_change(
                    actor=request.user, licence=licence, condition=row, entry=entry
                )
        else:
            effective, problem = forms.date_field(
                request.POST, "effective_from", "the date the change takes effect"
            )
            if problem:
                return {"effective_from": problem}
            change = [ConditionChange(row.pk, entry)] if row else []
            licence_vary(
                actor=request.user,
                licence=licence,
                variation=VariationInput(
                    effective,
                    forms.text(request.POST, "reason"),
                    add=[] if row else [entry],
                    change=change,
                ),
            )
    except DomainError as error:
        return _strip(error.extra.get("fields") or {"changes": error.message})
    return {}


def _condition_page(
    request: HttpRequest, licence_id: str, code: str, condition_id: int | None
) -> HttpResponse:
    licence = access_licence_by_id(request.user, licence_id)  # the form page audits the view
    row = None
    if condition_id is not None:
        row = licence.conditions.filter(pk=condition_id, valid_to__isnull=True).first()
        if row is None or row.kind == "standard":
            raise NotFoundError()
        code = row.code
    condition = None if code == BESPOKE else catalogue_condition(licence, code)
    if code != BESPOKE and (condition is None or condition.kind != "additional"):
        raise NotFoundError()
    if (
        condition is not None
        and withholds_addresses(request.user, licence)
        and _sensitive(condition)
    ):
        # Zones and addresses of a protected person are for the named roles only (ADR 0307).
        return render(
            request,
            "licences/condition_withheld.html",
            {"licence": licence, "person": licence.person, "condition": condition},
            status=200 if request.method == "GET" else 400,
        )
    if request.method == "GET":
        return _form_page(request, licence, condition=condition, row=row, errors={})
    form = build_form(condition, data=request.POST) if condition else None
    values, problems = read_values(form, request.FILES) if form else ({}, {})
    entry = ConditionEntry(
        code=condition.code if condition else BESPOKE,
        values=values,
        bespoke_text=forms.text(request.POST, "bespoke_text"),
        event_windows=_event_windows(request),
    )
    errors = problems or _save(request, licence, entry, row)
    if not errors:
        messages.success(
            request,
            "Condition saved" if licence.status == LicenceStatus.DRAFT else "Licence varied",
        )
        return redirect("licence", licence_id=licence.pk)
    licence = access_licence_by_id(request.user, licence_id)  # fresh, after the rollback
    return _form_page(request, licence, condition=condition, row=row, errors=errors, form=form)


@access_policy(WRITERS)
@require_http_methods(["GET", "POST"])
def condition_add_page(request: HttpRequest, licence_id: str, code: str) -> HttpResponse:
    return _condition_page(request, licence_id, code, None)


@access_policy(WRITERS)
@require_http_methods(["GET", "POST"])
def condition_change_page(request: HttpRequest, licence_id: str, condition_id: int) -> HttpResponse:
    return _condition_page(request, licence_id, "", condition_id)


@access_policy(WRITERS)
@require_http_methods(["GET", "POST"])
def condition_remove_page(request: HttpRequest, licence_id: str, condition_id: int) -> HttpResponse:
    if request.method == "GET":
        licence = licence_for_form(
            user=request.user, licence_id=licence_id, purpose="remove condition"
        )
    else:
        licence = access_licence_by_id(request.user, licence_id)
    row = licence.conditions.filter(pk=condition_id, valid_to__isnull=True).first()
    if row is None or row.kind == "standard":
        raise NotFoundError()
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            if licence.status == LicenceStatus.DRAFT:
                licence_condition_remove(actor=request.user, licence=licence, condition=row)
            else:
                effective, problem = forms.date_field(
                    request.POST, "effective_from", "the date the change takes effect"
                )
                if problem:
                    raise DomainError(
                        "Check the variation", {"fields": {"effective_from": problem}}
                    )
                licence_vary(
                    actor=request.user,
                    licence=licence,
                    variation=VariationInput(
                        effective, forms.text(request.POST, "reason"), remove=[row.pk]
                    ),
                )
        except DomainError as error:
            errors = _strip(error.extra.get("fields") or {"changes": error.message})
        else:
            messages.success(request, "Condition removed")
            return redirect("licence", licence_id=licence.pk)
        licence = licence_for_form(
            user=request.user, licence_id=licence_id, purpose="remove condition"
        )
    from safeguard.licences.conditions import condition_text

    context = {
        "licence": licence,
        "person": licence.person,
        "row": row,
        "text": condition_text(
            licence, row, withhold_addresses=withholds_addresses(request.user, licence)
        ),
        "varying": licence.status != LicenceStatus.DRAFT,
        "errors": forms.summary(
            errors, {"effective_from": "effective_from-day", "changes": "reason"}
        ),
        "field_errors": errors,
        "reason": forms.text(request.POST, "reason"),
        "effective_from": forms.date_redisplay(request.POST, "effective_from"),
    }
    return render(request, "licences/remove_condition.html", context, status=400 if errors else 200)
