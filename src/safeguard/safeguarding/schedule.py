"""Due dates of a child-protection plan: review conferences and statutory visits. Pure Python.

- The first review conference is due within ``first_months`` of the initial conference, each
  later one within ``interval_months`` of the one before (Working Together: 3 then 6).
- A visit is due ``every`` working days after the last visit at which the child was seen (or
  after the plan started, before any such visit). Working days skip weekends and the given
  bank holidays.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, clamped to the month's end (31 Jan + 1 → 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def is_working_day(day: date, holidays: frozenset[date]) -> bool:
    return day.weekday() < 5 and day not in holidays


def add_working_days(day: date, count: int, holidays: frozenset[date]) -> date:
    """The ``count``-th working day after ``day`` (``day`` itself not counted)."""
    current = day
    remaining = count
    while remaining > 0:
        current += timedelta(days=1)
        if is_working_day(current, holidays):
            remaining -= 1
    return current


def working_days_between(start: date, end: date, holidays: frozenset[date]) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when end <= start)."""
    days = 0
    current = start
    while current < end:
        current += timedelta(days=1)
        if is_working_day(current, holidays):
            days += 1
    return days


def review_due(
    initial_conference_on: date,
    reviews_held: Iterable[date],
    *,
    first_months: int,
    interval_months: int,
) -> date:
    held = sorted(reviews_held)
    if not held:
        return add_months(initial_conference_on, first_months)
    return add_months(held[-1], interval_months)


@dataclass(frozen=True)
class Due:
    due_on: date
    overdue: bool
    days_overdue: int  # calendar days past the due date (0 when not overdue)


def due_status(due_on: date, today: date) -> Due:
    late = (today - due_on).days
    return Due(due_on, late > 0, max(late, 0))


def visit_due(
    plan_started_on: date, last_seen_on: date | None, *, every: int, holidays: frozenset[date]
) -> date:
    base = max(plan_started_on, last_seen_on) if last_seen_on else plan_started_on
    return add_working_days(base, every, holidays)
