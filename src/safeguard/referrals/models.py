"""Concerns received at the front door, and the counter that rate-limits the public form.

Everything a member of the public or a professional writes is encrypted at rest: a concern
names a child, an address and adults before anyone has checked any of it.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from safeguard.site.fields import EncryptedTextField


class ConcernSource(models.TextChoices):
    PUBLIC = "public", "Member of the public"
    PROFESSIONAL = "professional", "Professional"


class Rag(models.TextChoices):
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"


class Outcome(models.TextChoices):
    NO_FURTHER_ACTION = "nfa", "No further action"
    EARLY_HELP = "early_help", "Early help"
    SECTION_47 = "section_47", "Section 47 enquiry"
    POLICE = "police", "Passed to the police"
    EXISTING_CASE = "existing_case", "Information added to an existing case"


class Concern(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Random, not sequential: a reference says nothing about how many concerns there are.
    reference = models.CharField(max_length=20, unique=True)
    received_at = models.DateTimeField()
    source = models.CharField(max_length=20, choices=ConcernSource.choices)
    child_name = EncryptedTextField(blank=True)
    child_age = EncryptedTextField(blank=True)
    address = EncryptedTextField(blank=True)
    postcode = EncryptedTextField(blank=True)
    adults = EncryptedTextField(blank=True)
    what_happened = EncryptedTextField()
    where = EncryptedTextField(blank=True)
    when = EncryptedTextField(blank=True)
    anonymous = models.BooleanField(default=True)
    contact_name = EncryptedTextField(blank=True)
    contact_details = EncryptedTextField(blank=True)
    referrer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    referrer_agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Triage
    rag = models.CharField(max_length=5, choices=Rag.choices, blank=True)
    # Triage notes quote the concern: encrypted like it (docs/security.md).
    rag_reason = EncryptedTextField(blank=True)
    rated_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    matched_person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    outcome_rationale = EncryptedTextField(blank=True)
    outcome_at = models.DateTimeField(null=True, blank=True)
    outcome_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["received_at"]
        indexes = [models.Index(fields=["outcome", "due_at"], name="concern_queue_idx")]

    def __str__(self) -> str:
        return f"concern {self.reference}"


class PublicSubmission(models.Model):
    """One attempt to send the public form, by a keyed hash of the client address (no address
    is kept). Counted for rate limiting, then pruned."""

    client_key = models.CharField(max_length=64, db_index=True)
    at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return "public submission"
