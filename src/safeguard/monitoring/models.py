"""Stored tag readings (fixes, device events) and the violations found in them.

Readings are keyed by (subject, seq), the device's own sequence number: the UNIQUE constraint
is what makes ingest idempotent (insert-or-ignore). ``subject`` is the person-index id, as in
the monitoring orders built from licences (docs/licences.md).
"""

from __future__ import annotations

from django.conf import settings as django_settings
from django.db import models


class Fix(models.Model):
    """A GPS fix as the feed sent it. Write fixes only through ``ingest.store_batch``: on
    PostgreSQL it also records the (subject, seq) key that keeps them unique (ADR 0113)."""

    subject = models.CharField(max_length=64)
    seq = models.BigIntegerField()
    recorded_at = models.DateTimeField()
    lat = models.FloatField()
    lon = models.FloatField()
    # Null: the device sent none; the order's default accuracy applies when evaluating.
    accuracy_m = models.FloatField(null=True, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["subject", "seq"], name="monitoring_fix_subject_seq")
        ]
        indexes = [
            models.Index(fields=["subject", "recorded_at"], name="monitoring_fix_time_idx"),
            # Crime matching searches every subject in a time window (near.py).
            models.Index(fields=["recorded_at"], name="monitoring_fix_at_idx"),
        ]

    def __str__(self) -> str:
        return f"fix {self.subject}#{self.seq}"


class FixKey(models.Model):
    """Every stored (subject, seq) of a fix, on PostgreSQL, where ``monitoring_fix`` is
    partitioned by day and so cannot itself be unique on (subject, seq) (a unique key on a
    partitioned table must include the partition key). The ingest inserts the key first and
    the fix only when the key was new, in one statement; a trigger forgets the key when its
    fix is deleted (ADRs 0106, 0113). Unused on SQLite, whose one table keeps its unique key."""

    pk = models.CompositePrimaryKey("subject", "seq")
    subject = models.CharField(max_length=64)
    seq = models.BigIntegerField()

    class Meta:
        db_table = "monitoring_fix_key"

    def __str__(self) -> str:
        return f"fix key {self.subject}#{self.seq}"


class DeviceEvent(models.Model):
    subject = models.CharField(max_length=64)
    seq = models.BigIntegerField()
    recorded_at = models.DateTimeField()
    kind = models.CharField(max_length=32)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["subject", "seq"], name="monitoring_event_subject_seq")
        ]
        indexes = [
            models.Index(fields=["subject", "recorded_at"], name="monitoring_event_time_idx")
        ]

    def __str__(self) -> str:
        return f"event {self.subject}#{self.seq}"


class ViolationState(models.TextChoices):
    OPEN = "open", "Open"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    CLOSED = "closed", "Closed"


class ViolationOutcome(models.TextChoices):
    REASONABLE_EXCUSE = "reasonable_excuse", "Reasonable excuse"
    AUTHORISED_ABSENCE = "authorised_absence", "Authorised absence"
    WARNING = "warning", "Warning"
    BREACH_ACTION = "breach_action", "Breach action"


# How serious each kind is, for the queue's order (higher first).
KIND_SEVERITY = {
    "exclusion_entry": 5,
    "tamper": 4,
    "inclusion_exit": 3,
    "curfew_absence": 3,
    "no_signal": 2,
    "battery_critical": 1,
}

KIND_LABELS = {
    "exclusion_entry": "Entered an exclusion zone",
    "inclusion_exit": "Left an inclusion zone",
    "curfew_absence": "Absent during curfew",
    "no_signal": "No signal",
    "tamper": "Strap tamper",
    "battery_critical": "Battery critical",
}


class Violation(models.Model):
    """One violation the engine reported; the engine's key is (subject, kind, zone, curfew,
    started_at). ``zone`` is "" and ``curfew`` -1 when not applicable, so the key can be UNIQUE
    (NULLs never collide in SQL)."""

    subject = models.CharField(max_length=64)
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=32)
    zone = models.CharField(max_length=64, blank=True, default="")
    curfew = models.IntegerField(default=-1)
    severity = models.IntegerField(default=0)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    rule_version = models.CharField(max_length=32)
    settings = models.JSONField(default=dict)
    evidence = models.JSONField(default=dict)
    state = models.CharField(
        max_length=16, choices=ViolationState.choices, default=ViolationState.OPEN
    )
    outcome = models.CharField(max_length=32, choices=ViolationOutcome.choices, blank=True)
    note = models.TextField(blank=True)
    acknowledged_by = models.ForeignKey(
        django_settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        django_settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    # The engine no longer reports it (later readings moved or removed it) but someone had
    # already worked it, so it is kept for the record and left out of the queue.
    superseded = models.BooleanField(default=False)
    first_seen_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["subject", "kind", "zone", "curfew", "started_at"],
                name="monitoring_violation_key",
            )
        ]
        indexes = [
            models.Index(fields=["person", "started_at"], name="monitoring_violation_person"),
            models.Index(fields=["state", "started_at"], name="monitoring_violation_state"),
        ]

    def __str__(self) -> str:
        return f"violation {self.pk} {self.kind}"

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)


class PendingEvaluation(models.Model):
    """Readings stored but not yet evaluated, for the queued evaluator (ADR 0112). Written in
    the ingest batch's own transaction, deleted in the evaluator's transaction that records
    their violations: a crash on either side leaves the work queued, never half done."""

    shard = models.SmallIntegerField()
    fix_ids = models.JSONField(default=list)
    event_ids = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["shard", "id"], name="monitoring_pending_shard")]

    def __str__(self) -> str:
        return f"pending evaluation {self.pk} (shard {self.shard})"


class OrdersStamp(models.Model):
    """One row whose ``version`` goes up, in the changing transaction, whenever something an
    order is built from changes (a licence, a condition, an address). The queued evaluator
    reads it each cycle and rebuilds its orders when it moved (ADR 0112)."""

    version = models.BigIntegerField(default=0)
    changed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"orders version {self.version}"
