"""Reading FIXES.csv / EVENTS.csv in chunks of columns, with line numbers.

The header names the columns (extra ones ignored; a missing one makes the file unusable).
Rows with the wrong number of fields are rejected here; blank lines are skipped. Line numbers
count the file's lines from 1, header included (a quoted field may span lines: a row is
numbered by its first line).
"""

from __future__ import annotations

import csv
import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

CHUNK_ROWS = 65_536


class UnusableInput(Exception):
    """Arguments or files the run cannot use at all (exit 2, nothing written)."""


@dataclass(frozen=True)
class Reject:
    file: str  # "fixes" | "events"
    line: int
    reason: str

    def to_json(self) -> dict[str, object]:
        return {"line": self.line, "reason": self.reason, "file": self.file}


@dataclass
class Chunk:
    """Rows with the right field count: their lines and the wanted columns, as text."""

    lines: list[int]
    columns: dict[str, list[str]]


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    # Millions of short-lived row lists make the cyclic collector run constantly for nothing
    # (rows hold only strings): pausing it makes reading several times faster.
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def read_chunks(
    path: Path, columns: tuple[str, ...], label: str, rejects: list[Reject]
) -> Iterator[Chunk]:
    """Chunks of the named columns; wrong-length rows go to ``rejects``."""
    try:
        handle = path.open(newline="", encoding="utf-8-sig", errors="replace")
    except OSError as error:
        raise UnusableInput(f"cannot read {path}: {error.strerror or error}") from None
    with handle, _no_cyclic_gc():
        reader = csv.reader(handle)
        try:
            header = next(reader)
        except StopIteration:
            raise UnusableInput(
                f"{path} is empty: it needs the header {','.join(columns)}"
            ) from None
        except (csv.Error, OSError) as error:
            raise UnusableInput(f"cannot read {path}: {error}") from None
        names = [name.strip().lower() for name in header]
        missing = [name for name in columns if name not in names]
        if missing:
            raise UnusableInput(f"{path}: missing column {missing[0]!r} in the header")
        twice = sorted({name for name in columns if names.count(name) > 1})
        if twice:
            raise UnusableInput(f"{path}: column {twice[0]!r} appears twice in the header")
        positions = [names.index(name) for name in columns]
        width = len(header)
        lines: list[int] = []
        rows: list[list[str]] = []
        last_line = reader.line_num
        while True:
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as error:
                rejects.append(Reject(label, last_line + 1, f"unreadable row: {error}"))
                last_line = reader.line_num
                continue
            line, last_line = last_line + 1, reader.line_num
            if not row:
                continue
            if len(row) != width:
                rejects.append(
                    Reject(label, line, f"wrong field count: expected {width}, found {len(row)}")
                )
                continue
            lines.append(line)
            rows.append(row)
            if len(rows) >= CHUNK_ROWS:
                yield _chunk(lines, rows, columns, positions)
                lines, rows = [], []
        if rows:
            yield _chunk(lines, rows, columns, positions)


def _chunk(
    lines: list[int], rows: list[list[str]], columns: tuple[str, ...], positions: list[int]
) -> Chunk:
    transposed = list(zip(*rows, strict=True))
    return Chunk(
        lines=lines,
        columns={
            name: [value.strip() for value in transposed[at]]
            for name, at in zip(columns, positions, strict=True)
        },
    )
