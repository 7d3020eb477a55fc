"""A user's notifications, with the child's name only where the reader may still see them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from safeguard.audit.models import AuditAction
from safeguard.audit.services import audit_record
from safeguard.safeguarding.access import children_visible_to
from safeguard.safeguarding.models import Notification
from safeguard.safeguarding.selectors.household import person_names

FLAG_REASONS = (
    (
        "unscheduled_care",
        "The child is attending unscheduled care (A&E, urgent care, out of hours)",
    ),
    ("police_attendance", "Police are attending an incident involving the child"),
    ("safeguarding_concern", "I have a safeguarding concern about the child"),
)
LIMIT = 100


@dataclass(frozen=True)
class NotificationRow:
    notification: Notification
    child_name: str  # "" when the reader may no longer see the child


def notifications_for(*, user: Any) -> list[NotificationRow]:
    with transaction.atomic():
        notes = list(Notification.objects.filter(user=user).order_by("-created_at", "-id")[:LIMIT])
        child_ids = {n.child_id for n in notes if n.child_id}
        visible = set(
            children_visible_to(user).filter(pk__in=child_ids).values_list("pk", flat=True)
        )
        names = person_names(visible)
        rows = [
            NotificationRow(n, names.get(str(n.child_id), "") if n.child_id in visible else "")
            for n in notes
        ]
        shown = sorted({str(n.child_id) for n in notes if n.child_id in visible})
        audit_record(
            actor=user,
            action=AuditAction.CONSULTATION,
            object_type="notifications",
            summary="viewed their notifications",
            details={"children": shown},
        )
        return rows
