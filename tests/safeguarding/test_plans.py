"""Child protection plans: categories, due dates of reviews and visits, settings."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from safeguard.safeguarding.models import ChildProtectionPlan, ChronologyEvent
from safeguard.safeguarding.schedule import (
    add_months,
    add_working_days,
    review_due,
    visit_due,
    working_days_between,
)
from safeguard.safeguarding.selectors import child_page
from safeguard.safeguarding.services import contact_record, plan_start, review_conference_record
from safeguard.safeguarding.timeutil import iso_local
from safeguard.site.errors import DomainError
from tests.safeguarding.helpers import Family, ago, family

HOLIDAYS = frozenset({date(2026, 12, 25), date(2026, 12, 28)})


def test_working_days_skip_weekends_and_bank_holidays() -> None:
    assert add_working_days(date(2026, 11, 27), 1, frozenset()) == date(2026, 11, 30)  # Fri → Mon
    assert add_working_days(date(2026, 12, 21), 10, HOLIDAYS) == date(2027, 1, 6)
    assert working_days_between(date(2026, 12, 21), date(2027, 1, 6), HOLIDAYS) == 10


def test_months_clamp_to_the_end_of_the_month() -> None:
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert add_months(date(2027, 8, 31), 6) == date(2028, 2, 29)


def test_first_review_within_3_months_then_6_monthly() -> None:
    initial = date(2026, 1, 15)
    assert review_due(initial, [], first_months=3, interval_months=6) == date(2026, 4, 15)
    assert review_due(initial, [date(2026, 4, 10)], first_months=3, interval_months=6) == date(
        2026, 10, 10
    )


def test_next_visit_counts_from_the_last_time_the_child_was_seen() -> None:
    assert visit_due(date(2026, 11, 2), None, every=10, holidays=frozenset()) == date(2026, 11, 16)
    assert visit_due(date(2026, 11, 2), date(2026, 11, 9), every=10, holidays=frozenset()) == date(
        2026, 11, 23
    )


def _plan(fam: Family, days_ago: int, **kw: object) -> ChildProtectionPlan:
    started = timezone.localdate() - timedelta(days=days_ago)
    return plan_start(
        actor=fam.sw,
        child=fam.child,
        category="physical",
        started_on=started,
        initial_conference_on=started,
        team=fam.social_care,
        social_worker=fam.sw,
        **kw,  # type: ignore[arg-type]
    )


@pytest.mark.django_db
def test_a_plan_start_is_a_chronology_event_at_local_midnight() -> None:
    fam = family()
    plan = _plan(fam, 30)
    event = ChronologyEvent.objects.get(child=fam.child, kind="cp_plan_started")
    assert event.details == {"category": "physical"}
    assert iso_local(event.occurred_at).startswith(plan.started_on.isoformat() + "T00:00:00")
    with pytest.raises(DomainError):
        _plan(fam, 10)  # already on a plan


@pytest.mark.django_db
def test_overdue_visits_and_reviews_show_on_the_childs_page() -> None:
    fam = family()
    _plan(fam, 120)
    status = child_page(user=fam.sw, child_id=fam.child.pk).status
    assert status is not None and status.visit is not None and status.review is not None
    assert status.visit.overdue and status.review.overdue  # never visited; no review in 3 months
    contact_record(
        actor=fam.sw,
        child=fam.child,
        kind="visit",
        agency="social_care",
        occurred_at=ago(1),
        details={"child_seen": True, "adults_present": []},
    )
    status = child_page(user=fam.sw, child_id=fam.child.pk).status
    assert status is not None and status.visit is not None
    assert not status.visit.overdue and status.last_seen_on == ago(1).date()
    # A visit where the child was not seen does not stop the clock.
    contact_record(
        actor=fam.sw,
        child=fam.child,
        kind="visit",
        agency="social_care",
        occurred_at=ago(0.1),
        details={"child_seen": False, "adults_present": []},
    )
    status = child_page(user=fam.sw, child_id=fam.child.pk).status
    assert status is not None and status.last_seen_on == ago(1).date()


@pytest.mark.django_db
def test_a_review_deciding_to_end_ends_the_plan() -> None:
    fam = family()
    plan = _plan(fam, 100)
    review_conference_record(actor=fam.sw, plan=plan, held_on=timezone.localdate(), decision="end")
    plan.refresh_from_db()
    assert plan.ended_on == timezone.localdate()
    assert ChronologyEvent.objects.filter(child=fam.child, kind="cp_plan_ended").count() == 1


@pytest.mark.django_db
def test_visit_frequency_is_a_setting(settings: object) -> None:
    settings.SAFEGUARDING_VISIT_WORKING_DAYS = 5  # type: ignore[attr-defined]
    fam = family()
    assert _plan(fam, 3).visit_every_working_days == 5
