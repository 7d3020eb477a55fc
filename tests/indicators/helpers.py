"""Small chronologies for the indicator tests, evaluated by the engine AND the reference.

Every hand-written case goes through `alerts()`, which runs the vectorised engine and the
literal reference evaluator and insists they agree, so each case checks both.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from safeguard.safeguarding.engine import (
    Alert,
    Event,
    RuleSet,
    evaluate_child_reference,
    evaluate_children,
    latest_time,
    rule_set_on,
    sort_alerts,
)

T0 = datetime(2009, 1, 5, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)
SECOND = timedelta(seconds=1)
BST = timezone(timedelta(hours=1))


def day(n: float, **delta: float) -> datetime:
    """T0 plus n days (and any other timedelta parts)."""
    return T0 + timedelta(days=n, **delta)


class Chronology:
    """Events of one child, numbered e1, e2, ... in the order they are added."""

    def __init__(self, child: str = "C-1") -> None:
        self.child = child
        self.events: list[Event] = []

    def add(
        self,
        kind: str,
        at: datetime,
        agency: str = "health",
        *,
        id: str | None = None,
        **details: Any,
    ) -> Event:
        event = Event(
            id=id or f"e{len(self.events) + 1}",
            child=self.child,
            at=at,
            kind=kind,
            agency=agency,
            details=details,
            seq=len(self.events) + 1,
        )
        self.events.append(event)
        return event

    def registered(self, at: datetime, dob: str) -> Event:
        return self.add("child_registered", at, dob=dob, name="Child Testcase")

    def injury(self, at: datetime, agency: str = "health", **details: Any) -> Event:
        details.setdefault("mobile", True)
        return self.add("injury", at, agency, site="arm", type="bruise", **details)

    def attendance(
        self, at: datetime, setting: str = "emergency_department", provider: str = "North"
    ) -> Event:
        return self.add("attendance", at, setting=setting, provider=provider, reason="fall")

    def missed(self, at: datetime, setting: str = "gp") -> Event:
        return self.add("missed_appointment", at, setting=setting)

    def concern(self, at: datetime, agency: str = "public") -> Event:
        return self.add("concern", at, agency, summary="worried")

    def callout(self, at: datetime, adults: Sequence[str] = ()) -> Event:
        return self.add("police_callout", at, "police", reason="noise", adults_present=list(adults))

    def visit(self, at: datetime, seen: Any = True, adults: Sequence[str] = ()) -> Event:
        return self.add("visit", at, "social_care", child_seen=seen, adults_present=list(adults))

    def plan_start(self, at: datetime) -> Event:
        return self.add("cp_plan_started", at, "social_care", category="neglect")

    def plan_end(self, at: datetime) -> Event:
        return self.add("cp_plan_ended", at, "social_care", category="neglect")

    def joins(self, at: datetime, person: str) -> Event:
        return self.add("household_member_added", at, "social_care", person=person, role="partner")

    def leaves(self, at: datetime, person: str) -> Event:
        return self.add("household_member_left", at, "social_care", person=person, role="partner")

    def restriction(self, at: datetime, person: str) -> Event:
        return self.add(
            "adult_restriction", at, "probation", person=person, restriction="no contact"
        )

    def associated(self, at: datetime, person: str) -> Event:
        return self.add("adult_associated", at, "police", person=person, reason="partner of mother")


def alerts(
    events: Sequence[Event], as_of: datetime | None = None, rule_set: RuleSet | None = None
) -> list[Alert]:
    """The engine's alerts, after checking that the reference evaluator gives the same."""
    fast = evaluate_children(events, as_of, rule_set)
    when = as_of or latest_time(events)
    if when is None:
        assert fast == []
        return fast
    chosen = rule_set or rule_set_on(when)
    children = sorted({e.child for e in events})
    reference = sort_alerts(
        a
        for child in children
        for a in evaluate_child_reference([e for e in events if e.child == child], when, chosen)
    )
    assert fast == reference
    return fast


def fired(found: Iterable[Alert], rule: str | None = None) -> list[tuple[str, datetime, list[str]]]:
    """(rule, raised_at, evidence) of each alert, optionally of one rule only."""
    return [(a.rule, a.raised_at, list(a.evidence)) for a in found if rule in (None, a.rule)]


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def write_jsonl(path: Path, events: Iterable[Event]) -> Path:
    """Events as EVENTS.jsonl lines, in the given order."""
    lines = [
        json.dumps(
            {
                "id": e.id,
                "child": e.child,
                "at": e.at.isoformat(),
                "agency": e.agency,
                "kind": e.kind,
                "details": dict(e.details),
            }
        )
        for e in events
    ]
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path
