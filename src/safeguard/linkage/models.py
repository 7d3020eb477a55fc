"""The master person index: which agency records (``people.Person`` rows) are one person.

- ``MasterPerson`` groups records; every indexed record belongs to exactly one (``Membership``).
- ``CandidatePair`` is a pair the matcher scored: auto-linked, waiting for clerical review,
  linked or kept apart by a reviewer. It stores the score and the per-comparison evidence
  (levels and weights, never the values compared).
- ``LinkageEvent`` is the event log of every change to memberships: each event lists the
  records it moved (from which master to which), so any event can be undone exactly by moving
  them back (ADR 0403).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class MasterPerson(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"master person {self.pk}"


class Membership(models.Model):
    person = models.OneToOneField(
        "people.Person", on_delete=models.CASCADE, related_name="linkage_membership"
    )
    master = models.ForeignKey(MasterPerson, on_delete=models.PROTECT, related_name="members")
    since = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"membership of {self.person_id}"


class PairStatus(models.TextChoices):
    PENDING = "pending", "Waiting for review"
    AUTO_LINKED = "auto_linked", "Linked automatically"
    LINKED = "linked", "Linked by a reviewer"
    KEPT_APART = "kept_apart", "Kept apart by a reviewer"


class CandidatePair(models.Model):
    """Two records the matcher scored together. ``left`` is the record that arrived."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    left = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    right = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    match_weight = models.FloatField()
    match_probability = models.FloatField()
    # [{"comparison": ..., "level": ..., "match_weight": ...}]: evidence, never values.
    evidence = models.JSONField(default=list)
    # A protected identity or a former identity is involved: only the privacy officer sees
    # the pair, and it is never linked automatically.
    restricted = models.BooleanField(default=False)
    # A contradiction rule of the engine fires (different NHS numbers, dates a generation
    # apart, ...): never linked automatically, whatever the score.
    contradicts = models.BooleanField(default=False)
    status = models.CharField(max_length=12, choices=PairStatus.choices, default=PairStatus.PENDING)
    reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-match_probability", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["left", "right"], name="linkage_pair_unique"),
        ]
        indexes = [models.Index(fields=["status", "restricted"], name="linkage_pair_queue_idx")]

    def __str__(self) -> str:
        return f"pair {self.pk}"


class EventKind(models.TextChoices):
    AUTO_LINK = "auto_link", "Linked automatically on arrival"
    LINK = "link", "Linked by a reviewer"
    KEEP_APART = "keep_apart", "Kept apart by a reviewer"
    UNMERGE = "unmerge", "Record taken out of a master person"
    UNDO = "undo", "Undone"


class LinkageEvent(models.Model):
    """One change to the index; ``moves`` is [{"person", "from", "to"}] (ids as strings)."""

    kind = models.CharField(max_length=12, choices=EventKind.choices)
    pair = models.ForeignKey(
        CandidatePair, on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    master = models.ForeignKey(
        MasterPerson, on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    moves = models.JSONField(default=list)
    # The pair's status and decision before this event, restored when it is undone.
    pair_before = models.JSONField(default=dict)
    reason = models.TextField(blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    undoes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="undone_by"
    )

    class Meta:
        ordering = ["-recorded_at", "-pk"]

    def __str__(self) -> str:
        return f"linkage event {self.pk}"
