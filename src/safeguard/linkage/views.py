"""Linkage review pages: the queue, the side-by-side comparison, a master person, and the
forms that decide a pair, undo a change and take a record out of a master person."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from safeguard.linkage.access import (
    REVIEWERS,
    access_event_by_id,
    access_master_by_id,
    access_pair_by_id,
)
from safeguard.linkage.selectors import master_view, pair_view, review_queue
from safeguard.linkage.services import event_undo, master_unmerge, pair_decide
from safeguard.people.models import Person
from safeguard.site.errors import DomainError
from safeguard.site.policy import access_policy


@access_policy(REVIEWERS)
@require_GET
def queue_page(request: HttpRequest) -> HttpResponse:
    return render(request, "linkage/queue.html", {"queue": review_queue(request.user)})


def _pair_page(
    request: HttpRequest, pair_id: str, errors: dict[str, str], status: int = 200
) -> HttpResponse:
    view = pair_view(request.user, pair_id)
    context: dict[str, Any] = {
        "view": view,
        "errors": errors,
        "values": request.POST if errors else {},
    }
    return render(request, "linkage/pair.html", context, status=status)


@access_policy(REVIEWERS)
@require_GET
def pair_page(request: HttpRequest, pair_id: str) -> HttpResponse:
    return _pair_page(request, pair_id, {})


@access_policy(REVIEWERS)
@require_POST
def pair_decide_page(request: HttpRequest, pair_id: str) -> HttpResponse:
    pair = access_pair_by_id(request.user, pair_id)
    try:
        pair_decide(
            actor=request.user,
            pair=pair,
            decision=request.POST.get("decision", ""),
            reason=request.POST.get("reason", ""),
        )
    except DomainError as error:
        fields = error.extra.get("fields")
        errors = dict(fields) if isinstance(fields, dict) else {"form": error.message}
        return _pair_page(request, pair_id, errors, status=400)
    messages.success(request, "Decision recorded")
    return redirect("linkage-pair", pair_id=pair.pk)


@access_policy(REVIEWERS)
@require_POST
def event_undo_page(request: HttpRequest, event_id: int) -> HttpResponse:
    event = access_event_by_id(request.user, event_id)
    try:
        event_undo(actor=request.user, event=event, reason=request.POST.get("reason", ""))
        messages.success(request, "Change undone")
    except DomainError as error:
        messages.error(request, error.message)
    if event.pair_id is not None:
        return redirect("linkage-pair", pair_id=event.pair_id)
    return redirect("linkage-master", master_id=event.master_id)


@access_policy(REVIEWERS)
@require_GET
def master_page(request: HttpRequest, master_id: str) -> HttpResponse:
    return render(request, "linkage/master.html", {"view": master_view(request.user, master_id)})


@access_policy(REVIEWERS)
@require_http_methods(["POST"])
def master_unmerge_page(request: HttpRequest, master_id: str) -> HttpResponse:
    master = access_master_by_id(request.user, master_id)
    person = (
        Person.objects.filter(
            pk__in=[m.person_id for m in master.members.all()],
        )
        .filter(pk=_uuid_or_none(request.POST.get("person", "")))
        .first()
    )
    try:
        if person is None:
            raise DomainError("Choose a record to take out")
        master_unmerge(
            actor=request.user, master=master, person=person, reason=request.POST.get("reason", "")
        )
        messages.success(request, "Record taken out of the master person")
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("linkage-master", master_id=master.pk)


def _uuid_or_none(value: str) -> Any:
    import uuid

    try:
        return uuid.UUID(value)
    except ValueError:
        return None
