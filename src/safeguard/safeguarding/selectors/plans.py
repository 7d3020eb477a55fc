"""A plan's due dates (review conference, next visit) as of a day."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Max

from safeguard.safeguarding import conf
from safeguard.safeguarding.models import ChildProtectionPlan, ChronologyEvent, EventKind
from safeguard.safeguarding.schedule import Due, due_status, review_due, visit_due
from safeguard.safeguarding.timeutil import local_date


@dataclass(frozen=True)
class PlanStatus:
    plan: ChildProtectionPlan
    reviews_held: list[date]
    review: Due | None  # None once the plan has ended
    last_seen_on: date | None
    visit: Due | None


def last_seen_visits(child_ids: Iterable[Any]) -> dict[str, date]:
    """The latest visit at which each child was seen, as a local date (one query)."""
    rows = (
        ChronologyEvent.objects.filter(
            child_id__in=list(child_ids), kind=EventKind.VISIT, details__child_seen=True
        )
        .values("child_id")
        .annotate(last=Max("occurred_at"))
    )
    return {str(r["child_id"]): local_date(r["last"]) for r in rows}


def plan_status(
    plan: ChildProtectionPlan, reviews_held: list[date], last_seen_on: date | None, today: date
) -> PlanStatus:
    if plan.ended_on is not None:
        return PlanStatus(plan, reviews_held, None, last_seen_on, None)
    review = review_due(
        plan.initial_conference_on,
        reviews_held,
        first_months=conf.first_review_months(),
        interval_months=conf.review_interval_months(),
    )
    visit = visit_due(
        plan.started_on,
        last_seen_on,
        every=plan.visit_every_working_days,
        holidays=conf.bank_holidays(),
    )
    return PlanStatus(
        plan, reviews_held, due_status(review, today), last_seen_on, due_status(visit, today)
    )
