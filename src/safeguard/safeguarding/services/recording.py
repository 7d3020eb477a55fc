"""Recording a contact from a page, the events API or a feed: new adults named by the
recorder are found in or added to the person index in the same transaction as the event."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import transaction

from safeguard.people.access import people_visible_to
from safeguard.safeguarding.kinds import SPECS
from safeguard.safeguarding.models import Child, ChronologyEvent
from safeguard.safeguarding.services.adults import adult_resolve, connected_people_ids
from safeguard.safeguarding.services.events import chronology_event_record
from safeguard.site.errors import DomainError


@dataclass(frozen=True)
class NewAdult:
    given_name: str
    family_name: str
    date_of_birth: date | None = None


def _check_people_known(actor: Any, child: Child, details: Mapping[str, Any]) -> None:
    """A recorder may name only people already tied to this child or whom they may see:
    otherwise naming any id would reveal that person's name in the chronology."""
    named = [str(p) for p in details.get("adults_present") or [] if p]
    if details.get("person"):
        named.append(str(details["person"]))
    if not named:
        return
    allowed = connected_people_ids(child)
    unknown = [p for p in named if p not in allowed]
    if unknown:
        visible = {
            str(pk)
            for pk in people_visible_to(actor)
            .filter(pk__in=_valid_ids(unknown))
            .values_list("pk", flat=True)
        }
        unknown = [p for p in unknown if p not in visible]
    if unknown:
        raise DomainError(
            "Name people already known to this child, or add them by name",
            {
                "fields": {
                    "adults_present" if "person" not in details else "person": "Not known here"
                }
            },
        )


def _valid_ids(values: Sequence[str]) -> list[uuid.UUID]:
    ids = []
    for value in values:
        try:
            ids.append(uuid.UUID(value))
        except ValueError:
            continue
    return ids


def contact_record(
    *,
    actor: Any,
    child: Child,
    kind: str,
    agency: str,
    occurred_at: datetime,
    details: Mapping[str, Any],
    new_adults: Sequence[NewAdult] = (),
    narrative: str = "",
    significant: bool = False,
    action_taken: str = "",
    source: str = "page",
    reference: str = "",
) -> ChronologyEvent:
    spec = SPECS.get(kind)
    if spec is None or not spec.recordable:
        raise DomainError(
            "That kind of event is recorded elsewhere", {"fields": {"kind": "Not here"}}
        )
    takes_list = spec.field("adults_present") is not None
    takes_one = spec.field("person") is not None and not details.get("person")
    if new_adults and not takes_list and not (takes_one and len(new_adults) == 1):
        raise DomainError("This kind of event does not name adults present")
    if reference:
        earlier = ChronologyEvent.objects.filter(source=source, reference=reference).first()
        if earlier is not None:
            # A resend: the adults are not resolved again, so a resend never adds people.
            if (earlier.child_id, earlier.kind, earlier.occurred_at) != (
                child.pk,
                kind,
                occurred_at,
            ):
                raise DomainError(
                    "An item with that reference was received before with other details",
                    {"reference": reference},
                )
            return earlier
    _check_people_known(actor, child, details)
    with transaction.atomic():
        present = list(details.get("adults_present") or [])
        for adult in new_adults:
            person = adult_resolve(
                actor=actor,
                child=child,
                given_name=adult.given_name,
                family_name=adult.family_name,
                date_of_birth=adult.date_of_birth,
            )
            present.append(str(person.pk))
        clean = dict(details)
        if takes_list:
            clean["adults_present"] = list(dict.fromkeys(str(p) for p in present))
        elif present:
            clean["person"] = present[0]
        return chronology_event_record(
            actor=actor,
            child=child,
            kind=kind,
            agency=agency,
            occurred_at=occurred_at,
            details=clean,
            narrative=narrative,
            significant=significant,
            action_taken=action_taken,
            source=source,
            reference=reference,
        )
