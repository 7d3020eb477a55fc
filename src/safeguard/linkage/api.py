"""Linkage review over the API: /api/v1/linkage/pairs (the queue), one pair with its
evidence, a decision, and undoing a change. Same reviewers and rules as the pages.
"""

# No ``from __future__ import annotations``: django-ninja reads the operations' annotations
# at import time, through the access-policy wrapper.

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema

from safeguard.linkage.access import REVIEWERS, access_event_by_id, access_pair_by_id
from safeguard.linkage.selectors import field_rows, pair_view, review_queue
from safeguard.linkage.services import event_undo, pair_decide
from safeguard.site.policy import access_policy

router = Router(tags=["linkage"])


class PairSummaryOut(Schema):
    id: str
    left: str
    right: str
    match_weight: float
    match_probability: float
    status: str
    restricted: bool


class FieldOut(Schema):
    label: str
    left: str
    right: str
    evidence: str
    match_weight: float | None
    verdict: str


class LinkageEventOut(Schema):
    id: int
    kind: str
    recorded_at: datetime
    actor: str | None
    reason: str
    undone: bool


class PairOut(PairSummaryOut):
    contradicts: bool
    reason: str
    fields: list[FieldOut]
    events: list[LinkageEventOut]


class DecisionIn(Schema):
    decision: Literal["link", "keep_apart"]
    reason: str = Field(..., min_length=1, max_length=2000)


class UndoIn(Schema):
    reason: str = Field("", max_length=2000)


class UndoOut(Schema):
    undone: int
    undo_event: int
    pair_status: str | None


def _user(request: HttpRequest) -> Any:
    return getattr(request, "auth", None) or request.user


def _summary(pair: Any) -> dict[str, Any]:
    return {
        "id": str(pair.pk),
        "left": str(pair.left_id),
        "right": str(pair.right_id),
        "match_weight": pair.match_weight,
        "match_probability": pair.match_probability,
        "status": pair.status,
        "restricted": pair.restricted,
    }


def _pair_out(user: Any, pair_id: str) -> PairOut:
    view = pair_view(user, pair_id)
    return PairOut(
        **_summary(view.pair),
        contradicts=view.pair.contradicts,
        reason=view.pair.reason,
        fields=[FieldOut(**row.__dict__) for row in field_rows(view.pair)],
        events=[
            LinkageEventOut(
                id=e.pk,
                kind=e.kind,
                recorded_at=e.recorded_at,
                actor=e.actor.username if e.actor else None,
                reason=e.reason,
                undone=e.kind != "undo" and e.pk not in view.undoable,
            )
            for e in view.events
        ],
    )


@router.get("/pairs", response=list[PairSummaryOut], summary="Pairs waiting for review")
@access_policy(REVIEWERS)
def linkage_queue(request: HttpRequest) -> list[PairSummaryOut]:
    return [PairSummaryOut(**_summary(p)) for p in review_queue(_user(request)).pending]


@router.get("/pairs/{pair_id}", response=PairOut, summary="Two records side by side")
@access_policy(REVIEWERS)
def linkage_pair(request: HttpRequest, pair_id: str) -> PairOut:
    return _pair_out(_user(request), pair_id)


@router.post("/pairs/{pair_id}/decision", response=PairOut, summary="Link or keep apart")
@access_policy(REVIEWERS)
def linkage_pair_decide(request: HttpRequest, pair_id: str, payload: DecisionIn) -> PairOut:
    user = _user(request)
    pair = access_pair_by_id(user, pair_id)
    pair_decide(actor=user, pair=pair, decision=payload.decision, reason=payload.reason)
    return _pair_out(user, pair_id)


@router.post("/events/{event_id}/undo", response=UndoOut, summary="Undo a change exactly")
@access_policy(REVIEWERS)
def linkage_event_undo(request: HttpRequest, event_id: int, payload: UndoIn) -> UndoOut:
    user = _user(request)
    event = access_event_by_id(user, event_id)
    undo = event_undo(actor=user, event=event, reason=payload.reason)
    return UndoOut(
        undone=event.pk,
        undo_event=undo.pk,
        pair_status=undo.pair.status if undo.pair is not None else None,
    )
