"""Property: the vectorised engine gives exactly the alerts of the literal reference evaluator.

Random chronologies are drawn on a coarse grid of days with tiny jitters (a microsecond, a
second) so that window edges, ties at one instant, clock changes and offsets come up often;
random rule sets move every threshold, so nothing is tuned to the defaults.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safeguard.safeguarding.engine import (
    Event,
    RuleSet,
    evaluate_child_reference,
    evaluate_children,
    shipped_rule_sets,
    sort_alerts,
)

BASE = datetime(2009, 3, 1, tzinfo=UTC)
PEOPLE = ["P-1", "P-2", "P-3"]
OFFSETS = [UTC, timezone(timedelta(hours=1)), timezone(timedelta(hours=-5))]
JITTERS = [
    timedelta(0),
    timedelta(microseconds=1),
    timedelta(microseconds=-1),
    timedelta(seconds=1),
]


def _details(kind: str) -> st.SearchStrategy[dict[str, Any]]:
    person = st.sampled_from(PEOPLE)
    adults = st.lists(st.sampled_from([*PEOPLE, ""]), max_size=3)
    by_kind: dict[str, st.SearchStrategy[dict[str, Any]]] = {
        "child_registered": st.fixed_dictionaries(
            {"dob": st.sampled_from(["2008-09-30", "2008-12-31", "2009-02-28", "2009-13-01"])}
        ),
        "household_member_added": st.fixed_dictionaries({"person": person}),
        "household_member_left": st.fixed_dictionaries({"person": person}),
        "adult_restriction": st.fixed_dictionaries({"person": person}),
        "adult_associated": st.fixed_dictionaries({"person": person}),
        "visit": st.fixed_dictionaries(
            {"child_seen": st.sampled_from([True, True, False, None]), "adults_present": adults}
        ),
        "police_callout": st.fixed_dictionaries({"adults_present": adults}),
        "injury": st.fixed_dictionaries({"mobile": st.sampled_from([True, False, None, "no"])}),
        "attendance": st.fixed_dictionaries(
            {
                "setting": st.sampled_from(["emergency_department", "urgent_care", "gp"]),
                "provider": st.sampled_from(["North", "South", ""]),
            }
        ),
        "missed_appointment": st.fixed_dictionaries({"setting": st.just("gp")}),
    }
    return by_kind.get(kind, st.just({}))


KINDS = [
    "child_registered",
    "cp_plan_started",
    "cp_plan_ended",
    "household_member_added",
    "household_member_left",
    "visit",
    "injury",
    "attendance",
    "missed_appointment",
    "police_callout",
    "concern",
    "adult_restriction",
    "adult_associated",
]


@st.composite
def events_of(draw: st.DrawFn, child: str) -> list[Event]:
    """A child's events: a few kinds at a time, densely, on whole days or a hair off them."""
    kinds = draw(st.lists(st.sampled_from(KINDS), min_size=1, max_size=5, unique=True))
    count = draw(st.integers(0, 20))
    events = []
    for k in range(count):
        kind = draw(st.sampled_from(kinds))
        at = BASE + timedelta(days=draw(st.integers(0, 16))) + draw(st.sampled_from(JITTERS))
        events.append(
            Event(
                id=f"{child}-{k}",
                child=child,
                at=at.astimezone(draw(st.sampled_from(OFFSETS))),
                kind=kind,
                agency=draw(st.sampled_from(["health", "police", "education", ""])),
                details=draw(_details(kind)),
                seq=k,
            )
        )
    return events


@st.composite
def rule_sets(draw: st.DrawFn) -> RuleSet:
    base = shipped_rule_sets()[0]
    days = st.integers(1, 6)
    few = st.integers(1, 4)

    def change(rule: Any, **values: Any) -> Any:
        return dataclasses.replace(rule, **values)

    return dataclasses.replace(
        base,
        version="random",
        non_mobile_injury=change(base.non_mobile_injury, under_months=draw(st.integers(1, 8))),
        repeat_injury=change(
            base.repeat_injury,
            window_days=draw(days),
            min_injuries=draw(few),
            agency_window_days=draw(days),
            min_agencies=draw(few),
        ),
        repeat_attendance=change(
            base.repeat_attendance,
            window_days=draw(days),
            min_attendances=draw(few),
            provider_window_days=draw(days),
            min_providers=draw(few),
            settings=tuple(
                draw(
                    st.lists(
                        st.sampled_from(["emergency_department", "urgent_care", "gp"]),
                        min_size=1,
                        unique=True,
                    )
                )
            ),
        ),
        was_not_brought=change(
            base.was_not_brought,
            window_days=draw(days),
            min_missed=draw(few),
            one_is_enough_on_plan=draw(st.booleans()),
        ),
        multi_agency_concern=change(
            base.multi_agency_concern, window_days=draw(days), min_agencies=draw(few)
        ),
        child_not_seen=change(base.child_not_seen, max_days_unseen=draw(days)),
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    children=st.tuples(events_of("C-1"), events_of("C-2")),
    rule_set=st.one_of(st.just(shipped_rule_sets()[0]), rule_sets()),
    as_of_days=st.integers(0, 20),
    as_of_jitter=st.sampled_from(JITTERS),
    file_like_order=st.booleans(),
    data=st.data(),
)
def test_the_engine_equals_the_reference(
    children: tuple[list[Event], ...],
    rule_set: RuleSet,
    as_of_days: int,
    as_of_jitter: timedelta,
    file_like_order: bool,
    data: st.DataObject,
) -> None:
    events = [e for chronology in children for e in chronology]
    if file_like_order:  # seq follows position, as the lines of a file do
        events = [dataclasses.replace(e, seq=n) for n, e in enumerate(events)]
    else:  # any order; seq still orders each child's events at one instant
        events = data.draw(st.permutations(events))
    as_of = BASE + timedelta(days=as_of_days) + as_of_jitter
    expected = sort_alerts(
        a
        for child in ("C-1", "C-2")
        for a in evaluate_child_reference([e for e in events if e.child == child], as_of, rule_set)
    )
    assert evaluate_children(events, as_of, rule_set) == expected


@settings(max_examples=40, deadline=None)
@given(events=events_of("C-1"), data=st.data())
def test_input_order_does_not_matter_when_positions_are_given(
    events: list[Event], data: st.DataObject
) -> None:
    shuffled = data.draw(st.permutations(events))
    as_of = BASE + timedelta(days=20)
    assert evaluate_children(shuffled, as_of) == evaluate_children(events, as_of)
