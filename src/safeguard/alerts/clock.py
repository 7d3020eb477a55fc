"""The evaluation clock: "now" for the live path, fixed for the demo (deterministic output).

Live re-evaluation judges a child's chronology as of now (so ``child_not_seen`` counts the
days up to today), and a licence restriction linked to a child is recorded at the moment it is
linked. The demo county is generated as of a fixed day; it runs the same code under
``evaluation_clock(that moment)`` so that two builds give the same alerts.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime

from django.utils import timezone

_FIXED: ContextVar[datetime | None] = ContextVar("alerts_clock", default=None)


def now() -> datetime:
    fixed = _FIXED.get()
    return fixed if fixed is not None else timezone.now()


@contextmanager
def evaluation_clock(at: datetime) -> Iterator[None]:
    token = _FIXED.set(at)
    try:
        yield
    finally:
        _FIXED.reset(token)
