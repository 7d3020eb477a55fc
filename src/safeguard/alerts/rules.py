"""What the pages say about each rule and decision, and how serious each rule is (queue order).

Pure data: the rules themselves, their thresholds and guidance are the engine's
(``safeguarding/engine/rule_sets.json``); this only names them for people.
"""

from __future__ import annotations

RESTRICTED_ADULT = "restricted_adult"

RULE_LABELS: dict[str, str] = {
    "non_mobile_injury": "Injury to a child who is not independently mobile",
    "repeat_injury": "Repeated injuries",
    "repeat_attendance": "Repeated emergency attendances",
    "was_not_brought": "Not brought to appointments",
    "unknown_adult": "An adult not known to be in the household",
    "restricted_adult": "Restricted adult in the child's household or around the child",
    "multi_agency_concern": "Concerns from several agencies in a short time",
    "child_not_seen": "Child on a plan not seen",
}

# Higher first in the queue. A restriction about children and an injury to a baby first.
RULE_SEVERITY: dict[str, int] = {
    "restricted_adult": 5,
    "non_mobile_injury": 5,
    "multi_agency_concern": 4,
    "repeat_injury": 4,
    "child_not_seen": 3,
    "unknown_adult": 3,
    "was_not_brought": 2,
    "repeat_attendance": 2,
}
SEVERITY_LABELS = {5: "Very high", 4: "High", 3: "Medium", 2: "Low", 1: "Low"}


def rule_label(rule: str) -> str:
    return RULE_LABELS.get(rule, rule.replace("_", " ").capitalize())


def rule_severity(rule: str) -> int:
    return RULE_SEVERITY.get(rule, 1)


# Why a licence detail may be shared with children's services (and the child with probation).
LINK_JUSTIFICATION = (
    "Working Together to Safeguard Children 2023 (information sharing to protect a child; "
    "chapter 2) and the MAPPA Guidance (sharing with children's services where a person "
    "managed by probation poses a risk to a child): a person on licence with a restriction "
    "about children is recorded with the child."
)
