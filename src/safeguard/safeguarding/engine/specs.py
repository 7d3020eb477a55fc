"""The window rules of a rule set, in one shape both evaluators share.

A window rule is true at a moment when any of its parts holds over the trailing window that
ends at that moment: at least `min_events` of its events and, when `distinct_by` is set, at
least `min_distinct` different non-empty values of that field (contracts.md §3).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from safeguard.safeguarding.engine import explain
from safeguard.safeguarding.engine.events import MICROSECONDS_PER_DAY, Event
from safeguard.safeguarding.engine.rule_sets import RuleSet


@dataclass(frozen=True, slots=True)
class WindowPart:
    days: int
    min_events: int
    distinct_by: str = ""  # "" (no distinct condition), "agency" or a details key
    min_distinct: int = 0

    @property
    def span(self) -> int:
        """The window length in microseconds: "within N days" is at most N x 24 hours."""
        return self.days * MICROSECONDS_PER_DAY


@dataclass(frozen=True, slots=True)
class WindowRule:
    rule: str
    kinds: frozenset[str]
    settings: frozenset[str] | None  # attendance settings that count; None = all
    parts: tuple[WindowPart, ...]
    noun: str
    plural: str
    describe: explain.Item  # how each event is listed in the explanation
    one_is_enough_on_plan: bool = False  # was_not_brought: a missed appointment during a plan

    def selects(self, event: Event) -> bool:
        return event.kind in self.kinds and (
            self.settings is None or event.text("setting") in self.settings
        )

    def explain(self, part: WindowPart, events: Sequence[Event]) -> str:
        if not part.distinct_by:
            return explain.window_count(self.noun, self.plural, events, part.days, self.describe)
        values = sorted({distinct_value(e, part.distinct_by) for e in events} - {""})
        by = "agencies" if part.distinct_by == "agency" else f"{part.distinct_by}s"
        return explain.window_distinct(self.plural, by, values, events, part.days, self.describe)


def distinct_value(event: Event, by: str) -> str:
    return event.agency if by == "agency" else event.text(by)


def window_rules(rule_set: RuleSet) -> tuple[WindowRule, ...]:
    injury = rule_set.repeat_injury
    attendance = rule_set.repeat_attendance
    concern = rule_set.multi_agency_concern
    missed = rule_set.was_not_brought
    return (
        WindowRule(
            rule="repeat_injury",
            kinds=frozenset({"injury"}),
            settings=None,
            parts=(
                WindowPart(injury.window_days, injury.min_injuries),
                WindowPart(injury.agency_window_days, 1, "agency", injury.min_agencies),
            ),
            noun="injury",
            plural="injuries",
            describe=explain.item,
        ),
        WindowRule(
            rule="repeat_attendance",
            kinds=frozenset({"attendance"}),
            settings=frozenset(attendance.settings),
            parts=(
                WindowPart(attendance.window_days, attendance.min_attendances),
                WindowPart(
                    attendance.provider_window_days, 1, "provider", attendance.min_providers
                ),
            ),
            noun="emergency attendance",
            plural="emergency attendances",
            describe=explain.item_attendance,
        ),
        WindowRule(
            rule="multi_agency_concern",
            kinds=frozenset(concern.kinds),
            settings=None,
            parts=(WindowPart(concern.window_days, 1, "agency", concern.min_agencies),),
            noun="concern",
            plural="concerns",
            describe=explain.item_with_kind,
        ),
        WindowRule(
            rule="was_not_brought",
            kinds=frozenset({"missed_appointment"}),
            settings=None,
            parts=(WindowPart(missed.window_days, missed.min_missed),),
            noun="missed appointment",
            plural="missed appointments",
            describe=explain.item_with_setting,
            one_is_enough_on_plan=missed.one_is_enough_on_plan,
        ),
    )


def window_finding(
    spec: WindowRule,
    holding: Sequence[tuple[WindowPart, list[Event]]],
    missed_on_plan: Sequence[Event],
) -> tuple[list[Event], str]:
    """Evidence and explanation for a window rule that has just become true.

    `holding`: the parts that hold, in the rule's order, each with the events in its window.
    Of those, the widest window names the evidence (it holds the narrower ones' events too);
    on a tie, the first part. `missed_on_plan` is only for was_not_brought: the missed
    appointments at this moment while a plan is active (the part true only at its event).
    """
    if holding:
        part, events = max(holding, key=lambda held: held[0].days)
        text = spec.explain(part, events)
        if missed_on_plan:
            text += "; the latest while the child is on a child protection plan"
        return events, text
    return list(missed_on_plan), explain.missed_on_plan(missed_on_plan)
