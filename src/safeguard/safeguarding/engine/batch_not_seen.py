"""child_not_seen for many children at once.

A plan period runs from the moment a child's plan becomes active to the moment it stops
being active (at one instant ends apply before starts, so a plan ended and another started
at the same moment is one period). A clock starts at the period's start and restarts at each
visit with `child_seen: true` inside the period; it stops at the next restart, the period's
end or `as_of`. A clock that ran more than the threshold raises one alert at its start plus the
threshold (contracts.md §3).
"""

from __future__ import annotations

from itertools import groupby

import numpy as np

from safeguard.safeguarding.engine import explain
from safeguard.safeguarding.engine.alerts import Alert, RuleStamp
from safeguard.safeguarding.engine.columns import KIND_CODES, Columns
from safeguard.safeguarding.engine.events import MICROSECONDS_PER_DAY
from safeguard.safeguarding.engine.rule_sets import RuleSet
from safeguard.safeguarding.engine.timeline import Int64s, latest_upto

OPEN = np.iinfo(np.int64).max  # the end of a period still running


def plan_periods(cols: Columns) -> tuple[Int64s, Int64s, Int64s, Int64s]:
    """(child, start, end, row of the cp_plan_started that opened it) of every period."""
    rows = cols.of_kinds(["cp_plan_started", "cp_plan_ended"]).tolist()
    started = KIND_CODES["cp_plan_started"]
    periods: list[tuple[int, int, int, int]] = []
    active, child = False, -1
    for (g, t), same in groupby(rows, key=lambda i: (int(cols.group[i]), int(cols.instant[i]))):
        if g != child:
            active, child = False, g
        at_instant = list(same)
        opening = [i for i in at_instant if cols.kind[i] == started]
        was_active = active
        active = bool(opening)  # ends apply first, so any start at this instant wins
        if was_active and not active:
            periods[-1] = (*periods[-1][:2], t, periods[-1][3])
        elif active and not was_active:
            periods.append((g, t, OPEN, opening[0]))
    if not periods:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty, empty
    group, start, end, row = (
        np.array(column, dtype=np.int64) for column in zip(*periods, strict=True)
    )
    return group, start, end, row


def children_not_seen(cols: Columns, rule_set: RuleSet, limit: int) -> list[Alert]:
    stamp = RuleStamp.of(rule_set, "child_not_seen")
    days = rule_set.child_not_seen.max_days_unseen
    span = days * MICROSECONDS_PER_DAY
    p_group, p_start, p_end, p_row = plan_periods(cols)
    if len(p_group) == 0:
        return []
    visits = cols.of_kinds(["visit"])
    visits = visits[np.isin(cols.group[visits], p_group)]
    seen = visits[[cols.events[i].flag("child_seen") is True for i in visits.tolist()]]
    period = latest_upto(p_group, p_start, cols.group[seen], cols.instant[seen])
    inside = (period >= 0) & (cols.instant[seen] < p_end[np.maximum(period, 0)])
    seen, period = seen[inside], period[inside]
    # Clocks: each period's start and each seen visit in it; a visit wins a tie with the start.
    c_period = np.concatenate([np.arange(len(p_group)), period])
    c_time = np.concatenate([p_start, cols.instant[seen]])
    c_row = np.concatenate([p_row, seen])
    c_visit_first = np.concatenate([np.ones(len(p_group)), np.zeros(len(seen))])
    order = np.lexsort((c_row, c_visit_first, c_time, c_period))
    c_period, c_time, c_row = c_period[order], c_time[order], c_row[order]
    first = np.r_[True, (c_period[1:] != c_period[:-1]) | (c_time[1:] != c_time[:-1])]
    c_period, c_time, c_row = c_period[first], c_time[first], c_row[first]
    same_period_next = np.r_[c_period[1:] == c_period[:-1], False]
    stop = np.minimum(p_end[c_period], limit)
    stop[same_period_next] = c_time[1:][same_period_next[:-1]]
    late = stop - c_time > span  # more than the threshold before the clock stopped
    alerts = []
    for row, started in zip(c_row[late].tolist(), c_time[late].tolist(), strict=True):
        event = cols.events[row]
        alerts.append(
            stamp.alert(
                child=event.child,
                instant=started + span,
                evidence=[event],
                explanation=explain.child_not_seen(event, days),
            )
        )
    return alerts
