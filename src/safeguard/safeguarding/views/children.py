"""The register of children, a child's page and registering a child."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from safeguard.safeguarding.kinds import SPECS
from safeguard.safeguarding.models import Child
from safeguard.safeguarding.selectors import child_page, register
from safeguard.safeguarding.selectors.recording import (
    person_for_registration,
    today,
    unregistered_children,
)
from safeguard.safeguarding.services import child_register
from safeguard.safeguarding.views.common import field_errors, form_page
from safeguard.site.errors import DomainError
from safeguard.site.policy import STAFF, access_policy


def recordable_kinds() -> list[tuple[str, str]]:
    return [(k, s.label) for k, s in SPECS.items() if s.recordable]


@access_policy(STAFF)
@require_GET
def children_register(request: HttpRequest) -> HttpResponse:
    on_plan = request.GET.get("plan") == "1"
    rows = register(user=request.user, on_plan_only=on_plan)
    return render(
        request,
        "safeguarding/register.html",
        {
            "rows": rows,
            "on_plan": on_plan,
            "unregistered": unregistered_children(request.user, today()),
        },
    )


@access_policy(STAFF)
@require_GET
def child_detail(request: HttpRequest, child_id: str) -> HttpResponse:
    page = child_page(user=request.user, child_id=child_id)
    return render(
        request,
        "safeguarding/child.html",
        {"page": page, "child": page.child, "tab": "summary", "kinds": recordable_kinds()},
    )


@access_policy(STAFF)
@require_http_methods(["GET", "POST"])
def child_register_view(request: HttpRequest, person_id: str) -> HttpResponse:
    errors: dict[str, str] = {}
    if request.method == "POST":
        from safeguard.people.access import access_person_by_id

        person = access_person_by_id(request.user, person_id)
        if Child.objects.filter(pk=person.pk).exists():
            return redirect(reverse("child", args=[person.pk]))
        try:
            child = child_register(actor=request.user, person=person)
        except DomainError as exc:
            errors = field_errors(exc)
        else:
            return redirect(reverse("child", args=[child.pk]))
    person = person_for_registration(user=request.user, person_id=person_id)
    if Child.objects.filter(pk=person.pk).exists():
        return redirect(reverse("child", args=[person.pk]))
    return form_page(
        request,
        title=f"Register {person.full_name} as a child known to social care",
        caption="Children",
        fields=[],
        submit="Register the child",
        errors=errors,
        intro="This opens a chronology for the child that every agency can add to. "
        "Their household, plan and contacts are recorded from the child's page.",
        back=reverse("children"),
    )
