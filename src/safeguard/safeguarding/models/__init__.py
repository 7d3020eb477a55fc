"""Models of the safeguarding area: children, plans, households, the chronology, notifications."""

from safeguard.safeguarding.models.children import (
    Child,
    ChildProtectionPlan,
    HouseholdMember,
    HouseholdRole,
    KnownBy,
    PlanCategory,
    ReviewConference,
    ReviewDecision,
)
from safeguard.safeguarding.models.chronology import (
    AdultPresence,
    ChronologyEvent,
    EventAgency,
    EventKind,
)
from safeguard.safeguarding.models.notifications import Notification

__all__ = [
    "AdultPresence",
    "Child",
    "ChildProtectionPlan",
    "ChronologyEvent",
    "EventAgency",
    "EventKind",
    "HouseholdMember",
    "HouseholdRole",
    "KnownBy",
    "Notification",
    "PlanCategory",
    "ReviewConference",
    "ReviewDecision",
]
