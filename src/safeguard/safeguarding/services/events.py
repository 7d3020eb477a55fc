"""The single entry point for chronology events: every event of every agency is written here.

``chronology_events_record`` checks each event against its kind (kinds.py), stores it with the
adults it names, writes the audit entry in the same transaction and then tells the
"events recorded" listeners (listeners.py). Pages, feeds, the registration, plan and household
services, the demo and the benchmark all come through it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from safeguard.audit.models import AuditAction
from safeguard.audit.services import AuditDraft, audit_record, audit_record_many
from safeguard.people.models import Person
from safeguard.safeguarding.kinds import SPECS, DetailsError, clean_details, person_refs
from safeguard.safeguarding.listeners import events_recorded
from safeguard.safeguarding.models import AdultPresence, Child, ChronologyEvent, EventAgency
from safeguard.site.errors import DomainError

# A recorder's clock may run a little ahead of the server's; further ahead is a mistake.
_FUTURE_TOLERANCE = timedelta(minutes=10)


@dataclass(frozen=True)
class EventDraft:
    child: Child
    kind: str
    agency: str
    occurred_at: datetime
    details: Mapping[str, Any] = field(default_factory=dict)
    narrative: str = ""
    significant: bool = False
    action_taken: str = ""
    reference: str = ""  # the sender's own id, for feeds that may resend


def _check(draft: EventDraft, now: datetime) -> tuple[dict[str, Any], dict[str, str]]:
    errors: dict[str, str] = {}
    if draft.kind not in SPECS:
        errors["kind"] = "Choose a kind of event"
    if draft.agency not in EventAgency.values:
        errors["agency"] = "Choose the agency"
    if timezone.is_naive(draft.occurred_at):
        errors["occurred_at"] = "Give the time with its offset"
    elif draft.occurred_at > now + _FUTURE_TOLERANCE:
        errors["occurred_at"] = "The time must not be in the future"
    if len(draft.reference) > 100:
        errors["reference"] = "Use 100 characters or fewer"
    details: dict[str, Any] = {}
    if "kind" not in errors:
        try:
            details = clean_details(draft.kind, draft.details)
        except DetailsError as exc:
            errors.update(exc.errors)
    return details, errors


def _already_sent(source: str, drafts: Sequence[EventDraft]) -> dict[str, ChronologyEvent]:
    references = [d.reference for d in drafts if d.reference]
    if not references:
        return {}
    found = ChronologyEvent.objects.filter(source=source, reference__in=references)
    return {e.reference: e for e in found}


def chronology_events_record(
    *,
    actor: Any | None,
    drafts: Sequence[EventDraft],
    source: str,
    actor_label: str | None = None,
    audited: bool = True,
) -> list[ChronologyEvent]:
    """Store events (all or none) and return them in the order given.

    A draft whose ``reference`` was already received from the same ``source`` is not stored
    again: the earlier event is returned if it is the same, a conflict is refused.
    ``audited=False`` is for services that write their own audit entry for the whole action.
    """
    now = timezone.now()
    cleaned: list[dict[str, Any]] = []
    problems: dict[str, str] = {}
    for index, draft in enumerate(drafts):
        details, errors = _check(draft, now)
        cleaned.append(details)
        prefix = "" if len(drafts) == 1 else f"{index}."
        problems.update({prefix + k: v for k, v in errors.items()})
    references = [d.reference for d in drafts if d.reference]
    if len(references) != len(set(references)):
        problems["reference"] = "Each item needs its own reference"
    if problems:
        raise DomainError("Check the event's details", {"fields": problems})
    refs = {
        r for d, details in zip(drafts, cleaned, strict=True) for r in person_refs(d.kind, details)
    }
    known = set(Person.objects.filter(pk__in=refs).values_list("pk", flat=True))
    missing = sorted(r for r in refs if r not in {str(k) for k in known})
    if missing:
        raise DomainError(
            "A person named in the event is not in the person index", {"people": missing}
        )

    with transaction.atomic():
        earlier = _already_sent(source, drafts)
        new: list[ChronologyEvent] = []
        result: list[ChronologyEvent] = []
        for draft, details in zip(drafts, cleaned, strict=True):
            previous = earlier.get(draft.reference) if draft.reference else None
            if previous is not None:
                same = (
                    previous.child_id == draft.child.pk
                    and previous.kind == draft.kind
                    and previous.occurred_at == draft.occurred_at
                    and previous.details == details
                )
                if not same:
                    raise DomainError(
                        "An item with that reference was received before with other details",
                        {"reference": draft.reference},
                    )
                result.append(previous)
                continue
            event = ChronologyEvent(
                child=draft.child,
                occurred_at=draft.occurred_at,
                agency=draft.agency,
                kind=draft.kind,
                details=details,
                narrative=draft.narrative.strip(),
                significant=draft.significant,
                action_taken=draft.action_taken.strip(),
                recorded_by=actor if getattr(actor, "pk", None) else None,
                recorded_at=now,
                source=source,
                reference=draft.reference,
            )
            new.append(event)
            result.append(event)
        ChronologyEvent.objects.bulk_create(new, batch_size=500)
        AdultPresence.objects.bulk_create(
            [
                AdultPresence(
                    event=e,
                    child_id=e.child_id,
                    person_id=ref,
                    occurred_at=e.occurred_at,
                    agency=e.agency,
                )
                for e in new
                for ref in e.details.get("adults_present", [])
            ],
            batch_size=500,
        )
        if audited and new:
            by_child: dict[Any, list[ChronologyEvent]] = defaultdict(list)
            for e in new:
                by_child[e.child_id].append(e)
            audit_record_many(
                actor=actor,
                actor_label=actor_label,
                drafts=[
                    AuditDraft(
                        action=AuditAction.COLLECTION,
                        object_type="child",
                        object_id=str(child_id),
                        summary="recorded chronology events"
                        if len(events) > 1
                        else "recorded a chronology event",
                        details={
                            "events": [e.public_id for e in events],
                            "kinds": sorted({e.kind for e in events}),
                            "source": source,
                        },
                    )
                    for child_id, events in by_child.items()
                ],
            )
        if new:
            events_recorded(new, actor)
    return result


def chronology_event_record(
    *,
    actor: Any | None,
    child: Child,
    kind: str,
    agency: str,
    occurred_at: datetime,
    details: Mapping[str, Any],
    narrative: str = "",
    significant: bool = False,
    action_taken: str = "",
    source: str = "page",
    reference: str = "",
) -> ChronologyEvent:
    """One event (a page or an API call)."""
    draft = EventDraft(
        child=child,
        kind=kind,
        agency=agency,
        occurred_at=occurred_at,
        details=details,
        narrative=narrative,
        significant=significant,
        action_taken=action_taken,
        reference=reference,
    )
    return chronology_events_record(actor=actor, drafts=[draft], source=source)[0]


def chronology_event_annotate(
    *, actor: Any, event: ChronologyEvent, significant: bool, action_taken: str
) -> ChronologyEvent:
    """Mark an event significant (or not) and record the action taken. The facts of the event
    never change; this is the practitioner's reading of it."""
    action_taken = action_taken.strip()
    if len(action_taken) > 4000:
        raise DomainError("Check the action taken", {"fields": {"action_taken": "Too long"}})
    with transaction.atomic():
        changed = {
            "significant": [event.significant, significant],
            "action_taken_changed": event.action_taken != action_taken,
        }
        event.significant = significant
        event.action_taken = action_taken
        event.save(update_fields=["significant", "action_taken"])
        audit_record(
            actor=actor,
            action=AuditAction.ALTERATION,
            object_type="child",
            object_id=str(event.child_id),
            summary="annotated a chronology event",
            details={"event": event.public_id, **changed},
        )
    return event
