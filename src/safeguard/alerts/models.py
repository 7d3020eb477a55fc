"""Alerts raised by the indicator rules, who they go to, and what people decided.

An alert is the engine's output kept as it was produced (explanation, guidance, evidence,
rule version and settings); ``key`` makes re-evaluation idempotent: child, rule, rule version,
the moment it was raised and the first event of its window (docs/adr/0204).
"""

from __future__ import annotations

from django.conf import settings as django_settings
from django.db import models

from safeguard.alerts.rules import SEVERITY_LABELS, rule_label


class AlertState(models.TextChoices):
    OPEN = "open", "Open"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    CLOSED = "closed", "Closed"


class AlertDecision(models.TextChoices):
    STRATEGY_DISCUSSION = "strategy_discussion", "Strategy discussion"
    SECTION_47 = "section_47", "Section 47 enquiry"
    POLICE_REFERRAL = "police_referral", "Police referral"
    INFORMATION_ADDED = "information_added", "Information added to the record"
    NO_FURTHER_ACTION = "no_further_action", "No further action"
    OTHER = "other", "Other"


class Alert(models.Model):
    key = models.CharField(max_length=64, unique=True)
    # Erasing a child's record erases its alerts (the audit log keeps that it happened).
    child = models.ForeignKey("safeguarding.Child", on_delete=models.CASCADE, related_name="+")
    rule = models.CharField(max_length=40)
    rule_version = models.CharField(max_length=32)
    raised_at = models.DateTimeField()
    evidence = models.JSONField(default=list)  # event ids ("e17"), in event order
    explanation = models.TextField()
    guidance = models.TextField()
    settings = models.JSONField(default=dict)
    severity = models.IntegerField(default=1)
    # restricted_adult: the adult the restriction is about (routes it to their probation
    # practitioner, and lets probation see that much of it).
    adult = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(max_length=16, choices=AlertState.choices, default=AlertState.OPEN)
    decision = models.CharField(max_length=32, choices=AlertDecision.choices, blank=True)
    rationale = models.TextField(blank=True)
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
    # The engine no longer raises it (a corrected chronology): kept for the record, out of queues.
    superseded = models.BooleanField(default=False)
    first_seen_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["child", "raised_at"], name="alert_child_time_idx"),
            models.Index(fields=["state", "severity"], name="alert_state_severity_idx"),
            models.Index(fields=["adult"], name="alert_adult_idx"),
        ]

    def __str__(self) -> str:
        return f"alert {self.pk} {self.rule}"

    @property
    def rule_label(self) -> str:
        return rule_label(self.rule)

    @property
    def severity_label(self) -> str:
        return SEVERITY_LABELS.get(self.severity, "Low")


class RecipientSide(models.TextChoices):
    CHILDRENS_SERVICES = "childrens_services", "Children's services"
    PROBATION = "probation", "Probation"


class AlertRecipient(models.Model):
    """Who an alert was sent to: a person (social worker, manager, offender manager) or a team
    (the team's queue)."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="recipients")
    user = models.ForeignKey(
        django_settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    side = models.CharField(max_length=20, choices=RecipientSide.choices)
    reason = models.CharField(max_length=100)
    added_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["user"], name="alert_recipient_user_idx"),
            models.Index(fields=["team"], name="alert_recipient_team_idx"),
        ]

    def __str__(self) -> str:
        return f"recipient of alert {self.alert_id}"


class AlertActionKind(models.TextChoices):
    RAISED = "raised", "Raised"
    UPDATED = "updated", "Evidence updated by a re-evaluation"
    SUPERSEDED = "superseded", "No longer raised by the rules"
    RESTORED = "restored", "Raised again by the rules"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    CLOSED = "closed", "Closed with a decision"
    REOPENED = "reopened", "Reopened"


class AlertAction(models.Model):
    """The alert's history, as people see it (the audit log holds the same, chained)."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="actions")
    kind = models.CharField(max_length=20, choices=AlertActionKind.choices)
    decision = models.CharField(max_length=32, choices=AlertDecision.choices, blank=True)
    note = models.TextField(blank=True)
    actor = models.ForeignKey(
        django_settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} alert {self.alert_id}"
