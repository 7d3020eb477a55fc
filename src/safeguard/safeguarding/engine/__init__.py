"""Pure safeguarding engine: the indicator rules of contracts.md §3. No Django, deterministic,
dataclasses in and out. See docs/indicators-engine.md.

- `parse_lines`: EVENTS.jsonl lines to `Event`s and `Reject`s.
- `evaluate_child`: one child's alerts (the live path: re-run when one of its events changes).
- `evaluate_children`: many children at once (the batch path, vectorised with numpy).
- `evaluate_child_reference`: the contract read literally; slow; the oracle of the tests.
- `run_check`: `safeguard indicators check` over files.
- `rule_set_on` / `rule_set_version` / `load_rule_sets`: the versioned rule sets.
"""

from safeguard.safeguarding.engine.alerts import Alert, RuleStamp, sort_alerts
from safeguard.safeguarding.engine.check_file import (
    CheckSummary,
    UnusableInputError,
    errors_path_for,
    run_check,
)
from safeguard.safeguarding.engine.evaluate import evaluate_child, evaluate_children, latest_time
from safeguard.safeguarding.engine.events import AGENCIES, KINDS, Event
from safeguard.safeguarding.engine.parse import ParsedEvents, Reject, parse_event, parse_lines
from safeguard.safeguarding.engine.reference import evaluate_child_reference
from safeguard.safeguarding.engine.rule_sets import (
    RULES,
    RuleSet,
    RuleSetError,
    load_rule_sets,
    rule_set_on,
    rule_set_version,
    shipped_rule_sets,
)

__all__ = [
    "AGENCIES",
    "KINDS",
    "RULES",
    "Alert",
    "CheckSummary",
    "Event",
    "ParsedEvents",
    "Reject",
    "RuleSet",
    "RuleSetError",
    "RuleStamp",
    "UnusableInputError",
    "errors_path_for",
    "evaluate_child",
    "evaluate_child_reference",
    "evaluate_children",
    "latest_time",
    "load_rule_sets",
    "parse_event",
    "parse_lines",
    "rule_set_on",
    "rule_set_version",
    "run_check",
    "shipped_rule_sets",
    "sort_alerts",
]
