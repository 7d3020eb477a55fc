"""Fairness and oversight: alert counts, rates and outcomes by rule and by group of children.

For the privacy officer (every child) and managers (the children of their agency). Groups are
recorded ethnicity and disability (``people.SensitiveCharacteristics``, self-described and
used only here, never shown per person), sex and age band. Counts from 1 to 4 are shown as
"fewer than 5", and a rate is shown only when both its counts are shown, so that a small group
cannot be picked out. No score and no ranking of families (docs/adr/0208).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from safeguard.accounts.roles import Role
from safeguard.alerts.models import Alert, AlertDecision, AlertState
from safeguard.alerts.rules import RULE_LABELS, rule_label
from safeguard.audit.models import AuditAction
from safeguard.audit.services import audit_record
from safeguard.people.models import SensitiveCharacteristics, Sex
from safeguard.safeguarding.access import children_visible_to
from safeguard.site.errors import NotFoundError

SUPPRESS_BELOW = 5
OVERSIGHT_ROLES = frozenset({Role.PRIVACY_OFFICER, Role.MANAGER})
NOT_RECORDED = "Not recorded"
AGE_BANDS = (
    (0, 1, "Under 1"),
    (1, 5, "1 to 4"),
    (5, 10, "5 to 9"),
    (10, 16, "10 to 15"),
    (16, 18, "16 to 17"),
)


def shown(count: int) -> str:
    """A count as published: 0, "fewer than 5", or the number."""
    if 0 < count < SUPPRESS_BELOW:
        return f"fewer than {SUPPRESS_BELOW}"
    return str(count)


def rate(part: int, whole: int) -> str:
    """A percentage, only when neither count is suppressed."""
    if whole == 0 or (0 < part < SUPPRESS_BELOW) or whole < SUPPRESS_BELOW:
        return "not shown" if whole else "-"
    return f"{100 * part / whole:.1f}%"


def age_band(dob: date | None, today: date) -> str:
    if dob is None:
        return NOT_RECORDED
    age = today.year - dob.year - ((today.month, today.day) < (dob.month, dob.day))
    for low, high, label in AGE_BANDS:
        if low <= age < high:
            return label
    return "18 or over"


@dataclass(frozen=True)
class GroupRow:
    group: str
    children: str
    children_with_alert: str
    share_with_alert: str
    alerts: str
    closed_no_further_action: str


@dataclass(frozen=True)
class RuleRow:
    rule: str
    label: str
    alerts: str
    open: str
    acknowledged: str
    closed: str
    decisions: list[tuple[str, str]]


@dataclass(frozen=True)
class FairnessReport:
    children: str
    alerts: str
    by_rule: list[RuleRow]
    dimensions: list[tuple[str, list[GroupRow]]]
    decisions: list[tuple[str, str]]  # (value, label) column order


def _group_rows(groups: dict[Any, str], alerts_by_child: dict[Any, list[Alert]]) -> list[GroupRow]:
    children: Counter[str] = Counter(groups.values())
    with_alert: Counter[str] = Counter()
    alert_count: Counter[str] = Counter()
    nfa: Counter[str] = Counter()
    for child, group in groups.items():
        alerts = alerts_by_child.get(child, [])
        if alerts:
            with_alert[group] += 1
        alert_count[group] += len(alerts)
        nfa[group] += sum(1 for a in alerts if a.decision == AlertDecision.NO_FURTHER_ACTION)
    return [
        GroupRow(
            group=g,
            children=shown(children[g]),
            children_with_alert=shown(with_alert[g]),
            share_with_alert=rate(with_alert[g], children[g]),
            alerts=shown(alert_count[g]),
            closed_no_further_action=shown(nfa[g]),
        )
        for g in sorted(children, key=lambda g: (g == NOT_RECORDED, g))
    ]


def fairness_report(user: Any, *, today: date | None = None) -> FairnessReport:
    """The report for this user (privacy officer or manager); audited as a consultation of
    aggregate figures."""
    if getattr(user, "role", None) not in OVERSIGHT_ROLES or getattr(
        user, "is_service_account", False
    ):
        raise NotFoundError()
    today = today or timezone.localdate()
    with transaction.atomic():
        children = list(
            children_visible_to(user).values_list("pk", "person__sex", "person__date_of_birth")
        )
        ids = [c[0] for c in children]
        alerts = list(Alert.objects.filter(child_id__in=ids, superseded=False))
        sensitive = {
            s.person_id: s for s in SensitiveCharacteristics.objects.filter(person_id__in=ids)
        }
        by_child: dict[Any, list[Alert]] = defaultdict(list)
        for a in alerts:
            by_child[a.child_id].append(a)
        sexes = dict(Sex.choices)
        dims: list[tuple[str, dict[Any, str]]] = [
            (
                "Ethnicity (as recorded)",
                {
                    pk: (sensitive[pk].ethnicity.strip() if pk in sensitive else "") or NOT_RECORDED
                    for pk, _s, _d in children
                },
            ),
            (
                "Disability (as recorded)",
                {
                    pk: (sensitive[pk].disability.strip() if pk in sensitive else "")
                    or NOT_RECORDED
                    for pk, _s, _d in children
                },
            ),
            ("Sex", {pk: sexes.get(sex, NOT_RECORDED) for pk, sex, _d in children}),
            ("Age band", {pk: age_band(dob, today) for pk, _s, dob in children}),
        ]
        per_rule: dict[str, list[Alert]] = defaultdict(list)
        for a in alerts:
            per_rule[a.rule].append(a)
        by_rule = [
            RuleRow(
                rule=rule,
                label=rule_label(rule),
                alerts=shown(len(rows)),
                open=shown(sum(1 for a in rows if a.state == AlertState.OPEN)),
                acknowledged=shown(sum(1 for a in rows if a.state == AlertState.ACKNOWLEDGED)),
                closed=shown(sum(1 for a in rows if a.state == AlertState.CLOSED)),
                decisions=[
                    (label, shown(sum(1 for a in rows if a.decision == value)))
                    for value, label in AlertDecision.choices
                ],
            )
            for rule in [*RULE_LABELS, *sorted(set(per_rule) - set(RULE_LABELS))]
            for rows in [per_rule.get(rule, [])]
        ]
        report = FairnessReport(
            children=shown(len(children)),
            alerts=shown(len(alerts)),
            by_rule=by_rule,
            dimensions=[(name, _group_rows(groups, by_child)) for name, groups in dims],
            decisions=list(AlertDecision.choices),
        )
        audit_record(
            actor=user,
            action=AuditAction.CONSULTATION,
            object_type="alert",
            summary="viewed the alerts fairness report (aggregate figures)",
            details={"children": len(children), "alerts": len(alerts)},
        )
    return report
