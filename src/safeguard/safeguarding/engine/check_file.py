"""The batch run behind `safeguard indicators check` (contracts.md §3): EVENTS.jsonl in,
ALERTS.jsonl and ALERTS.errors.jsonl out. No Django, so it runs without a database.

Both files are written whole or not at all (to a temporary file, then renamed), with the same
bytes for the same input: JSON with fixed key order, one object a line, "\\n" endings.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from safeguard.safeguarding.engine.alerts import Alert
from safeguard.safeguarding.engine.evaluate import evaluate_children, latest_time
from safeguard.safeguarding.engine.events import instant_of, utc_text
from safeguard.safeguarding.engine.gc_pause import collector_paused
from safeguard.safeguarding.engine.parse import parse_lines, parse_time
from safeguard.safeguarding.engine.rule_sets import RuleSetError, rule_set_on, rule_set_version

Progress = Callable[[int, int], None]  # (bytes read, bytes in all)


class UnusableInputError(Exception):
    """Arguments or files the run cannot use: exit 2, nothing written."""


def errors_path_for(out: Path) -> Path:
    """`ALERTS.jsonl` -> `ALERTS.errors.jsonl` (the output's extension replaced)."""
    return out.with_name(f"{out.stem if out.suffix else out.name}.errors.jsonl")


@dataclass(slots=True)
class CheckSummary:
    out: Path
    errors: Path
    events: int = 0
    rejected: int = 0
    after_as_of: int = 0
    as_of: datetime | None = None
    rule_version: str = ""
    by_rule: Counter[str] = field(default_factory=Counter)
    children: int = 0

    def line(self) -> str:
        """The one-line summary printed on stderr."""
        alerts = sum(self.by_rule.values())
        rules = ", ".join(f"{rule} {n}" for rule, n in sorted(self.by_rule.items()))
        when = utc_text(self.as_of) if self.as_of else "no events"
        return (
            f"indicators: {_count(self.events, 'event')} read, {self.rejected} rejected "
            f"(see {self.errors}), {self.after_as_of} after --as-of ignored; "
            f"{_count(alerts, 'alert')} for {_count(self.children, 'child', 'children')}"
            f"{f' ({rules})' if rules else ''}; rule set {self.rule_version or '-'}, "
            f"as of {when}; written to {self.out}"
        )


def _count(n: int, noun: str, plural: str | None = None) -> str:
    return f"{n} {noun if n == 1 else plural or noun + 's'}"


def _lines(handle: BinaryIO, total: int, progress: Progress | None) -> Iterator[bytes]:
    done = 0
    for number, raw in enumerate(handle):
        # A UTF-8 byte-order mark some editors add is not part of the first line's JSON.
        yield raw[3:] if number == 0 and raw.startswith(b"\xef\xbb\xbf") else raw
        done += len(raw)
        if progress is not None and number % 50_000 == 0:
            progress(done, total)
    if progress is not None:
        progress(total, total)


def _write_jsonl(path: Path, rows: Iterable[dict[str, Any]]) -> None:
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below, then renamed
        "w", encoding="utf-8", newline="\n", dir=path.parent, prefix=f".{path.name}.", delete=False
    )
    try:
        with handle:
            for row in rows:
                # ASCII with \u escapes: a lone surrogate in an input id cannot break the write.
                handle.write(json.dumps(row))
                handle.write("\n")
        os.replace(handle.name, path)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise


def run_check(
    events_path: Path,
    out: Path,
    *,
    as_of: str | None = None,
    rule_set: str | None = None,
    progress: Progress | None = None,
) -> CheckSummary:
    """Read, evaluate, write; raise UnusableInputError (before writing anything) when the
    arguments or the events file cannot be used."""
    as_of_time = None
    if as_of is not None and (as_of_time := parse_time(as_of)) is None:
        raise UnusableInputError(f"--as-of {as_of!r} is not an ISO 8601 time with an offset")
    try:
        chosen = rule_set_version(rule_set) if rule_set is not None else None
    except RuleSetError as error:
        raise UnusableInputError(str(error)) from None
    if not out.parent.is_dir():
        raise UnusableInputError(f"cannot write {out}: {out.parent} is not a directory")
    errors = errors_path_for(out)
    summary = CheckSummary(out=out, errors=errors)
    try:
        with events_path.open("rb") as handle, collector_paused():
            parsed = parse_lines(_lines(handle, os.fstat(handle.fileno()).st_size, progress))
    except OSError as error:
        raise UnusableInputError(f"cannot read {events_path}: {error.strerror or error}") from None
    when = as_of_time or latest_time(parsed.events)
    alerts: list[Alert] = []
    if when is not None:
        limit = instant_of(when)
        summary.after_as_of = sum(1 for e in parsed.events if e.instant > limit)
        try:
            chosen = chosen or rule_set_on(when)
        except RuleSetError as error:
            raise UnusableInputError(str(error)) from None
        alerts = evaluate_children(parsed.events, when, chosen)
        summary.as_of = when.astimezone(UTC)
        summary.rule_version = chosen.version
    summary.events = len(parsed.events)
    summary.rejected = len(parsed.rejects)
    summary.by_rule.update(a.rule for a in alerts)
    summary.children = len({a.child for a in alerts})
    _write_jsonl(out, (a.to_json() for a in alerts))
    _write_jsonl(errors, (r.to_json() for r in parsed.rejects))  # in line order
    return summary
