"""Reference evaluator: the contract's words, literally, for one child. Slow on purpose.

It is the oracle the fast engine is tested against (tests/indicators/test_fast_equals_reference)
and the naive baseline of the benchmark. Every question "is the rule true at moment x?" is
answered by scanning the whole chronology afresh. Moments are counted in half-microseconds:
`x = 2 * instant` is the moment of an event and `x - 1` the moment just before it, finer than
any input time, so no event and no window edge falls between the two. An alert is raised at
each moment its rule goes from false to true (contracts.md §3).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from safeguard.safeguarding.engine import explain
from safeguard.safeguarding.engine.ages import is_under, registered_dob
from safeguard.safeguarding.engine.alerts import Alert, RuleStamp, sort_alerts
from safeguard.safeguarding.engine.events import (
    MICROSECONDS_PER_DAY,
    Event,
    instant_of,
    order_key,
)
from safeguard.safeguarding.engine.rule_sets import RuleSet
from safeguard.safeguarding.engine.specs import (
    WindowPart,
    WindowRule,
    distinct_value,
    window_finding,
    window_rules,
)


class _Chronology:
    """One child's events, asked about the state at a moment x (half-microseconds)."""

    def __init__(self, events: Sequence[Event]) -> None:
        self.events = sorted(events, key=order_key)
        self.instants = sorted({e.instant for e in self.events})

    def upto(self, x: int) -> list[Event]:
        """The state at a moment includes every event at or before it."""
        return [e for e in self.events if 2 * e.instant <= x]

    def _still_open(self, start: str, end: str, person: str | None, x: int) -> Event | None:
        """The earliest `start` at or before x with no `end` after it up to x (an end at the
        same instant as a start does not end it: at one instant ends apply before starts)."""
        seen = [e for e in self.upto(x) if person is None or e.person == person]
        ends = [e.instant for e in seen if e.kind == end]
        for e in seen:
            if e.kind == start and not any(e.instant < t for t in ends):
                return e
        return None

    def member_since(self, person: str, x: int) -> Event | None:
        """The event that added `person` to the current household, or None if not a member."""
        return self._still_open("household_member_added", "household_member_left", person, x)

    def plan_active(self, x: int) -> bool:
        return self._still_open("cp_plan_started", "cp_plan_ended", None, x) is not None


def _window(selected: Sequence[Event], x: int, part: WindowPart) -> list[Event]:
    """Events at or before x and at most the window's length before it."""
    return [e for e in selected if 2 * e.instant <= x and x - 2 * e.instant <= 2 * part.span]


def _holds(part: WindowPart, events: Sequence[Event]) -> bool:
    if len(events) < part.min_events:
        return False
    if not part.distinct_by:
        return True
    values = {distinct_value(e, part.distinct_by) for e in events} - {""}
    return len(values) >= part.min_distinct


def _window_alerts(chron: _Chronology, spec: WindowRule, rule_set: RuleSet) -> list[Alert]:
    stamp = RuleStamp.of(rule_set, spec.rule)
    selected = [e for e in chron.events if spec.selects(e)]

    def state(x: int) -> tuple[list[WindowPart], list[Event]]:
        holding = [p for p in spec.parts if _holds(p, _window(selected, x, p))]
        missed: list[Event] = []
        if spec.one_is_enough_on_plan and chron.plan_active(x):
            missed = [e for e in selected if 2 * e.instant == x]
        return holding, missed

    alerts = []
    for t in chron.instants:
        holding, missed = state(2 * t)
        if not (holding or missed) or any(state(2 * t - 1)):
            continue
        windows = [(p, _window(selected, 2 * t, p)) for p in holding]
        evidence, text = window_finding(spec, windows, missed)
        alerts.append(
            stamp.alert(
                child=selected[0].child,
                instant=t,
                evidence=evidence,
                explanation=text,
            )
        )
    return alerts


def _non_mobile_injuries(chron: _Chronology, rule_set: RuleSet) -> list[Alert]:
    stamp = RuleStamp.of(rule_set, "non_mobile_injury")
    months = rule_set.non_mobile_injury.under_months
    alerts = []
    for injury in (e for e in chron.events if e.kind == "injury"):
        dobs = [
            registered_dob(e)
            for e in chron.upto(2 * injury.instant)
            if e.kind == "child_registered" and registered_dob(e) is not None
        ]
        dob = dobs[-1] if dobs else None
        mobile = injury.flag("mobile")
        if mobile is False or (mobile is None and dob and is_under(dob, injury.local_date, months)):
            text = explain.non_mobile_injury(injury, dob, months)
            alerts.append(
                stamp.alert(
                    child=injury.child,
                    instant=injury.instant,
                    evidence=[injury],
                    explanation=text,
                )
            )
    return alerts


def _unknown_adults(chron: _Chronology, rule_set: RuleSet) -> list[Alert]:
    stamp = RuleStamp.of(rule_set, "unknown_adult")
    alerts = []
    for event in chron.events:
        x = 2 * event.instant
        unknown = [p for p in event.people() if chron.member_since(p, x) is None]
        if unknown:
            text = explain.unknown_adult(event, unknown)
            alerts.append(
                stamp.alert(
                    child=event.child,
                    instant=event.instant,
                    evidence=[event],
                    explanation=text,
                )
            )
    return alerts


def _restricted_adults(chron: _Chronology, rule_set: RuleSet) -> list[Alert]:
    stamp = RuleStamp.of(rule_set, "restricted_adult")
    restricted = [e.person for e in chron.events if e.kind == "adult_restriction" and e.person]

    def state(person: str, x: int) -> tuple[Event, Event] | None:
        """(first restriction, earliest tie still holding) when the rule is true at x."""
        upto = chron.upto(x)
        restrictions = [e for e in upto if e.kind == "adult_restriction" and e.person == person]
        ties = [
            *([m] if (m := chron.member_since(person, x)) else []),
            *[e for e in upto if person in e.people()][:1],
            *[e for e in upto if e.kind == "adult_associated" and e.person == person][:1],
        ]
        if not restrictions or not ties:
            return None
        return restrictions[0], min(ties, key=order_key)

    alerts = []
    for person in dict.fromkeys(restricted):
        for t in chron.instants:
            now = state(person, 2 * t)
            if now and not state(person, 2 * t - 1):
                text = explain.restricted_adult(person, *now)
                alerts.append(
                    stamp.alert(
                        child=now[0].child,
                        instant=t,
                        evidence=now,
                        explanation=text,
                    )
                )
    return alerts


def _children_not_seen(chron: _Chronology, rule_set: RuleSet, limit: int) -> list[Alert]:
    stamp = RuleStamp.of(rule_set, "child_not_seen")
    days = rule_set.child_not_seen.max_days_unseen
    clocks: list[tuple[int, Event]] = []  # (instant the clock (re)starts, the event that did it)
    for t in chron.instants:
        if not chron.plan_active(2 * t):
            continue
        at_t = [e for e in chron.events if e.instant == t]
        seen = [e for e in at_t if e.kind == "visit" and e.flag("child_seen") is True]
        if seen:
            clocks.append((t, seen[0]))
        elif not chron.plan_active(2 * t - 1):
            clocks.append((t, next(e for e in at_t if e.kind == "cp_plan_started")))
    alerts = []
    for i, (start, event) in enumerate(clocks):
        stops = [limit, *(u for u in chron.instants if u > start and not chron.plan_active(2 * u))]
        if i + 1 < len(clocks):
            stops.append(clocks[i + 1][0])
        if min(stops) - start > days * MICROSECONDS_PER_DAY:
            raised = start + days * MICROSECONDS_PER_DAY
            text = explain.child_not_seen(event, days)
            alerts.append(
                stamp.alert(
                    child=event.child,
                    instant=raised,
                    evidence=[event],
                    explanation=text,
                )
            )
    return alerts


def evaluate_child_reference(
    events: Sequence[Event], as_of: datetime, rule_set: RuleSet
) -> list[Alert]:
    """All alerts for one child's events as of a time (later events are ignored)."""
    limit = instant_of(as_of)
    chron = _Chronology([e for e in events if e.instant <= limit])
    if not chron.events:
        return []
    alerts = [
        *_non_mobile_injuries(chron, rule_set),
        *_unknown_adults(chron, rule_set),
        *_restricted_adults(chron, rule_set),
        *_children_not_seen(chron, rule_set, limit),
    ]
    for spec in window_rules(rule_set):
        alerts += _window_alerts(chron, spec, rule_set)
    return sort_alerts(alerts)
