"""The live path: every batch of new chronology events re-evaluates the children it is about.

Registered with ``safeguarding.listeners.on_events_recorded``; runs inside the transaction
that stores the events, so the alerts commit (or roll back) with them. The demo's bulk events
(source "demo") are left to the demo generator, which evaluates the whole county once, as of
the county's fixed day.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from safeguard.alerts.evaluation import alerts_reevaluate
from safeguard.alerts.links import link_new_events
from safeguard.safeguarding.listeners import on_events_recorded
from safeguard.safeguarding.models import ChronologyEvent

SKIPPED_SOURCES = frozenset({"demo"})


@on_events_recorded
def reevaluate_on_events(events: Sequence[ChronologyEvent], actor: Any) -> None:
    live = [e for e in events if e.source not in SKIPPED_SOURCES]
    if not live:
        return
    # A restriction recorded here comes back through this listener and evaluates its child.
    linked = link_new_events(live)
    children = {str(e.child_id) for e in live} - linked
    if children:
        alerts_reevaluate(children, actor=actor)
