"""Starting, reviewing and ending a child-protection plan."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from safeguard.safeguarding import conf
from safeguard.safeguarding.access import access_child_by_id
from safeguard.safeguarding.forms import FormField, parse_date, with_errors
from safeguard.safeguarding.models import ChildProtectionPlan, PlanCategory, ReviewDecision
from safeguard.safeguarding.selectors.recording import (
    allocated_worker,
    plan_teams,
    recording_context,
    social_workers,
    today,
)
from safeguard.safeguarding.services import plan_end, plan_start, review_conference_record
from safeguard.safeguarding.views.common import field_errors, form_page
from safeguard.site.errors import DomainError, NotFoundError
from safeguard.site.policy import STAFF, access_policy


def _date_field(name: str, label: str, value: object, hint: str = "") -> FormField:
    return FormField(name, label, "date", value or "", hint=hint)


@access_policy(STAFF)
@require_http_methods(["GET", "POST"])
def plan_start_view(request: HttpRequest, child_id: str) -> HttpResponse:
    post = request.POST
    errors: dict[str, str] = {}
    if request.method == "POST":
        child = access_child_by_id(request.user, child_id)
        teams = plan_teams(child, request.user)
        workers = {str(u.pk): u for u in social_workers(teams)}
        worker = workers.get(post.get("social_worker", ""))
        team = next(
            (t for t in teams if worker and t.pk == worker.team_id), teams[0] if teams else None
        )
        started = parse_date(post.get("started_on"))
        initial = parse_date(post.get("initial_conference_on")) or started
        try:
            every = int(post.get("visit_every_working_days") or conf.visit_working_days())
        except ValueError:
            every = 0
        if started is None:
            errors["started_on"] = "Enter the date the plan started"
        if team is None:
            errors["social_worker"] = "The child is not allocated to a social care team"
        if not errors and team is not None and started is not None and initial is not None:
            try:
                plan_start(
                    actor=request.user,
                    child=child,
                    category=post.get("category", ""),
                    started_on=started,
                    initial_conference_on=initial,
                    team=team,
                    social_worker=worker,
                    visit_every_working_days=every,
                )
            except DomainError as exc:
                errors = field_errors(exc)
            else:
                return redirect(reverse("child", args=[child.pk]))
    context = recording_context(user=request.user, child_id=child_id, purpose="start a plan")
    child = context.child
    workers_list = social_workers(plan_teams(child, request.user))
    fields = [
        FormField(
            "category",
            "Category of the plan",
            "radios",
            post.get("category", ""),
            PlanCategory.choices,
        ),
        _date_field(
            "started_on", "Date the plan started", post.get("started_on", today().isoformat())
        ),
        _date_field(
            "initial_conference_on",
            "Date of the initial child protection conference",
            post.get("initial_conference_on", ""),
            "Leave blank if it is the day the plan started",
        ),
        FormField(
            "social_worker",
            "Allocated social worker",
            "select",
            post.get("social_worker", str(allocated_worker(child) or "")),
            [("", "Choose"), *[(str(u.pk), u.display_name) for u in workers_list]],
        ),
        FormField(
            "visit_every_working_days",
            "Visit the child at least every",
            "number",
            post.get("visit_every_working_days", str(conf.visit_working_days())),
            hint="Working days. Local practice: every 10 working days.",
            width="2",
        ),
    ]
    return form_page(
        request,
        title="Start a child protection plan",
        caption=child.person.full_name,
        fields=with_errors(fields, errors),
        submit="Start the plan",
        errors=errors,
        child=child,
        back=reverse("child", args=[child.pk]),
    )


def _open_plan(request: HttpRequest, child_id: str) -> ChildProtectionPlan:
    child = access_child_by_id(request.user, child_id)
    plan = ChildProtectionPlan.objects.filter(child=child, ended_on__isnull=True).first()
    if plan is None:
        raise NotFoundError()
    plan.child = child
    return plan


@access_policy(STAFF)
@require_http_methods(["GET", "POST"])
def plan_end_view(request: HttpRequest, child_id: str) -> HttpResponse:
    post = request.POST
    errors: dict[str, str] = {}
    if request.method == "POST":
        plan = _open_plan(request, child_id)
        ended = parse_date(post.get("ended_on"))
        if ended is None:
            errors["ended_on"] = "Enter the date the plan ended"
        else:
            try:
                plan_end(
                    actor=request.user, plan=plan, ended_on=ended, reason=post.get("reason", "")
                )
            except DomainError as exc:
                errors = field_errors(exc)
            else:
                return redirect(reverse("child", args=[plan.child_id]))
    context = recording_context(user=request.user, child_id=child_id, purpose="end a plan")
    if context.open_plan is None:
        raise NotFoundError()
    fields = [
        _date_field("ended_on", "Date the plan ended", post.get("ended_on", today().isoformat())),
        FormField("reason", "Why the plan ended", "textarea", post.get("reason", "")),
    ]
    return form_page(
        request,
        title="End the child protection plan",
        caption=context.child.person.full_name,
        fields=with_errors(fields, errors),
        submit="End the plan",
        errors=errors,
        child=context.child,
        back=reverse("child", args=[context.child.pk]),
    )


@access_policy(STAFF)
@require_http_methods(["GET", "POST"])
def plan_review_view(request: HttpRequest, child_id: str) -> HttpResponse:
    post = request.POST
    errors: dict[str, str] = {}
    if request.method == "POST":
        plan = _open_plan(request, child_id)
        held = parse_date(post.get("held_on"))
        if held is None:
            errors["held_on"] = "Enter the date of the review conference"
        else:
            try:
                review_conference_record(
                    actor=request.user, plan=plan, held_on=held, decision=post.get("decision", "")
                )
            except DomainError as exc:
                errors = field_errors(exc)
            else:
                return redirect(reverse("child", args=[plan.child_id]))
    context = recording_context(user=request.user, child_id=child_id, purpose="record a review")
    if context.open_plan is None:
        raise NotFoundError()
    fields = [
        _date_field(
            "held_on", "Date of the review conference", post.get("held_on", today().isoformat())
        ),
        FormField(
            "decision", "Decision", "radios", post.get("decision", ""), ReviewDecision.choices
        ),
    ]
    return form_page(
        request,
        title="Record a review child protection conference",
        caption=context.child.person.full_name,
        fields=with_errors(fields, errors),
        submit="Record the review",
        errors=errors,
        child=context.child,
        back=reverse("child", args=[context.child.pk]),
    )
