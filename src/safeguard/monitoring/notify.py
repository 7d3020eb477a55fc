"""Telling the responsible practitioner when the engine opens a violation.

The recipient is the supervising practitioner of the person's licence in force (active or
varied), else the practitioner of their open probation allocation. The notification is the
safeguarding app's ``Notification`` (shown on /notifications) with no child: its message
carries no personal data (kind and time only) and links to the monitoring subject page, which
applies the reader's own access rules. Each notification is audited as a disclosure to its
recipient, in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.urls import reverse
from django.utils import timezone

from safeguard.accounts.models import User
from safeguard.accounts.roles import AgencyKind
from safeguard.audit.models import AuditAction
from safeguard.audit.services import AuditDraft, audit_record_many
from safeguard.licences.models import Licence, LicenceStatus
from safeguard.monitoring.models import Violation
from safeguard.people.models import Allocation
from safeguard.safeguarding.models import Notification


def responsible_practitioners(person_ids: set[object]) -> dict[str, int]:
    """person id (as text) → user id of whoever should hear about a violation."""
    found: dict[str, int] = {}
    licences = (
        Licence.objects.filter(
            person_id__in=person_ids,
            status__in=[LicenceStatus.ACTIVE, LicenceStatus.VARIED],
            supervising_practitioner__isnull=False,
        )
        .order_by("-start_date", "-pk")
        .values_list("person_id", "supervising_practitioner_id")
    )
    for person_id, user_id in licences:
        found.setdefault(str(person_id), user_id)
    allocations = (
        Allocation.objects.filter(
            person_id__in=person_ids,
            ended_on__isnull=True,
            team__agency__kind=AgencyKind.PROBATION,
            practitioner__isnull=False,
        )
        .order_by("started_on", "pk")
        .values_list("person_id", "practitioner_id")
    )
    for person_id, user_id in allocations:
        found.setdefault(str(person_id), user_id)
    return found


def _message(violation: Violation) -> str:
    when = timezone.localtime(violation.started_at)
    return (
        f"Tag violation opened: {violation.kind_label.lower()}, from {when:%-d %B %Y} at "
        f"{when:%H:%M}, by a person you supervise"
    )


def notify_opened(violations: Sequence[Violation]) -> int:
    """One notification per newly opened violation with a known person. Returns how many."""
    rows = [v for v in violations if v.person_id is not None]
    if not rows:
        return 0
    recipients = responsible_practitioners({v.person_id for v in rows})
    now = timezone.now()
    notes: list[tuple[Notification, Violation]] = []
    for violation in rows:
        user_id = recipients.get(str(violation.person_id))
        if user_id is None:
            continue
        note = Notification(
            user_id=user_id,
            message=_message(violation),
            link=reverse("monitoring-subject", args=[str(violation.person_id)]),
            created_at=now,
        )
        notes.append((note, violation))
    if not notes:
        return 0
    Notification.objects.bulk_create([n for n, _ in notes])
    usernames = dict(
        User.objects.filter(pk__in={n.user_id for n, _ in notes}).values_list("pk", "username")
    )
    audit_record_many(
        actor=None,
        actor_label="monitoring engine",
        drafts=[
            AuditDraft(
                action=AuditAction.DISCLOSURE,
                object_type="em_violation",
                object_id=str(v.pk),
                summary="notified the responsible practitioner of a tag violation",
                justification="Electronic-monitoring violation on a supervised licence",
                recipients=[usernames[n.user_id]],
                details={"notification": n.pk, "subject": v.subject, "kind": v.kind},
            )
            for n, v in notes
        ],
    )
    return len(notes)
