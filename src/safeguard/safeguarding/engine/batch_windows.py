"""Window rules for many children at once (repeat_injury, repeat_attendance,
multi_agency_concern, was_not_brought).

A window rule R is true at moment x when a part holds over the events in [x - span, x]. R only
becomes true at an event (windows gain events only there) and, between events, can only lose
events. So R goes from false to true exactly at the event instants t where R(t) holds and its
value just before t does not; just before t the window holds the events in [t - span, t). Both
are counts of sorted instants, answered for every event at once by `timeline.count_upto`.

Different values in a window are counted through first occurrences: event i is the first of
its value in the window at x when t_i <= x <= t_i + span and the previous event with the same
value (at tp) is out of the window (x > tp + span). So i adds one to the distinct count on an
interval of x, and the count at x is the number of intervals that contain x.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from safeguard.safeguarding.engine.alerts import Alert, RuleStamp
from safeguard.safeguarding.engine.columns import Columns
from safeguard.safeguarding.engine.rule_sets import RuleSet
from safeguard.safeguarding.engine.specs import (
    WindowPart,
    WindowRule,
    window_finding,
)
from safeguard.safeguarding.engine.timeline import NONE, Int64s, count_upto, open_at

Bools = NDArray[np.bool_]


class PlanIndex:
    """Whether a CP plan is active at given moments, for many children at once."""

    def __init__(self, cols: Columns) -> None:
        starts = cols.of_kinds(["cp_plan_started"])
        ends = cols.of_kinds(["cp_plan_ended"])
        self._starts = (cols.group[starts], cols.instant[starts])
        self._ends = (cols.group[ends], cols.instant[ends])

    def active(self, group: Int64s, instant: Int64s) -> Bools:
        return open_at(self._starts, self._ends, group, instant)


def text_values(cols: Columns, rows: Int64s, key: str) -> list[str]:
    """`agency`, or a string detail ("" when absent or not a string), of each row's event:
    Event.text inlined, as this runs over every event a rule selects."""
    if key == "agency":
        return [cols.events[i].agency for i in rows.tolist()]
    events = cols.events
    return [v if isinstance(v := events[i].details.get(key), str) else "" for i in rows.tolist()]


def _distinct(
    cols: Columns, rows: Int64s, group: Int64s, instant: Int64s, part: WindowPart
) -> tuple[Int64s, Int64s]:
    """Different non-empty values of `part.distinct_by` in the window at and just before each
    row's instant."""
    values = text_values(cols, rows, part.distinct_by)
    codes = {value: code for code, value in enumerate(dict.fromkeys(values))}
    codes[""] = -1
    value = np.fromiter(map(codes.__getitem__, values), np.int64, count=len(rows))
    keep = value >= 0
    g, t, v = group[keep], instant[keep], value[keep]
    order = np.lexsort((np.arange(len(t)), t, v, g))
    same = (g[order][1:] == g[order][:-1]) & (v[order][1:] == v[order][:-1])
    previous = np.full(len(t), NONE, dtype=np.int64)
    previous[order[1:]] = np.where(same, t[order][:-1], NONE)
    has_previous = previous != NONE
    out_of_window = np.where(has_previous, previous, 0) + part.span + 1
    end = t + part.span
    counts = []
    for first in (t, t + 1):  # at the instant, and just before it
        start = np.where(has_previous, np.maximum(first, out_of_window), first)
        valid = start <= end
        entered = count_upto(g[valid], start[valid], group, instant, inclusive=True)
        left = count_upto(g[valid], end[valid], group, instant, inclusive=False)
        counts.append(entered - left)
    return counts[0], counts[1]


def window_alerts(
    cols: Columns, spec: WindowRule, rule_set: RuleSet, plans: PlanIndex
) -> list[Alert]:
    stamp = RuleStamp.of(rule_set, spec.rule)
    rows = cols.of_kinds(spec.kinds)
    if spec.settings is not None:
        settings = spec.settings
        rows = rows[[value in settings for value in text_values(cols, rows, "setting")]]
    if len(rows) == 0:
        return []
    g, t = cols.group[rows], cols.instant[rows]
    upto_now = count_upto(g, t, g, t, inclusive=True)
    upto_before = count_upto(g, t, g, t, inclusive=False)
    now = np.zeros(len(rows), dtype=np.bool_)
    before = np.zeros(len(rows), dtype=np.bool_)
    holds: list[Bools] = []
    window_start: list[Int64s] = []
    for part in spec.parts:
        gone = count_upto(g, t, g, t - part.span, inclusive=False)
        holds_now = upto_now - gone >= part.min_events
        holds_before = upto_before - gone >= part.min_events
        if part.distinct_by:
            distinct_now, distinct_before = _distinct(cols, rows, g, t, part)
            holds_now &= distinct_now >= part.min_distinct
            holds_before &= distinct_before >= part.min_distinct
        holds.append(holds_now)
        window_start.append(gone)
        now |= holds_now
        before |= holds_before
    on_plan = np.zeros(len(rows), dtype=np.bool_)
    if spec.one_is_enough_on_plan:
        on_plan = plans.active(g, t)
        now |= on_plan
    first_at_instant = np.r_[True, (g[1:] != g[:-1]) | (t[1:] != t[:-1])]
    raised = np.flatnonzero(now & ~before & first_at_instant)
    # Positions in `rows` of each raised alert's windows, as plain lists for the Python loop.
    base = np.searchsorted(g, g[raised], side="left")
    upto = (base + upto_now[raised]).tolist()
    now_at = (base + upto_before[raised]).tolist()
    starts = [(base + gone[raised]).tolist() for gone in window_start]
    held = [h[raised].tolist() for h in holds]
    on_plan_at = on_plan[raised].tolist()
    children = [cols.children[code] for code in g[raised].tolist()]
    instants = t[raised].tolist()
    events, at = cols.events, rows.tolist()
    alerts = []
    for n in range(len(raised)):
        hi = upto[n]
        holding = [
            (part, [events[i] for i in at[starts[k][n] : hi]])
            for k, part in enumerate(spec.parts)
            if held[k][n]
        ]
        missed = [events[i] for i in at[now_at[n] : hi]] if on_plan_at[n] else []
        evidence, text = window_finding(spec, holding, missed)
        alerts.append(
            stamp.alert(child=children[n], instant=instants[n], evidence=evidence, explanation=text)
        )
    return alerts
