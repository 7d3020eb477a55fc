"""Error handlers: plain pages, no details that could leak."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from safeguard.site.responses import not_found_page


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return not_found_page(request)


def server_error(request: HttpRequest) -> HttpResponse:
    return HttpResponse(render_to_string("500.html"), status=500)
