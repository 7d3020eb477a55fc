"""Rules about a child at one event, for many children at once: non_mobile_injury,
unknown_adult, restricted_adult.

Lookups over every event are vectorised (the household at each naming of an adult, the
registration before each injury); what is left in Python runs over few events (alerts,
restrictions).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from itertools import groupby

import numpy as np

from safeguard.safeguarding.engine import explain
from safeguard.safeguarding.engine.ages import is_under, registered_dob
from safeguard.safeguarding.engine.alerts import Alert, RuleStamp
from safeguard.safeguarding.engine.columns import Columns
from safeguard.safeguarding.engine.events import Event, order_key
from safeguard.safeguarding.engine.people import PeopleIndex
from safeguard.safeguarding.engine.rule_sets import RuleSet
from safeguard.safeguarding.engine.timeline import latest_upto, open_at


def _at_each_instant(events: Sequence[Event]) -> Iterator[list[Event]]:
    for _, same in groupby(events, key=lambda e: e.instant):
        yield list(same)


def non_mobile_injuries(cols: Columns, rule_set: RuleSet) -> list[Alert]:
    stamp = RuleStamp.of(rule_set, "non_mobile_injury")
    months = rule_set.non_mobile_injury.under_months
    injuries = cols.of_kinds(["injury"])
    registrations = cols.of_kinds(["child_registered"])
    dobs = [registered_dob(cols.events[i]) for i in registrations.tolist()]
    with_dob = registrations[np.fromiter((d is not None for d in dobs), np.bool_, len(dobs))]
    known = [d for d in dobs if d is not None]
    # The latest registration with a dob at or before each injury (ties: the later in order).
    latest = latest_upto(
        cols.group[with_dob],
        cols.instant[with_dob],
        cols.group[injuries],
        cols.instant[injuries],
        tiebreak=with_dob,
    )
    alerts = []
    for i, reg in zip(injuries.tolist(), latest.tolist(), strict=True):
        injury = cols.events[i]
        mobile = injury.flag("mobile")
        dob = known[reg] if reg >= 0 else None
        if mobile is False or (mobile is None and dob and is_under(dob, injury.local_date, months)):
            alerts.append(
                stamp.alert(
                    child=injury.child,
                    instant=injury.instant,
                    evidence=[injury],
                    explanation=explain.non_mobile_injury(injury, dob, months),
                )
            )
    return alerts


def unknown_adults(cols: Columns, people: PeopleIndex, rule_set: RuleSet) -> list[Alert]:
    stamp = RuleStamp.of(rule_set, "unknown_adult")
    if len(people.named_row) == 0:
        return []
    added = people.subjects(cols, "household_member_added")
    left = people.subjects(cols, "household_member_left")
    member = open_at(
        (people.pair(cols, *added), cols.instant[added[0]]),
        (people.pair(cols, *left), cols.instant[left[0]]),
        people.pair(cols, people.named_row, people.named_person),
        cols.instant[people.named_row],
    )
    unknown: dict[int, dict[str, None]] = defaultdict(dict)  # event row -> adults, in order
    for row, code in zip(
        people.named_row[~member].tolist(), people.named_person[~member].tolist(), strict=True
    ):
        unknown[row][people.names[code]] = None
    return [
        stamp.alert(
            child=cols.events[row].child,
            instant=cols.events[row].instant,
            evidence=[cols.events[row]],
            explanation=explain.unknown_adult(cols.events[row], list(adults)),
        )
        for row, adults in unknown.items()
    ]


def _restricted_person(events: Sequence[Event], person: str, stamp: RuleStamp) -> list[Alert]:
    """One adult around one child, walked in order through the events that mention them."""
    restriction: Event | None = None
    member_since: Event | None = None
    first_named: Event | None = None
    first_associated: Event | None = None
    was_true = False
    alerts = []
    for at_instant in _at_each_instant(events):
        mine = [e for e in at_instant if e.person == person]
        if any(e.kind == "household_member_left" for e in mine):
            member_since = None  # at one instant, leaving applies before joining
        for e in mine:
            if e.kind == "household_member_added" and member_since is None:
                member_since = e
            elif e.kind == "adult_associated" and first_associated is None:
                first_associated = e
            elif e.kind == "adult_restriction" and restriction is None:
                restriction = e
        if first_named is None:
            first_named = next((e for e in at_instant if person in e.people()), None)
        ties = [e for e in (member_since, first_named, first_associated) if e is not None]
        is_true = restriction is not None and bool(ties)
        if is_true and not was_true:
            assert restriction is not None
            tie = min(ties, key=order_key)
            alerts.append(
                stamp.alert(
                    child=restriction.child,
                    instant=at_instant[0].instant,
                    evidence=[restriction, tie],
                    explanation=explain.restricted_adult(person, restriction, tie),
                )
            )
        was_true = is_true
    return alerts


def restricted_adults(cols: Columns, people: PeopleIndex, rule_set: RuleSet) -> list[Alert]:
    """Each (child, person) with a restriction, walked through the events that mention them."""
    stamp = RuleStamp.of(rule_set, "restricted_adult")
    restricted = np.unique(people.pair(cols, *people.subjects(cols, "adult_restriction")))
    if len(restricted) == 0:
        return []
    rows = np.concatenate([people.named_row, people.subject_row])
    pairs = np.concatenate(
        [
            people.pair(cols, people.named_row, people.named_person),
            people.pair(cols, people.subject_row, people.subject_person),
        ]
    )
    mine = np.isin(pairs, restricted)
    rows, pairs = rows[mine], pairs[mine]
    order = np.lexsort((rows, pairs))
    rows, pairs = rows[order], pairs[order]
    starts = np.flatnonzero(np.r_[True, pairs[1:] != pairs[:-1]])
    width = max(len(people.names), 1)
    alerts = []
    for start, stop in zip(starts.tolist(), [*starts[1:].tolist(), len(rows)], strict=True):
        person = people.names[int(pairs[start]) % width]
        events = [cols.events[i] for i in dict.fromkeys(rows[start:stop].tolist())]
        alerts += _restricted_person(events, person, stamp)
    return alerts
