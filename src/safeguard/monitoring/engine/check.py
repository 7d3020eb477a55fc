"""``run_check``: the batch command as a plain function (files in, files out, a summary back).

The CLI (``safeguard monitor check``) and the web layer both call this. ``UnusableInput``
means exit 2: nothing has been written.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from safeguard.monitoring.engine.batch import Progress, evaluate, latest_reading
from safeguard.monitoring.engine.csvrows import Reject, UnusableInput
from safeguard.monitoring.engine.ingest import read_events, read_fixes
from safeguard.monitoring.engine.orders import Order, OrderError, parse_orders
from safeguard.monitoring.engine.settings import Settings
from safeguard.monitoring.engine.tables import EventTable
from safeguard.monitoring.engine.timeparse import (
    InstantError,
    format_instant,
    from_datetime,
    parse_instant,
)


@dataclass(frozen=True)
class Summary:
    orders: int
    fixes_accepted: int
    fixes_rejected: int
    fixes_repeated: int  # identical resends, ignored
    events_accepted: int
    events_rejected: int
    events_repeated: int
    violations: int
    until: str | None
    out: Path
    errors: Path

    @property
    def rejected(self) -> int:
        return self.fixes_rejected + self.events_rejected

    def line(self) -> str:
        return (
            f"{self.orders} orders; fixes: {self.fixes_accepted} accepted,"
            f" {self.fixes_rejected} rejected, {self.fixes_repeated} repeats ignored;"
            f" events: {self.events_accepted} accepted,"
            f" {self.events_rejected} rejected, {self.events_repeated} repeats ignored;"
            f" {self.violations} violations as of {self.until or '-'}"
            f" (rejected rows in {self.errors})"
        )


def errors_path(out: Path) -> Path:
    """VIOLATIONS.jsonl → VIOLATIONS.errors.jsonl (the extension replaced)."""
    return (
        out.with_suffix(".errors.jsonl")
        if out.suffix
        else out.with_name(out.name + ".errors.jsonl")
    )


def load_orders(path: Path, defaults: Settings | None = None) -> list[Order]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise UnusableInput(
            f"cannot read {path}: {getattr(error, 'strerror', None) or error}"
        ) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise UnusableInput(
            f"{path} is not valid JSON: {error.msg} at line {error.lineno}"
        ) from None
    try:
        return parse_orders(data, defaults)
    except OrderError as error:
        raise UnusableInput(f"{path}: {error}") from None


def parse_until(until: str | datetime | None) -> int | None:
    if until is None:
        return None
    if isinstance(until, datetime):
        if until.utcoffset() is None:
            raise UnusableInput("--until needs an offset")
        return from_datetime(until)
    try:
        return parse_instant(until.strip())
    except InstantError as error:
        raise UnusableInput(f"--until {error}") from None


def run_check(
    orders_path: Path | str,
    fixes_path: Path | str,
    events_path: Path | str | None,
    until: str | datetime | None,
    out_path: Path | str,
    *,
    defaults: Settings | None = None,
    workers: int = 1,
    progress: Progress | None = None,
) -> Summary:
    """Check every order and write VIOLATIONS.jsonl and its errors file."""
    out = Path(out_path)
    if not out.parent.is_dir():
        raise UnusableInput(f"cannot write {out}: no folder {out.parent}")
    horizon = parse_until(until)
    orders = load_orders(Path(orders_path), defaults)
    subjects = {order.subject: i for i, order in enumerate(orders)}
    accuracy = [order.settings.default_accuracy_m for order in orders]
    fixes, fix_rejects, fix_repeats = read_fixes(Path(fixes_path), subjects, accuracy)
    events, event_rejects, event_repeats = EventTable.empty(), list[Reject](), 0
    if events_path is not None:
        events, event_rejects, event_repeats = read_events(Path(events_path), subjects)
    if horizon is None:
        horizon = latest_reading(fixes, events)
    found = evaluate(orders, fixes, events, horizon, workers=workers, progress=progress)
    errors = errors_path(out)
    rejects = sorted(fix_rejects, key=_line) + sorted(event_rejects, key=_line)
    try:
        _write_jsonl(out, (v.to_json() for v in found))
        _write_jsonl(errors, (r.to_json() for r in rejects))
    except OSError as error:
        raise UnusableInput(f"cannot write {out}: {error.strerror or error}") from None
    return Summary(
        orders=len(orders),
        fixes_accepted=len(fixes),
        fixes_rejected=len(fix_rejects),
        fixes_repeated=fix_repeats,
        events_accepted=len(events),
        events_rejected=len(event_rejects),
        events_repeated=event_repeats,
        violations=len(found),
        until=None if horizon is None else format_instant(horizon),
        out=out,
        errors=errors,
    )


def _line(reject: Reject) -> int:
    return reject.line


def _write_jsonl(path: Path, records: Iterable[dict[str, Any]]) -> None:
    """Write whole or not at all: a temporary file beside the target, then a rename."""
    directory = path.parent if str(path.parent) else Path()
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below, then renamed
        "w", encoding="utf-8", newline="\n", dir=directory, prefix=f".{path.name}.", delete=False
    )
    try:
        with handle:
            for record in records:
                handle.write(json.dumps(record, ensure_ascii=False))
                handle.write("\n")
        os.replace(handle.name, path)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise
