"""Evaluate the indicator rules: many children at once (batch) or one child (live path)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from safeguard.safeguarding.engine.alerts import Alert, sort_alerts
from safeguard.safeguarding.engine.batch_not_seen import children_not_seen
from safeguard.safeguarding.engine.batch_rules import (
    non_mobile_injuries,
    restricted_adults,
    unknown_adults,
)
from safeguard.safeguarding.engine.batch_windows import PlanIndex, window_alerts
from safeguard.safeguarding.engine.columns import Columns
from safeguard.safeguarding.engine.events import Event, datetime_of, instant_of
from safeguard.safeguarding.engine.gc_pause import collector_paused
from safeguard.safeguarding.engine.people import PeopleIndex
from safeguard.safeguarding.engine.rule_sets import RuleSet, rule_set_on
from safeguard.safeguarding.engine.specs import window_rules


def latest_time(events: Sequence[Event]) -> datetime | None:
    """The default `as_of`: the latest event time (UTC), or None when there are no events."""
    return datetime_of(max(e.instant for e in events)) if events else None


def evaluate_children(
    events: Sequence[Event], as_of: datetime | None = None, rule_set: RuleSet | None = None
) -> list[Alert]:
    """Every alert for every child in `events`, sorted as ALERTS.jsonl is.

    Events after `as_of` (default: the latest event time) are ignored. The rule set defaults
    to the one in force on the `as_of` date.
    """
    as_of = as_of or latest_time(events)
    if as_of is None:
        return []
    limit = instant_of(as_of)
    rule_set = rule_set or rule_set_on(as_of)
    with collector_paused():
        cols = Columns.build(events, limit)
        plans = PlanIndex(cols)
        people = PeopleIndex.build(cols)
        alerts = [
            *non_mobile_injuries(cols, rule_set),
            *unknown_adults(cols, people, rule_set),
            *restricted_adults(cols, people, rule_set),
            *children_not_seen(cols, rule_set, limit),
        ]
        for spec in window_rules(rule_set):
            alerts += window_alerts(cols, spec, rule_set, plans)
        return sort_alerts(alerts)


def evaluate_child(
    events: Sequence[Event], as_of: datetime, rule_set: RuleSet | None = None
) -> list[Alert]:
    """Every alert for one child's whole chronology as of a time (the live path: call it again
    with the child's events whenever one of them is added or corrected)."""
    if len({e.child for e in events}) > 1:
        raise ValueError("evaluate_child takes the events of one child")
    return evaluate_children(events, as_of, rule_set)
