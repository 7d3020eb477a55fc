"""Break-glass: access outside the need-to-know rules in an emergency.

The user types a reason and re-enters their password; they get a time-limited grant, every view
under it is audited as usual, and the privacy officer is alerted (the review queue) and reviews
and closes each one. Protected identities and former identities cannot be reached this way:
for them, as for a record that does not exist, the answer is the same refusal.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from safeguard.accounts.roles import CASEWORK_ROLES, Role
from safeguard.accounts.throttle import sign_in_allowed, sign_in_failed
from safeguard.audit.models import AuditAction
from safeguard.audit.services import audit_record
from safeguard.people.access import can_see_protected, people_visible_to
from safeguard.people.models import AccessGrant, Person
from safeguard.site.errors import DomainError

MIN_REASON_LENGTH = 20
COULD_NOT_OPEN = "We could not open that record with break-glass access"


def break_glass_open(
    *, user: Any, person_id: uuid.UUID | str, reason: str, password: str, address: str | None
) -> AccessGrant | None:
    """Open a time-limited grant. None when the user could already see the person."""
    reason = reason.strip()
    errors: dict[str, str] = {}
    if len(reason) < MIN_REASON_LENGTH:
        errors["reason"] = (
            f"Enter the reason you need this record now (at least {MIN_REASON_LENGTH} characters)"
        )
    if not password:
        errors["password"] = "Enter your password"  # noqa: S105 - a message
    elif not sign_in_allowed(user.username, address):
        errors["password"] = "Too many wrong passwords. Wait 15 minutes, then try again"  # noqa: S105
    elif not user.check_password(password):
        sign_in_failed(user.username, address)
        errors["password"] = "Your password is not correct"  # noqa: S105 - a message
    if errors:
        raise DomainError("Check the break-glass request", {"fields": errors})
    if getattr(user, "is_service_account", False) or Role(user.role) not in CASEWORK_ROLES:
        raise DomainError(COULD_NOT_OPEN)
    try:
        key = person_id if isinstance(person_id, uuid.UUID) else uuid.UUID(str(person_id))
    except ValueError as exc:
        raise DomainError(COULD_NOT_OPEN) from exc
    if people_visible_to(user).filter(pk=key).exists():
        return None
    with transaction.atomic():
        person = Person.objects.filter(pk=key).first()
        reachable = person is not None and not (
            (person.protected_identity or person.is_former_identity) and not can_see_protected(user)
        )
        # The refusal is audited too, without saying whether the record exists.
        audit_record(
            actor=user,
            action=AuditAction.DISCLOSURE if reachable else AuditAction.CONSULTATION,
            object_type="person",
            object_id=str(key),
            summary="break-glass access opened" if reachable else "break-glass access refused",
            justification=reason,
            recipients=[user.username] if reachable else [],
        )
        grant = (
            AccessGrant.objects.create(
                user=user,
                person=person,
                reason=reason,
                granted_by=user,
                expires_at=timezone.now() + timedelta(minutes=settings.BREAK_GLASS_MINUTES),
                break_glass=True,
            )
            if reachable and person is not None
            else None
        )
    if grant is None:
        raise DomainError(COULD_NOT_OPEN)
    return grant


def break_glass_open_reviews() -> QuerySet[AccessGrant]:
    return (
        AccessGrant.objects.filter(break_glass=True, reviewed_at__isnull=True)
        .select_related("user", "user__team", "person")
        .order_by("granted_at")
    )


def break_glass_review(*, reviewer: Any, grant: AccessGrant, note: str) -> AccessGrant:
    if not can_see_protected(reviewer) or reviewer.role != Role.PRIVACY_OFFICER:
        raise DomainError("Only the privacy officer reviews break-glass access")
    if not note.strip():
        raise DomainError("Check the review", {"fields": {"note": "Enter what you found"}})
    with transaction.atomic():
        grant.reviewed_at = timezone.now()
        grant.reviewed_by = reviewer
        grant.review_note = note.strip()
        if grant.expires_at is None or grant.expires_at > grant.reviewed_at:
            grant.expires_at = grant.reviewed_at  # a reviewed grant is over
        grant.save(update_fields=["reviewed_at", "reviewed_by", "review_note", "expires_at"])
        audit_record(
            actor=reviewer,
            action=AuditAction.ALTERATION,
            object_type="break_glass",
            object_id=str(grant.pk),
            summary="reviewed and closed a break-glass access",
            justification=grant.review_note,
        )
    return grant
