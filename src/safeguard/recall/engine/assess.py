"""Which recalls the law allows for a case on a date (contracts.md §4)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache

from safeguard.recall.engine.case import RecallCase
from safeguard.recall.engine.rules import (
    OUTCOMES,
    Cohort,
    RuleSet,
    load_rule_sets,
    rule_set_in_force,
)


@dataclass(frozen=True, slots=True)
class RecallAssessment:
    """The recalls allowed, and why; ``to_json`` gives the contracts.md §4 output."""

    options: tuple[str, ...]
    fixed_term_mandatory: bool
    fixed_term_days: int | None
    rule_set: str
    reasons: tuple[str, ...]
    exclusions: tuple[str, ...] = ()
    rule_set_confirmed: bool = True
    caveats: tuple[str, ...] = ()

    def to_json(self) -> dict[str, object]:
        """The contract's keys first, then extras (allowed by contracts.md)."""
        return {
            "options": list(self.options),
            "fixed_term_mandatory": self.fixed_term_mandatory,
            "fixed_term_days": self.fixed_term_days,
            "rule_set": self.rule_set,
            "reasons": list(self.reasons),
            "exclusions": list(self.exclusions),
            "rule_set_confirmed": self.rule_set_confirmed,
            "caveats": list(self.caveats),
        }


def _in_contract_order(options: Sequence[str]) -> tuple[str, ...]:
    return tuple(o for o in OUTCOMES if o in options)


def _determinate(case: RecallCase, rule_set: RuleSet, cohort: Cohort) -> RecallAssessment:
    applied = [e for e in cohort.exclusions if e.when.holds(case)]
    days = cohort.fixed_term_days(case)
    fill = {"days": days, "rule_set": rule_set.name}
    caveats = [
        f"The exclusion {e.id!r} is not confirmed from a primary source."
        for e in applied
        if not e.confirmed and rule_set.confirmed
    ]
    if not applied:
        mandatory = cohort.fixed_term == "mandatory"
        options = (
            ["fixed_term", "no_recall"] if mandatory else ["fixed_term", "standard", "no_recall"]
        )
        return RecallAssessment(
            options=_in_contract_order(options),
            fixed_term_mandatory=mandatory,
            fixed_term_days=days,
            reasons=(cohort.reason.format(**fill),),
            caveats=tuple(caveats) + _rule_set_caveat(rule_set),
            rule_set=rule_set.name,
            rule_set_confirmed=rule_set.confirmed,
        )
    reasons = [e.reason for e in applied]
    if cohort.excluded_reason:
        reasons.append(cohort.excluded_reason.format(**fill))
    discretionary = cohort.on_exclusion == "discretionary"
    return RecallAssessment(
        options=_in_contract_order(
            ["fixed_term", "standard", "no_recall"] if discretionary else ["standard", "no_recall"]
        ),
        fixed_term_mandatory=False,
        fixed_term_days=days if discretionary else None,
        reasons=tuple(reasons),
        exclusions=tuple(e.id for e in applied),
        caveats=tuple(caveats) + _rule_set_caveat(rule_set),
        rule_set=rule_set.name,
        rule_set_confirmed=rule_set.confirmed,
    )


def _rule_set_caveat(rule_set: RuleSet) -> tuple[str, ...]:
    if rule_set.confirmed:
        return ()
    return (f"{rule_set.name} is not confirmed from a primary source: check before relying on it.",)


def assess_with(case: RecallCase, on: date, rule_sets: Sequence[RuleSet]) -> RecallAssessment:
    """Assess ``case`` under whichever of ``rule_sets`` is in force on ``on``."""
    rule_set = rule_set_in_force(rule_sets, on)
    if case.sentence_type == "determinate":
        return _determinate(case, rule_set, rule_set.cohort_for(case))
    fixed = rule_set.fixed[case.sentence_type]
    return RecallAssessment(
        options=_in_contract_order(fixed.options),
        fixed_term_mandatory=False,
        fixed_term_days=None,
        rule_set=rule_set.name,
        reasons=(fixed.reason,),
        rule_set_confirmed=rule_set.confirmed,
        caveats=_rule_set_caveat(rule_set),
    )


@cache
def shipped_rule_sets() -> tuple[RuleSet, ...]:
    """The rule sets in the package, loaded once (the files do not change while running)."""
    return load_rule_sets()


def assess(case: RecallCase, on: date) -> RecallAssessment:
    """Assess ``case`` on ``on`` under the rule sets shipped in the package."""
    return assess_with(case, on, shipped_rule_sets())
