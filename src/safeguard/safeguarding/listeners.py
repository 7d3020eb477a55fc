"""The "chronology events recorded" hook.

Every event write goes through ``chronology_events_record``; when it has stored a batch it
calls each listener, inside the same transaction, with the new events and the actor. A
listener that writes (a notification now; re-evaluated alerts later) therefore commits or
rolls back with the events and their audit entry. Listeners must not raise for ordinary
data: an exception rolls the whole write back.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from safeguard.safeguarding.models import ChronologyEvent

EventsRecordedListener = Callable[["Sequence[ChronologyEvent]", Any], None]

_LISTENERS: list[EventsRecordedListener] = []


def on_events_recorded(listener: EventsRecordedListener) -> EventsRecordedListener:
    """Register a listener (usable as a decorator); registering twice has no effect."""
    if listener not in _LISTENERS:
        _LISTENERS.append(listener)
    return listener


def remove_listener(listener: EventsRecordedListener) -> None:
    if listener in _LISTENERS:
        _LISTENERS.remove(listener)


def listeners() -> tuple[EventsRecordedListener, ...]:
    return tuple(_LISTENERS)


def events_recorded(events: Sequence[ChronologyEvent], actor: Any) -> None:
    for listener in tuple(_LISTENERS):
        listener(events, actor)
