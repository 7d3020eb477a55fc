"""Notifications: an attendance for a child on a plan tells the allocated social worker
(as CP-IS tells the council of each unscheduled-care attendance)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from safeguard.accounts.models import User
from safeguard.accounts.roles import AgencyKind
from safeguard.audit.models import AuditAction
from safeguard.audit.services import AuditDraft, audit_record, audit_record_many
from safeguard.people.models import Allocation
from safeguard.safeguarding.kinds import ATTENDANCE_SETTINGS
from safeguard.safeguarding.listeners import on_events_recorded
from safeguard.safeguarding.models import (
    ChildProtectionPlan,
    ChronologyEvent,
    EventKind,
    Notification,
)
from safeguard.safeguarding.timeutil import local_date, to_local

_SETTING_LABELS = dict(ATTENDANCE_SETTINGS)


def _message(event: ChronologyEvent) -> str:
    """No name and no reason: only what kind of attendance, where and when."""
    setting = _SETTING_LABELS.get(str(event.details.get("setting")), "Health")
    provider = str(event.details.get("provider") or "")[:80]
    when = to_local(event.occurred_at)
    at = f" at {provider}" if provider else ""
    return (
        f"{setting} attendance{at} on {when:%-d %B %Y} at {when:%H:%M} "
        "by a child on a child protection plan allocated to you"
    )


@on_events_recorded
def notify_attendance_on_plan(events: Sequence[ChronologyEvent], actor: Any) -> None:
    attendances = [e for e in events if e.kind == EventKind.ATTENDANCE]
    if not attendances:
        return
    child_ids = {e.child_id for e in attendances}
    plans: dict[Any, list[ChildProtectionPlan]] = {}
    for plan in ChildProtectionPlan.objects.filter(child_id__in=child_ids):
        plans.setdefault(plan.child_id, []).append(plan)
    workers: dict[Any, Any] = {}
    for allocation in Allocation.objects.filter(
        person_id__in=child_ids,
        ended_on__isnull=True,
        team__agency__kind=AgencyKind.SOCIAL_CARE,
        practitioner__isnull=False,
    ).order_by("started_on", "id"):
        workers.setdefault(allocation.person_id, allocation.practitioner_id)
    now = timezone.now()
    notes: list[Notification] = []
    for event in attendances:
        day = local_date(event.occurred_at)
        active = [
            p
            for p in plans.get(event.child_id, [])
            if p.started_on <= day and (p.ended_on is None or p.ended_on > day)
        ]
        if not active:
            continue
        recipient = active[0].social_worker_id or workers.get(event.child_id)
        if recipient is None or recipient == getattr(actor, "pk", None):
            continue
        notes.append(
            Notification(
                user_id=recipient,
                message=_message(event),
                link=reverse("child-event", args=[event.child_id, event.pk]),
                child_id=event.child_id,
                event=event,
                created_at=now,
            )
        )
    if not notes:
        return
    Notification.objects.bulk_create(notes)
    usernames = dict(
        User.objects.filter(pk__in={n.user_id for n in notes}).values_list("pk", "username")
    )
    audit_record_many(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=None if getattr(actor, "pk", None) else "system",
        drafts=[
            AuditDraft(
                action=AuditAction.DISCLOSURE,
                object_type="child",
                object_id=str(n.child_id),
                summary="notified the allocated social worker of an attendance",
                justification="Child on a child protection plan (CP-IS)",
                recipients=[usernames[n.user_id]],
                details={"notification": n.pk, "event": f"e{n.event_id}"},
            )
            for n in notes
        ],
    )


def notifications_mark_read(
    *, actor: Any, ids: Sequence[int] | None, when: datetime | None = None
) -> int:
    """Mark the user's own notifications read (all unread ones when ``ids`` is None)."""
    when = when or timezone.now()
    with transaction.atomic():
        unread = Notification.objects.filter(user=actor, read_at__isnull=True)
        if ids is not None:
            unread = unread.filter(pk__in=list(ids))
        count = unread.update(read_at=when)
        if count:
            audit_record(
                actor=actor,
                action=AuditAction.ALTERATION,
                object_type="notification",
                summary="marked notifications as read",
                details={"count": count},
            )
    return count
