"""Alerts follow the person index: when linkage links or unlinks records (ADR 0209).

- ``persons_linked`` (a record linked on arrival, a reviewer's link, an undone take-out): the
  licence sweep runs for those persons only, so a restriction held on one record of the man is
  recorded against the children tied to any other record of him. Each restriction recorded
  comes back through the chronology listener (``alerts.live``), which re-evaluates its child:
  the alert is raised and routed to the child's social worker and the offender manager.
- ``persons_unlinked`` (a record taken out, an undone link): the children whose chronology
  names those records are re-evaluated. An alert already raised is never withdrawn by this:
  the restriction stays in the chronology as it was shared, and an alert is closed only by a
  recorded human decision (ADR 0205); the social worker records "no further action" with the
  reason (e.g. "the records were two different men") when the link was wrong.

Both run after the linkage change commits, each in a transaction of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction

from safeguard.alerts.evaluation import alerts_reevaluate
from safeguard.alerts.links import licence_links_sweep
from safeguard.linkage.signals import persons_linked, persons_unlinked
from safeguard.safeguarding.models import (
    AdultPresence,
    ChronologyEvent,
    EventKind,
    HouseholdMember,
)


def children_tied_to(person_ids: Sequence[str]) -> set[str]:
    """Children these records are tied to, or whose chronology records a restriction on them."""
    ids = list(person_ids)
    children = {
        *HouseholdMember.objects.filter(person_id__in=ids).values_list("child_id", flat=True),
        *AdultPresence.objects.filter(person_id__in=ids).values_list("child_id", flat=True),
    }
    children |= set(
        ChronologyEvent.objects.filter(
            kind__in=[EventKind.ADULT_RESTRICTION, EventKind.ADULT_ASSOCIATED],
            details__person__in=ids,
        ).values_list("child_id", flat=True)
    )
    return {str(c) for c in children}


def on_persons_linked(sender: Any, person_ids: Sequence[str], **_: Any) -> None:
    with transaction.atomic():
        licence_links_sweep(persons=person_ids)


def on_persons_unlinked(sender: Any, person_ids: Sequence[str], **_: Any) -> None:
    with transaction.atomic():
        children = children_tied_to(person_ids)
        if children:
            alerts_reevaluate(children)


def connect() -> None:
    persons_linked.connect(on_persons_linked, dispatch_uid="alerts-persons-linked")
    persons_unlinked.connect(on_persons_unlinked, dispatch_uid="alerts-persons-unlinked")
