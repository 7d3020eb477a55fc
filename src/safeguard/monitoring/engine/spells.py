"""Spells (violations before the horizon is applied) and finished ``Violation`` records.

Rules produce spells that do not depend on ``--until``: a spell ends at its evidence, or runs
to a limit (its window's end, the order's end, or nothing). ``finish`` applies the horizon:
a spell still under way at ``until`` gets ``ended_at: null``. This split is what lets the
streaming engine cache rule results while the horizon moves.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from safeguard.monitoring.engine.settings import RULE_VERSION, Settings
from safeguard.monitoring.engine.timeparse import format_instant
from safeguard.monitoring.engine.windows import FAR_FUTURE

EXCLUSION_ENTRY = "exclusion_entry"
INCLUSION_EXIT = "inclusion_exit"
CURFEW_ABSENCE = "curfew_absence"
NO_SIGNAL = "no_signal"
TAMPER = "tamper"
BATTERY_CRITICAL = "battery_critical"


@dataclass(frozen=True)
class Spell:
    kind: str
    start: int
    end: int | None  # when evidence ended it; None: it runs to ``limit``
    limit: int = FAR_FUTURE  # window end or order end; FAR_FUTURE: no end
    zone: str | None = None
    curfew: int | None = None
    start_seq: int | None = None  # the fix or event that started it
    end_seq: int | None = None  # ... and the one that ended it
    min_length: int = 0  # microseconds, measured up to the end or ``until``
    longer_than: bool = False  # True: must exceed min_length (no_signal), else reach it


@dataclass(frozen=True)
class Violation:
    subject: str
    kind: str
    zone: str | None
    started_at: int
    ended_at: int | None
    settings: Settings
    curfew: int | None = None
    start_seq: int | None = None
    end_seq: int | None = None

    def sort_key(self) -> tuple[Any, ...]:
        return (
            self.subject,
            self.started_at // 1_000_000,
            self.kind,
            self.zone or "",
            -1 if self.curfew is None else self.curfew,
            self.started_at,
            FAR_FUTURE if self.ended_at is None else self.ended_at,
        )

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "subject": self.subject,
            "kind": self.kind,
            "zone": self.zone,
            "started_at": format_instant(self.started_at),
            "ended_at": None if self.ended_at is None else format_instant(self.ended_at),
        }
        if self.curfew is not None:
            data["curfew"] = self.curfew
        data["evidence"] = {"start_seq": self.start_seq, "end_seq": self.end_seq}
        data["rule_version"] = RULE_VERSION
        data["settings"] = self.settings.to_json()
        return data


def finish(spell: Spell, until: int, subject: str, settings: Settings) -> Violation | None:
    """The violation a spell makes as of ``until``, or None when it is too short."""
    stop = spell.limit if spell.end is None else min(spell.end, spell.limit)
    open_ = stop > until
    length = (until if open_ else stop) - spell.start
    if length < 0:  # a window that opens after the horizon
        return None
    if spell.longer_than:
        if not length > spell.min_length:
            return None
    elif length < spell.min_length:
        return None
    return Violation(
        subject=subject,
        kind=spell.kind,
        zone=spell.zone,
        started_at=spell.start,
        ended_at=None if open_ else stop,
        settings=settings,
        curfew=spell.curfew,
        start_seq=spell.start_seq,
        end_seq=None if open_ or spell.end is None or spell.end > spell.limit else spell.end_seq,
    )
