"""Pause Python's cyclic garbage collector around a bulk job.

Evaluating a million events makes millions of short-lived objects while a million events (each
with its details dict) stay alive; every full collection walks all of them, which cost more
than the rules themselves (measured: 7.2 s against 5.5 s CPU for 1 M events). The engine
makes no reference cycles, so reference counting frees everything it drops; the collector is
only deferred, and restored to its previous state on the way out.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
