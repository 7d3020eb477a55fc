"""Tag feeds: ``POST /api/v1/monitoring/fixes`` and ``/events`` (service-account tokens).

The body is a JSON array or NDJSON of readings (contracts.md §1 columns as keys). The answer,
sent only after the batch is committed, counts accepted, duplicate and rejected items, with the
index and reason of each rejected one. Back-pressure: a batch over
``MONITORING_MAX_BATCH_ITEMS`` (or over the request size limit) gets 413; more concurrent
batches in this process than ``MONITORING_MAX_CONCURRENT_BATCHES`` get 429 with Retry-After,
never a silent drop. After the commit the affected subjects are re-evaluated (evaluation.py);
a failure there is logged and does not undo the acknowledged batch (the next batch retries).
With ``MONITORING_EVALUATION = "queue"`` the batch is queued for the evaluator processes in
its own transaction instead, and the answer comes straight after the commit (ADR 0112).
"""

# No ``from __future__ import annotations``: django-ninja reads the annotations through the
# access-policy wrapper (see safeguarding/feeds.py).

import logging
import threading
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Router, Schema

from safeguard.monitoring.evaluation import reevaluate
from safeguard.monitoring.evaluation_queue import evaluation_queued
from safeguard.monitoring.ingest import store_batch
from safeguard.monitoring.near import POLICE_SEARCH, NearQuery, near_search
from safeguard.monitoring.readings import BadBody, parse_items, split_body
from safeguard.site.errors import DomainError, NotFoundError
from safeguard.site.policy import access_policy, service

logger = logging.getLogger(__name__)

router = Router(tags=["monitoring"])
EM_FEED = service("em-feed")


class RejectOut(Schema):
    index: int
    reason: str


class IngestOut(Schema):
    accepted: int
    duplicate: int
    rejected: int
    rejects: list[RejectOut]


class _Gate:
    """A per-process count of batches in flight, refused (not queued) beyond the limit."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.in_flight = 0

    def enter(self) -> bool:
        limit = int(getattr(settings, "MONITORING_MAX_CONCURRENT_BATCHES", 4))
        with self._lock:
            if self.in_flight >= limit:
                return False
            self.in_flight += 1
            return True

    def leave(self) -> None:
        with self._lock:
            self.in_flight -= 1


gate = _Gate()


def _refuse(status: int, message: str, extra: dict[str, Any] | None = None) -> HttpResponse:
    response = JsonResponse({"message": message, "extra": extra or {}}, status=status)
    if status == 429:
        response["Retry-After"] = "1"
    return response


def _ingest(request: HttpRequest, *, events: bool) -> Any:
    user = getattr(request, "auth", None)
    if not getattr(user, "is_service_account", False):
        raise NotFoundError()
    limit = int(getattr(settings, "MONITORING_MAX_BATCH_ITEMS", 10_000))
    if not gate.enter():
        return _refuse(429, "Too many batches in progress; send this one again shortly")
    try:
        try:
            items = split_body(request.body)
        except RequestDataTooBig:
            return _refuse(413, "The batch is too large; send it in smaller batches")
        except BadBody as exc:
            raise DomainError(str(exc)) from None
        except UnicodeDecodeError:
            raise DomainError("The body is not UTF-8") from None
        if len(items) > limit:
            return _refuse(
                413,
                f"The batch has {len(items)} items; send at most {limit} a batch",
                {"max_items": limit},
            )
        result = store_batch(actor=user, parsed=parse_items(items, events=events), events=events)
    finally:
        gate.leave()
    if result.subjects and not evaluation_queued():
        try:
            reevaluate(result.subjects)
        except Exception as exc:  # the batch is committed and acknowledged regardless
            logger.error("monitoring re-evaluation failed: %s", type(exc).__name__)
    return result.to_json()


@router.post(
    "/fixes",
    response={200: IngestOut},
    summary="Tag feed: GPS fixes (JSON array or NDJSON)",
)
@access_policy(EM_FEED)
def monitoring_fixes_ingest(request: HttpRequest) -> Any:
    return _ingest(request, events=False)


@router.post(
    "/events",
    response={200: IngestOut},
    summary="Tag feed: device events (JSON array or NDJSON)",
)
@access_policy(EM_FEED)
def monitoring_events_ingest(request: HttpRequest) -> Any:
    return _ingest(request, events=True)


class NearIn(Schema):
    at: datetime
    lat: float
    lon: float
    radius_m: float
    window_minutes: float
    reason: str


class NearHitOut(Schema):
    subject: str
    name: str
    first_at: datetime
    last_at: datetime
    fixes: int
    closest_m: float
    closest_accuracy_m: float


class NearOut(Schema):
    count: int
    results: list[NearHitOut]


@router.post(
    "/near",
    response={200: NearOut},
    summary="Crime matching (police): tagged people near a place around a time",
)
@access_policy(POLICE_SEARCH)
def monitoring_near_search(request: HttpRequest, payload: NearIn) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    query = NearQuery(
        at=payload.at,
        lat=payload.lat,
        lon=payload.lon,
        radius_m=payload.radius_m,
        window_minutes=payload.window_minutes,
        reason=payload.reason,
    )
    results = near_search(actor=user, query=query, recipients=[user.username])
    return {"count": len(results), "results": [r.to_json() for r in results]}
