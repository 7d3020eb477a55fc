"""Alerts: what fired, when, on which facts, why, on whose guidance, under which rule version."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from safeguard.safeguarding.engine.events import Event, datetime_of, order_key, utc_text
from safeguard.safeguarding.engine.rule_sets import RuleSet


@dataclass(frozen=True, slots=True)
class Alert:
    child: str
    rule: str
    raised_at: datetime  # UTC, whole seconds (contracts.md: output times)
    evidence: tuple[str, ...]  # event ids, in event order
    explanation: str
    guidance: str
    rule_version: str
    settings: tuple[tuple[str, Any], ...] = ()  # the rule's thresholds in that version

    def sort_key(self) -> tuple[str, datetime, str, str, tuple[str, ...]]:
        first = self.evidence[0] if self.evidence else ""
        return (self.child, self.raised_at, self.rule, first, self.evidence)

    def to_json(self) -> dict[str, Any]:
        return {
            "child": self.child,
            "rule": self.rule,
            "raised_at": utc_text(self.raised_at),
            "evidence": list(self.evidence),
            "explanation": self.explanation,
            "guidance": self.guidance,
            "rule_version": self.rule_version,
            "settings": {name: list(v) if isinstance(v, tuple) else v for name, v in self.settings},
        }


@dataclass(frozen=True, slots=True)
class RuleStamp:
    """What every alert of one rule under one rule set carries: made once per evaluation."""

    rule: str
    guidance: str
    version: str
    settings: tuple[tuple[str, Any], ...]

    @classmethod
    def of(cls, rule_set: RuleSet, rule: str) -> RuleStamp:
        settings = getattr(rule_set, rule)
        return cls(
            rule=rule,
            guidance=settings.guidance,
            version=rule_set.version,
            settings=tuple(
                (f.name, getattr(settings, f.name))
                for f in fields(settings)
                if f.name != "guidance"
            ),
        )

    def alert(
        self, *, child: str, instant: int, evidence: Sequence[Event], explanation: str
    ) -> Alert:
        """An alert raised at `instant` (microseconds; written truncated to whole seconds)."""
        ids: tuple[str, ...]
        if len(evidence) == 1:
            ids = (evidence[0].id,)
        else:  # in event order; one event can tie an adult and restrict them too: name it once
            ids = tuple(e.id for e in sorted({e.id: e for e in evidence}.values(), key=order_key))
        return Alert(
            child=child,
            rule=self.rule,
            raised_at=datetime_of(instant - instant % 1_000_000),
            evidence=ids,
            explanation=explanation,
            guidance=self.guidance,
            rule_version=self.version,
            settings=self.settings,
        )


def sort_alerts(alerts: Iterable[Alert]) -> list[Alert]:
    """Contract order: child, raised_at, rule, first evidence id (then the rest: a total order)."""
    return sorted(alerts, key=Alert.sort_key)
