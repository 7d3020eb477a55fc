"""The one not-found page, used for missing and forbidden records alike."""

from __future__ import annotations

import re

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

_PERSON_PATH = re.compile(r"^/people/([^/]+)$")


def not_found_page(request: HttpRequest) -> HttpResponse:
    # Rendered without the request's user context, so the body is the same for a missing record
    # and a forbidden one. Every person URL offers break-glass, whether or not it exists.
    match = _PERSON_PATH.match(request.path)
    context = {"break_glass_url": f"{match.group(0)}/break-glass" if match else ""}
    body = render_to_string("404.html", context, request=None)
    return HttpResponse(body, status=404)
