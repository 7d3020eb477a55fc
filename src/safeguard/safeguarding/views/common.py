"""Small helpers shared by the pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from safeguard.site.errors import DomainError


def field_errors(exc: DomainError) -> dict[str, str]:
    fields = exc.extra.get("fields")
    if isinstance(fields, dict) and fields:
        return {str(k): str(v) for k, v in fields.items()}
    return {"form": exc.message}


def form_page(
    request: HttpRequest,
    *,
    title: str,
    caption: str,
    fields: list[Any],
    submit: str,
    errors: dict[str, str] | None = None,
    child: Any = None,
    intro: str = "",
    back: str = "",
) -> HttpResponse:
    """The generic one-column form (plan, household, registration)."""
    return render(
        request,
        "safeguarding/form.html",
        {
            "title": title,
            "caption": caption,
            "fields": fields,
            "submit": submit,
            "errors": errors or {},
            "child": child,
            "intro": intro,
            "back": back,
        },
        status=400 if errors else 200,
    )
