"""Reminders before and at a concern's deadline (issue 9: pre-deadline alerts).

A rated concern without an outcome is due by ``due_at`` (ADR 0903). Once the time left falls to
the warning fraction of its window (``REFERRALS_WARN_FRACTION``, a quarter by default: 30 minutes
before a red concern's two hours run out), the assigned triage worker is told it is due soon;
when the deadline passes they are told it is overdue. An unassigned concern tells every active
triage worker, because nobody owns it yet.

Each reminder is sent once: a pass looks for the notification it would send and skips it if it
is there, so the command can run every minute from a timer and be re-run after a crash. The
message names the reference and rating only, never the child or what happened (notifications
are shown outside the triage pages).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.urls import reverse

from safeguard.audit.models import AuditAction
from safeguard.audit.services import AuditDraft, audit_record_many
from safeguard.referrals import conf
from safeguard.referrals.models import Concern
from safeguard.referrals.selectors import triage_workers
from safeguard.safeguarding.models import Notification
from safeguard.safeguarding.timeutil import to_local

DUE_SOON = "Due soon"
OVERDUE = "Overdue"


@dataclass(frozen=True)
class RemindersSent:
    due_soon: int
    overdue: int


def _stage(concern: Concern, now: datetime) -> str | None:
    if concern.due_at is None:
        return None
    if now >= concern.due_at:
        return OVERDUE
    window = concern.due_at - concern.received_at
    if concern.due_at - now <= window * conf.warn_fraction():
        return DUE_SOON
    return None


def _message(stage: str, concern: Concern) -> str:
    due = to_local(concern.due_at) if concern.due_at else None
    rating = concern.get_rag_display().lower()
    by = f" by {due:%-d %B %Y %H:%M}" if due else ""
    if stage == OVERDUE:
        return f"{OVERDUE}: {rating} concern {concern.reference} was due{by} and has no outcome"
    return f"{DUE_SOON}: {rating} concern {concern.reference} is due{by}"


def _recipients(concern: Concern, workers: list[Any]) -> list[Any]:
    assignee = concern.assigned_to
    if assignee is not None and assignee.is_active:
        return [assignee]
    return workers


def _pending(now: datetime) -> Iterable[tuple[str, Concern]]:
    concerns = (
        Concern.objects.filter(outcome="", due_at__isnull=False)
        .select_related("assigned_to")
        .order_by("due_at", "received_at")
    )
    for concern in concerns:
        stage = _stage(concern, now)
        if stage is not None:
            yield stage, concern


def concerns_remind(*, now: datetime) -> RemindersSent:
    """Send the reminders that are due and not yet sent. Safe to run as often as you like."""
    counts = {DUE_SOON: 0, OVERDUE: 0}
    with transaction.atomic():
        workers = triage_workers()
        notes: list[Notification] = []
        drafts: list[AuditDraft] = []
        for stage, concern in _pending(now):
            link = reverse("triage-concern", args=[concern.reference])
            recipients = _recipients(concern, workers)
            already = set(
                Notification.objects.filter(
                    link=link, message__startswith=f"{stage}:", user__in=recipients
                ).values_list("user_id", flat=True)
            )
            fresh = [user for user in recipients if user.pk not in already]
            if not fresh:
                continue
            message = _message(stage, concern)
            notes += [
                Notification(user=user, message=message, link=link, created_at=now)
                for user in fresh
            ]
            counts[stage] += 1
            drafts.append(
                AuditDraft(
                    action=AuditAction.ALTERATION,
                    object_type="concern",
                    object_id=str(concern.pk),
                    summary=f"sent a reminder: {stage.lower()}",
                    recipients=tuple(str(user.pk) for user in fresh),
                )
            )
        if notes:
            Notification.objects.bulk_create(notes)
            audit_record_many(actor=None, drafts=drafts, actor_label="reminders")
    return RemindersSent(due_soon=counts[DUE_SOON], overdue=counts[OVERDUE])
