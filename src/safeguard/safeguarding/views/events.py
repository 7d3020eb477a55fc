"""Recording an event from any agency, and reading or annotating one."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods

from safeguard.safeguarding.access import access_child_by_id, access_event
from safeguard.safeguarding.bodymap import Outline, body_map_svg, outline_named
from safeguard.safeguarding.forms import (
    NEW_ADULT_ROWS,
    FormField,
    agency_choices,
    default_agency,
    detail_fields,
    details_from_post,
    new_adults_from_post,
    occurred_at_from_post,
    with_errors,
)
from safeguard.safeguarding.kinds import SPECS, KindSpec, detail_problems
from safeguard.safeguarding.selectors import event_page
from safeguard.safeguarding.selectors.chronology import default_outline
from safeguard.safeguarding.selectors.recording import recording_context, today
from safeguard.safeguarding.services import chronology_event_annotate, contact_record
from safeguard.safeguarding.views.common import field_errors
from safeguard.site.errors import DomainError, NotFoundError
from safeguard.site.policy import STAFF, access_policy


def _names_adults(spec: KindSpec) -> bool:
    return spec.field("adults_present") is not None or spec.field("person") is not None


def _new_adult_rows(post: QueryDict, errors: dict[str, str], count: int) -> list[list[FormField]]:
    rows = []
    for i in range(1, count + 1):
        row = [
            FormField(
                f"adult_given_{i}",
                "First name",
                "text",
                post.get(f"adult_given_{i}", ""),
                width="10",
            ),
            FormField(
                f"adult_family_{i}",
                "Last name",
                "text",
                post.get(f"adult_family_{i}", ""),
                width="10",
            ),
            FormField(
                f"adult_dob_{i}", "Date of birth, if known", "date", post.get(f"adult_dob_{i}", "")
            ),
        ]
        rows.append(with_errors(row, errors))
    return rows


@access_policy(STAFF)
@require_http_methods(["GET", "POST"])
def event_new(request: HttpRequest, child_id: str, kind: str) -> HttpResponse:
    spec = SPECS.get(kind)
    if spec is None or not spec.recordable:
        raise NotFoundError()
    post = request.POST
    errors: dict[str, str] = {}
    if request.method == "POST":
        child = access_child_by_id(request.user, child_id)
        occurred_at = occurred_at_from_post(post, errors)
        details, detail_errors = details_from_post(spec, post)
        errors.update(detail_errors)
        if errors:  # show every mistake at once, not only the date's
            errors.update(
                {k: v for k, v in detail_problems(kind, details).items() if k not in errors}
            )
        new_adults = new_adults_from_post(post, errors) if _names_adults(spec) else []
        if not errors and occurred_at is not None:
            try:
                event = contact_record(
                    actor=request.user,
                    child=child,
                    kind=kind,
                    agency=post.get("agency", ""),
                    occurred_at=occurred_at,
                    details=details,
                    new_adults=new_adults,
                    narrative=post.get("narrative", ""),
                    significant=post.get("significant") == "1",
                    action_taken=post.get("action_taken", ""),
                )
            except DomainError as exc:
                errors = field_errors(exc)
            else:
                return redirect(reverse("child-chronology", args=[child.pk]) + f"#e{event.pk}")
    context = recording_context(
        user=request.user, child_id=child_id, purpose=f"record {spec.label.lower()}"
    )
    child = context.child
    values = {k: post.get(k, "") for k in post} if request.method == "POST" else {}
    outline = outline_named(post.get("outline")) or default_outline(child, today())
    people = [(a.person_id, f"{a.name} ({a.note})") for a in context.adults]
    fields = with_errors(detail_fields(spec, values, people), errors)
    body_map = ""
    if kind == "injury":
        body_map = mark_safe(  # noqa: S308  # nosec B308 B703 - body_map_svg escapes every value
            body_map_svg(
                outline,
                selected=post.get("site", ""),
                interactive=True,
                title="Click where the injury is",
            )
        )
    return render(
        request,
        "safeguarding/event_form.html",
        {
            "child": child,
            "spec": spec,
            "kind": kind,
            "fields": fields,
            "errors": errors,
            "post": post,
            "agency": FormField(
                "agency",
                "Which agency is this from?",
                "select",
                post.get("agency", default_agency(request.user)),
                agency_choices(),
            ),
            "adults": context.adults if spec.field("adults_present") else [],
            "adults_field": spec.field("adults_present") is not None,
            "adults_checked": post.getlist("adults_present"),
            "new_adult_rows": _new_adult_rows(
                post, errors, 1 if spec.field("person") else NEW_ADULT_ROWS
            )
            if _names_adults(spec)
            else [],
            "body_map": body_map,
            "outline": outline.value,
            "outlines": [(o.value, o.value.capitalize()) for o in Outline],
            "today": today().isoformat(),
        },
        status=400 if errors else 200,
    )


@access_policy(STAFF)
@require_http_methods(["GET", "POST"])
def event_detail(request: HttpRequest, child_id: str, event_id: int) -> HttpResponse:
    errors: dict[str, str] = {}
    back = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = ""
    if request.method == "POST":
        event = access_event(request.user, child_id, event_id)
        try:
            chronology_event_annotate(
                actor=request.user,
                event=event,
                significant=request.POST.get("significant") == "1",
                action_taken=request.POST.get("action_taken", ""),
            )
        except DomainError as exc:
            errors = field_errors(exc)
        else:
            return redirect(
                back or reverse("child-chronology", args=[event.child_id]) + f"#e{event.pk}"
            )
    page = event_page(user=request.user, child_id=child_id, event_id=event_id)
    return render(
        request,
        "safeguarding/event.html",
        {"row": page.row, "child": page.row.event.child, "errors": errors, "next": back},
        status=400 if errors else 200,
    )
