"""The append-only, hash-chained audit log (Data Protection Act 2018 s.62).

Rows are never updated or deleted: database triggers (see migration 0002) refuse UPDATE, DELETE
and TRUNCATE, and each row carries the hash of the one before, so ``safeguard audit verify``
detects an edit, a deletion or a cut tail (the tail against a signed checkpoint kept outside
the database).
"""

from __future__ import annotations

from django.db import models


class AuditAction(models.TextChoices):
    COLLECTION = "collection", "Collection"
    ALTERATION = "alteration", "Alteration"
    CONSULTATION = "consultation", "Consultation"
    DISCLOSURE = "disclosure", "Disclosure"
    COMBINATION = "combination", "Combination"
    ERASURE = "erasure", "Erasure"


class AuditEntry(models.Model):
    seq = models.BigIntegerField(unique=True)
    recorded_at = models.DateTimeField()
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_label = models.CharField(max_length=150)
    action = models.CharField(max_length=20, choices=AuditAction.choices)
    object_type = models.CharField(max_length=50)
    object_id = models.CharField(max_length=64, blank=True)
    summary = models.CharField(max_length=300)
    justification = models.TextField(blank=True)
    recipients = models.JSONField(default=list)
    details = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["seq"]
        verbose_name_plural = "audit entries"
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"audit #{self.seq} {self.action} {self.object_type}"
