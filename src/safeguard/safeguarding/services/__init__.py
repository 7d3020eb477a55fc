"""Every write of the safeguarding area; each audited in its own transaction."""

from safeguard.safeguarding.services.adults import adult_resolve
from safeguard.safeguarding.services.children import (
    child_register,
    plan_end,
    plan_start,
    review_conference_record,
)
from safeguard.safeguarding.services.events import (
    EventDraft,
    chronology_event_annotate,
    chronology_event_record,
    chronology_events_record,
)
from safeguard.safeguarding.services.household import household_member_add, household_member_leave
from safeguard.safeguarding.services.recording import NewAdult, contact_record

__all__ = [
    "EventDraft",
    "NewAdult",
    "adult_resolve",
    "child_register",
    "chronology_event_annotate",
    "chronology_event_record",
    "chronology_events_record",
    "contact_record",
    "household_member_add",
    "household_member_leave",
    "plan_end",
    "plan_start",
    "review_conference_record",
]
