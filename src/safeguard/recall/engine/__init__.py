"""Pure recall engine: no Django, deterministic, dataclasses in and out.

``assess(case, on)`` says which recalls the law allows for a case on a date, under the
versioned rule-set data files in ``rulesets/`` (see docs/recall-engine.md).
"""

from safeguard.recall.engine.assess import RecallAssessment, assess, assess_with
from safeguard.recall.engine.case import CaseError, RecallCase, parse_case, parse_date
from safeguard.recall.engine.rules import RuleSet, RuleSetError, load_rule_sets

__all__ = [
    "CaseError",
    "RecallAssessment",
    "RecallCase",
    "RuleSet",
    "RuleSetError",
    "assess",
    "assess_with",
    "load_rule_sets",
    "parse_case",
    "parse_date",
]
