"""Signals other areas listen to when the master person index changes (ADR 0209).

- ``persons_linked``: records became one person (linked on arrival, a reviewer's link, an
  undone take-out). Sent with ``person_ids`` (strings: the records moved and the pair).
- ``persons_unlinked``: records stopped being one person (a record taken out, an undone link).

Both are sent after the transaction that changed the index commits, so a receiver reads the
committed memberships and a rolled-back change is never announced. A receiver's failure is
logged (no personal data) and never undoes the linkage change.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.dispatch import Signal

logger = logging.getLogger(__name__)

persons_linked = Signal()
persons_unlinked = Signal()


def send_on_commit(signal: Signal, person_ids: Iterable[Any]) -> None:
    """Send ``signal`` with these person ids once the current transaction commits."""
    ids = sorted({str(p) for p in person_ids if p})
    if not ids:
        return

    def send() -> None:
        for _receiver, result in signal.send_robust(sender=Signal, person_ids=ids):
            if isinstance(result, Exception):
                logger.error("linkage: a listener failed (%s)", type(result).__name__)

    transaction.on_commit(send)
