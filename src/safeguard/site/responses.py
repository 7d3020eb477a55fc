"""The one not-found page, used for missing and forbidden records alike."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string


def not_found_page(request: HttpRequest) -> HttpResponse:
    body = render_to_string("404.html", {"request": request}, request=None)
    return HttpResponse(body, status=404)
