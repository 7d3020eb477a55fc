"""Agencies, teams, staff and service accounts, and API tokens."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models

from safeguard.accounts.roles import AgencyKind, Role


class Agency(models.Model):
    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=[(k.value, k.label) for k in AgencyKind])

    class Meta:
        verbose_name_plural = "agencies"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["agency__name", "name"]
        constraints = [models.UniqueConstraint(fields=["agency", "name"], name="team_unique_name")]

    def __str__(self) -> str:
        return f"{self.name} ({self.agency.name})"


class User(AbstractUser):
    """A member of staff, or a service account for a feed (``is_service_account``)."""

    role = models.CharField(
        max_length=30, choices=[(r.value, r.label) for r in Role], default=Role.PRACTITIONER
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="users"
    )
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="members"
    )
    is_service_account = models.BooleanField(default=False)
    # Named by the privacy officer: may see protected-identity links and addresses.
    protected_identity_cleared = models.BooleanField(default=False)

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    @property
    def display_name(self) -> str:
        full = self.get_full_name()
        return full or self.username


class ApiToken(models.Model):
    """A bearer token. Only its SHA-256 is stored; the token itself is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"token {self.name}"


class SignInFailure(models.Model):
    """A failed sign-in, kept for throttling only (ADR 0007). The username is stored hashed."""

    username_key = models.CharField(max_length=64)
    address = models.GenericIPAddressField(null=True)
    at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [models.Index(fields=["username_key", "address", "at"], name="signin_fail_idx")]

    def __str__(self) -> str:
        return f"sign-in failure at {self.at:%Y-%m-%d %H:%M}"


class TotpDevice(models.Model):
    """A staff member's authenticator app (RFC 6238 time-based one-time passwords)."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="totp_device")
    secret = models.CharField(max_length=64)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # The last 30-second step accepted: a code is never accepted twice (no replay).
    last_step = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"authenticator of user {self.user_id}"


class WebAuthnCredential(models.Model):
    """A security key or platform authenticator registered as a second factor (WebAuthn).

    Only public material is stored: the credential id and its public key (base64url), and the
    signature counter, which must move forward at each use so that a cloned key shows itself.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="webauthn_credentials")
    name = models.CharField(max_length=100)
    credential_id = models.CharField(max_length=1400, unique=True)
    public_key = models.TextField()
    sign_count = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"security key {self.pk} of user {self.user_id}"

    @property
    def credential_id_bytes(self) -> bytes:
        from webauthn.helpers import base64url_to_bytes

        return base64url_to_bytes(self.credential_id)
