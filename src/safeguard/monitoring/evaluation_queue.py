"""Where evaluation happens after a feed batch, and the queue for the evaluator (ADR 0112).

``MONITORING_EVALUATION`` chooses:
- ``"request"`` (the default, for development, tests and pilots): the request re-evaluates
  the subjects it touched after its commit, and its answer means "stored and evaluated";
- ``"queue"`` (national volume): the batch's transaction also writes a ``PendingEvaluation``
  row per evaluator shard with the ids of the rows it inserted, the answer means "stored",
  and ``safeguard monitor evaluator`` processes (one per shard) turn the queue into
  violations.

Subjects are spread over ``MONITORING_EVALUATOR_SHARDS`` shards by a stable hash, so one
subject is always evaluated by the same process and its warm state never goes stale.
"""

from __future__ import annotations

import zlib
from collections import defaultdict
from collections.abc import Mapping

from django.conf import settings
from django.db.models import F

from safeguard.monitoring.models import OrdersStamp, PendingEvaluation

REQUEST = "request"
QUEUE = "queue"


def evaluation_mode() -> str:
    mode = str(getattr(settings, "MONITORING_EVALUATION", REQUEST))
    if mode not in (REQUEST, QUEUE):
        raise ValueError(f"MONITORING_EVALUATION must be {REQUEST!r} or {QUEUE!r}, not {mode!r}")
    return mode


def evaluation_queued() -> bool:
    return evaluation_mode() == QUEUE


def evaluator_shards() -> int:
    return max(1, int(getattr(settings, "MONITORING_EVALUATOR_SHARDS", 1)))


def shard_of(subject: str, shards: int) -> int:
    """The evaluator shard of a subject: stable across processes and restarts."""
    return zlib.crc32(subject.encode()) % shards


def queue_evaluation(inserted: Mapping[tuple[str, int], int], *, events: bool) -> None:
    """Queue the rows a batch inserted (ids by (subject, seq)), one row per shard; call in the
    batch's transaction."""
    shards = evaluator_shards()
    by_shard: dict[int, list[int]] = defaultdict(list)
    for (subject, _), pk in inserted.items():
        by_shard[shard_of(subject, shards)].append(pk)
    PendingEvaluation.objects.bulk_create(
        [
            PendingEvaluation(
                shard=shard,
                fix_ids=[] if events else sorted(ids),
                event_ids=sorted(ids) if events else [],
            )
            for shard, ids in sorted(by_shard.items())
        ]
    )


def orders_version() -> int:
    stamp = OrdersStamp.objects.filter(pk=1).values_list("version", flat=True).first()
    return 0 if stamp is None else int(stamp)


def bump_orders_version() -> None:
    """Something orders are built from changed: the evaluators rebuild their orders at their
    next cycle. In the changing transaction, so they see the change and the bump together."""
    if not OrdersStamp.objects.filter(pk=1).update(version=F("version") + 1):
        OrdersStamp.objects.get_or_create(pk=1, defaults={"version": 1})


def on_order_source_changed(**kwargs: object) -> None:
    """Signal receiver (apps.py) for the models orders are built from; only in queue mode,
    where a long-lived evaluator holds compiled orders."""
    if evaluation_queued():
        bump_orders_version()
