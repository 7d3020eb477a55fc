"""Writes to accounts: staff, service accounts and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone

from safeguard.accounts.models import Agency, ApiToken, Team, User
from safeguard.accounts.roles import Role
from safeguard.audit.models import AuditAction
from safeguard.audit.services import audit_record
from safeguard.site.errors import DomainError


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def user_create(
    *,
    actor: Any | None,
    username: str,
    password: str | None,
    role: Role,
    agency: Agency | None,
    team: Team | None = None,
    first_name: str = "",
    last_name: str = "",
    is_service_account: bool = False,
) -> User:
    if User.objects.filter(username=username).exists():
        raise DomainError("That username is taken", {"fields": {"username": "Taken"}})
    if team is not None and agency is not None and team.agency_id != agency.pk:
        raise DomainError("The team belongs to another agency", {"fields": {"team": ""}})
    with transaction.atomic():
        user = User(
            username=username,
            role=role,
            agency=agency,
            team=team,
            first_name=first_name,
            last_name=last_name,
            is_service_account=is_service_account,
        )
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save()
        audit_record(
            actor=actor,
            action=AuditAction.COLLECTION,
            object_type="user",
            object_id=str(user.pk),
            summary="created a user account",
            details={"role": str(role), "service_account": is_service_account},
        )
    return user


def user_disable(*, actor: Any, user: User) -> User:
    """Disable an account: every session and token stops working on the next request."""
    with transaction.atomic():
        user.is_active = False
        user.save(update_fields=["is_active"])
        ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        audit_record(
            actor=actor,
            action=AuditAction.ALTERATION,
            object_type="user",
            object_id=str(user.pk),
            summary="disabled a user account",
        )
    return user


def token_create(*, actor: Any | None, user: User, name: str) -> str:
    """Create a bearer token and return it; only its digest is kept."""
    token = "sg_" + secrets.token_urlsafe(32)
    with transaction.atomic():
        api_token = ApiToken.objects.create(user=user, name=name, token_hash=token_digest(token))
        audit_record(
            actor=actor,
            action=AuditAction.COLLECTION,
            object_type="api_token",
            object_id=str(api_token.pk),
            summary="issued an API token",
            details={"user": user.pk},
        )
    return token


def user_for_token(token: str) -> User | None:
    api_token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=token_digest(token), revoked_at__isnull=True)
        .first()
    )
    if api_token is None or not api_token.user.is_active:
        return None
    now = timezone.now()
    # Record use at most once a minute: a feed posting many batches should not write each time.
    if api_token.last_used_at is None or (now - api_token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
    return api_token.user
