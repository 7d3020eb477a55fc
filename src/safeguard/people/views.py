"""Pages: the caseload home page and the person page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from safeguard.people.selectors import caseload, person_view
from safeguard.site.policy import STAFF, access_policy


@access_policy(STAFF)
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    rows = caseload(user=request.user)
    return render(request, "people/home.html", {"rows": rows})


@access_policy(STAFF)
@require_GET
def person_detail(request: HttpRequest, person_id: str) -> HttpResponse:
    view = person_view(user=request.user, person_id=person_id)
    return render(request, "people/person.html", {"view": view, "person": view.person})
