"""Licences, their conditions over time, variations, lifecycle events and disclosures.

A condition row applies on the days ``valid_from <= day < valid_to`` (``valid_to`` null: until
the licence ends). A variation never edits a row in force: it closes the row (``valid_to``)
and opens a new one, so what applied on any day stays answerable (ADR 0303).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

BESPOKE = "bespoke"


class LicenceStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted for approval"
    APPROVED = "approved", "Approved"
    ACTIVE = "active", "Active"
    VARIED = "varied", "Active, varied"
    RECALLED = "recalled", "Recalled"
    EXPIRED = "expired", "Expired"


# A person has at most one licence in one of these states.
OPEN_STATUSES = [
    LicenceStatus.DRAFT,
    LicenceStatus.SUBMITTED,
    LicenceStatus.APPROVED,
    LicenceStatus.ACTIVE,
    LicenceStatus.VARIED,
]
IN_FORCE_STATUSES = [LicenceStatus.ACTIVE, LicenceStatus.VARIED]


class Licence(models.Model):
    # UUIDs, so ids in URLs say nothing about how many licences exist.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="licences")
    policy = models.CharField(max_length=5)  # condition codes mean different things per policy
    licence_type = models.CharField(max_length=5, default="AP")
    status = models.CharField(
        max_length=12, choices=LicenceStatus.choices, default=LicenceStatus.DRAFT
    )
    start_date = models.DateField()
    end_date = models.DateField()  # the last day of the licence
    supervising_practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_address = models.ForeignKey(
        "people.PersonAddress",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    recalled_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-start_date", "id"]
        indexes = [models.Index(fields=["person", "status"], name="licence_person_status_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="licence_dates_in_order"
            ),
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(status__in=OPEN_STATUSES),
                name="licence_one_open_per_person",
            ),
        ]

    def __str__(self) -> str:
        return f"licence {self.pk}"

    @property
    def is_in_force(self) -> bool:
        return self.status in IN_FORCE_STATUSES


class LicenceVariation(models.Model):
    """A dated change to a licence in force: conditions added, removed or changed."""

    licence = models.ForeignKey(Licence, on_delete=models.CASCADE, related_name="variations")
    effective_from = models.DateField()
    reason = models.TextField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["effective_from", "id"]

    def __str__(self) -> str:
        return f"variation {self.pk} of {self.licence_id}"


class LicenceCondition(models.Model):
    """One version of one condition, in force from ``valid_from`` up to ``valid_to``."""

    licence = models.ForeignKey(Licence, on_delete=models.CASCADE, related_name="conditions")
    # Shared by every version of the same condition (a change makes a new version).
    lineage = models.UUIDField(default=uuid.uuid4)
    code = models.CharField(max_length=40)  # a catalogue code of the licence's policy, or BESPOKE
    kind = models.CharField(max_length=12)  # standard, additional or bespoke
    category = models.CharField(max_length=200)
    values = models.JSONField(default=dict, blank=True)
    bespoke_text = models.TextField(blank=True)
    # Event zones only: [{"date": "YYYY-MM-DD", "from": "HH:MM", "until": "HH:MM"}, ...]
    event_windows = models.JSONField(default=list, blank=True)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)  # exclusive
    added_by = models.ForeignKey(
        LicenceVariation,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="added_conditions",
    )
    ended_by = models.ForeignKey(
        LicenceVariation,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="ended_conditions",
    )
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position", "id"]
        indexes = [
            models.Index(fields=["licence", "valid_from"], name="condition_licence_from_idx")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="condition_validity_in_order",
            )
        ]

    def __str__(self) -> str:
        return f"condition {self.pk} of {self.licence_id}"

    @property
    def is_bespoke(self) -> bool:
        return self.code == BESPOKE


class LicenceEvent(models.Model):
    """What happened to a licence, in words, for its history on the page (the audit log
    holds the same facts, chained; this is the readable copy)."""

    licence = models.ForeignKey(Licence, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=30)
    note = models.TextField(blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} of {self.licence_id}"

    @property
    def label(self) -> str:
        return self.kind.replace("_", " ").capitalize()


class DisclosureAction(models.TextChoices):
    PARTNER_INFORMED = "partner_informed", "Partner told about the risk (disclosure scheme)"
    CHILDRENS_SERVICES = "childrens_services", "Referred to children's social care"
    POLICE_INFORMED = "police_informed", "Police public protection unit informed"
    CONDITIONS_REVIEWED = "conditions_reviewed", "Licence conditions reviewed"
    NO_ACTION = "no_action", "No action needed"


class RelationshipDisclosure(models.Model):
    """A relationship the person on licence disclosed, and what was done about it."""

    licence = models.ForeignKey(Licence, on_delete=models.CASCADE, related_name="disclosures")
    partner = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="disclosed_by"
    )
    relationship = models.ForeignKey(
        "people.Relationship", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    started_on = models.DateField()
    household_includes_children = models.BooleanField()
    action_taken = models.CharField(max_length=30, choices=DisclosureAction.choices)
    action_notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    # The latest check of the partner's household against the child-protection register.
    last_checked_at = models.DateTimeField(null=True, blank=True)
    last_check = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-started_on", "id"]

    def __str__(self) -> str:
        return f"disclosure {self.pk} on {self.licence_id}"
