"""The chronology, the story view, the body map and exports."""

from __future__ import annotations

from itertools import groupby
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods

from safeguard.safeguarding.access import access_child_by_id
from safeguard.safeguarding.bodymap import Outline, body_map_svg, outline_named
from safeguard.safeguarding.exports import chronology_export
from safeguard.safeguarding.forms import (
    FormField,
    agency_choices,
    filters_from_query,
    filters_query,
    kind_choices,
    page_number,
    with_errors,
)
from safeguard.safeguarding.selectors import body_map_page, chronology_page
from safeguard.safeguarding.selectors.recording import recording_context
from safeguard.safeguarding.views.common import field_errors
from safeguard.site.errors import DomainError
from safeguard.site.policy import STAFF, access_policy


def _filter_context(request: HttpRequest) -> dict[str, Any]:
    filters = filters_from_query(request.GET)
    return {
        "filters": filters,
        "agency_choices": agency_choices(),
        "kind_choices": kind_choices(),
        "query": filters_query(filters),
    }


@access_policy(STAFF)
@require_GET
def chronology_view(request: HttpRequest, child_id: str) -> HttpResponse:
    ctx = _filter_context(request)
    page = chronology_page(
        user=request.user,
        child_id=child_id,
        filters=ctx["filters"],
        page=page_number(request.GET),
    )
    return render(
        request,
        "safeguarding/chronology.html",
        {**ctx, "page": page, "child": page.child, "tab": "chronology"},
    )


@access_policy(STAFF)
@require_GET
def story_view(request: HttpRequest, child_id: str) -> HttpResponse:
    ctx = _filter_context(request)
    page = chronology_page(
        user=request.user,
        child_id=child_id,
        filters=ctx["filters"],
        page=page_number(request.GET),
        story=True,
    )
    months = [
        (rows[0].when, rows)
        for _, group in groupby(page.rows, key=lambda r: (r.when.year, r.when.month))
        for rows in [list(group)]
    ]
    return render(
        request,
        "safeguarding/story.html",
        {**ctx, "page": page, "child": page.child, "months": months, "tab": "story"},
    )


@access_policy(STAFF)
@require_GET
def body_map_view(request: HttpRequest, child_id: str) -> HttpResponse:
    ctx = _filter_context(request)
    chosen = request.GET.get("outline")
    page = body_map_page(
        user=request.user,
        child_id=child_id,
        outline=outline_named(chosen),
        filters=ctx["filters"],
    )
    svg = mark_safe(  # noqa: S308  # nosec B308 B703 - body_map_svg escapes every value
        body_map_svg(page.outline, page.marks, title="Injuries recorded by every agency")
    )
    return render(
        request,
        "safeguarding/body_map.html",
        {
            **ctx,
            "page": page,
            "child": page.child,
            "svg": svg,
            "outlines": [(o.value, o.value.capitalize()) for o in Outline],
            "tab": "body-map",
        },
    )


@access_policy(STAFF)
@require_http_methods(["GET", "POST"])
def export_view(request: HttpRequest, child_id: str) -> HttpResponse:
    """GET: the form (purpose and recipients are required). POST: the file, audited."""
    source = request.POST if request.method == "POST" else request.GET
    filters = filters_from_query(source)
    errors: dict[str, str] = {}
    if request.method == "POST":
        child = access_child_by_id(request.user, child_id)
        try:
            made = chronology_export(
                actor=request.user,
                child=child,
                fmt=source.get("format", ""),
                purpose=source.get("purpose", ""),
                recipients=[source.get("recipients", "")],
                filters=filters,
            )
        except DomainError as exc:
            errors = field_errors(exc)
        else:
            response = HttpResponse(made.content, content_type=made.content_type)
            response["Content-Disposition"] = f'attachment; filename="{made.filename}"'
            response["Cache-Control"] = "no-store"
            return response
    context = recording_context(
        user=request.user, child_id=child_id, purpose="export the chronology"
    )
    fields = [
        FormField(
            "format",
            "Format",
            "radios",
            source.get("format", "pdf"),
            [("pdf", "PDF (for a conference or review)"), ("csv", "CSV (a spreadsheet)")],
        ),
        FormField(
            "purpose",
            "Why are you exporting the chronology?",
            "textarea",
            source.get("purpose", ""),
            hint="For example: initial child protection conference on 3 June",
        ),
        FormField(
            "recipients",
            "Who will receive it?",
            "text",
            source.get("recipients", ""),
            hint="People or meetings, for the disclosure log",
            width="two-thirds",
        ),
    ]
    return render(
        request,
        "safeguarding/export.html",
        {
            "child": context.child,
            "fields": with_errors(fields, errors),
            "errors": errors,
            "filters": filters,
            "query": filters_query(filters),
            "tab": "chronology",
        },
        status=400 if errors else 200,
    )
