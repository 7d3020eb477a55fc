"""Breach cases: the evidence of non-compliance, the recall recommendation and its two
countersignatures, and what the casework section did with it.

A case goes open → recommended (awaiting a senior practitioner) → countersigned (awaiting a
manager at assistant-chief-officer level) → approved (a recall: the Part A goes to the casework
section; sent; booked) or closed (a decision not to recall). A senior or manager may return it
to open with a reason. Each step is audited (services.py) and kept readable in ``BreachEvent``.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q

from safeguard.site.fields import EncryptedTextField

# The Part A must reach the casework section within 24 hours of the decision (domain.md §3).
SEND_WITHIN = timedelta(hours=24)


class Stage(models.TextChoices):
    OPEN = "open", "Gathering evidence"
    RECOMMENDED = "recommended", "Awaiting senior countersignature"
    COUNTERSIGNED = "countersigned", "Awaiting manager approval"
    APPROVED = "approved", "Recall approved: send the Part A"
    SENT = "sent", "Sent to the casework section"
    BOOKED = "booked", "Recall booked"
    CLOSED = "closed", "Decided: no recall"


# A person has at most one case in one of these stages.
ACTIVE_STAGES = [Stage.OPEN, Stage.RECOMMENDED, Stage.COUNTERSIGNED, Stage.APPROVED, Stage.SENT]


class Recommendation(models.TextChoices):
    NO_FURTHER_ACTION = "no_further_action", "No further action"
    WARNING = "warning", "Warning letter"
    VARIATION = "variation", "Vary the licence conditions"
    RECALL_FIXED_TERM = "recall_fixed_term", "Fixed-term recall"
    RECALL_STANDARD = "recall_standard", "Standard recall"
    RECALL_EMERGENCY = "recall_emergency", "Emergency recall"


# The recall engine's option for each recall recommendation; the others are "no_recall".
ENGINE_OPTION = {
    Recommendation.RECALL_FIXED_TERM: "fixed_term",
    Recommendation.RECALL_STANDARD: "standard",
    Recommendation.RECALL_EMERGENCY: "emergency",
}
RECALLS = frozenset(ENGINE_OPTION)


class SentenceType(models.TextChoices):
    DETERMINATE = "determinate", "Determinate"
    EXTENDED = "extended", "Extended"
    INDETERMINATE = "indeterminate", "Indeterminate"


class EvidenceKind(models.TextChoices):
    VIOLATION = "violation", "Electronic-monitoring violation"
    MISSED_APPOINTMENT = "missed_appointment", "Missed appointment"
    FAILURE_TO_RESIDE = "failure_to_reside", "Failed to reside at the approved address"
    NEW_CHARGE = "new_charge", "Charged with a new offence"
    DISCLOSURE_FAILURE = "disclosure_failure", "Failed to disclose (relationship, contact)"
    OTHER = "other", "Other non-compliance"


class CustodyStatus(models.TextChoices):
    """Where the person is when the Part A is written (domain.md §3)."""

    AT_LARGE = "at_large", "At large"
    POLICE_CUSTODY = "police_custody", "In police custody"
    PRISON_CUSTODY = "prison_custody", "In prison custody (remanded or serving another sentence)"


class RiskLevel(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    VERY_HIGH = "very_high", "Very high"


# The groups the Part A rates the risk of serious harm to (domain.md §3): field → label.
RISK_GROUPS = {
    "rosh_children": "Children",
    "rosh_public": "The public",
    "rosh_known_adult": "A known adult",
    "rosh_staff": "Staff",
    "rosh_prisoners": "Prisoners",
}


class BreachCase(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    licence = models.ForeignKey(
        "licences.Licence", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    stage = models.CharField(max_length=16, choices=Stage.choices, default=Stage.OPEN)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    opened_at = models.DateTimeField()

    # The facts the recall rules test (contracts.md §4), and the Part A's sentence section.
    index_offence = models.CharField(max_length=300, blank=True)
    sentence_type = models.CharField(
        max_length=16, choices=SentenceType.choices, default=SentenceType.DETERMINATE
    )
    sentence_length_months = models.PositiveIntegerField(null=True, blank=True)
    sentence_date = models.DateField(null=True, blank=True)
    mappa_category = models.PositiveSmallIntegerField(null=True, blank=True)
    mappa_level = models.PositiveSmallIntegerField(null=True, blank=True)
    charged_with_new_offence = models.BooleanField(default=False)
    terrorist_sentence = models.BooleanField(default=False)
    terrorism_or_state_threat_charge = models.BooleanField(default=False)
    # Part A facts recorded as choices ("" = not recorded).
    custody_status = models.CharField(max_length=16, choices=CustodyStatus.choices, blank=True)
    rosh_children = models.CharField(max_length=10, choices=RiskLevel.choices, blank=True)
    rosh_public = models.CharField(max_length=10, choices=RiskLevel.choices, blank=True)
    rosh_known_adult = models.CharField(max_length=10, choices=RiskLevel.choices, blank=True)
    rosh_staff = models.CharField(max_length=10, choices=RiskLevel.choices, blank=True)
    rosh_prisoners = models.CharField(max_length=10, choices=RiskLevel.choices, blank=True)

    # Part A narrative.
    alternatives_tried = models.TextField(blank=True)
    response_to_supervision = models.TextField(blank=True)
    risk_of_serious_harm = models.TextField(blank=True)
    vulnerabilities = models.TextField(blank=True)

    # The recommendation, with the rules' answer as it stood when it was made.
    recommendation = models.CharField(max_length=24, choices=Recommendation.choices, blank=True)
    rationale = models.TextField(blank=True)
    assessment = models.JSONField(default=dict, blank=True)
    recommended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recommended_at = models.DateTimeField(null=True, blank=True)
    # The senior practitioner's countersignature is the decision (domain.md §3).
    countersigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    countersigned_at = models.DateTimeField(null=True, blank=True)
    countersign_note = models.TextField(blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approve_note = models.TextField(blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    booked_at = models.DateTimeField(null=True, blank=True)
    booking_reference = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["-opened_at", "id"]
        indexes = [models.Index(fields=["person", "stage"], name="breach_person_stage_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(stage__in=ACTIVE_STAGES),
                name="breach_one_active_per_person",
            ),
        ]

    def __str__(self) -> str:
        return f"breach case {self.reference}"

    @property
    def reference(self) -> str:
        return "BC-" + str(self.pk)[:8].upper()

    @property
    def is_recall(self) -> bool:
        return self.recommendation in RECALLS

    @property
    def risk_levels(self) -> list[tuple[str, str]]:
        """(group, level) of the risk of serious harm, "Not recorded" where none was."""
        levels = dict(RiskLevel.choices)
        return [
            (group, levels.get(getattr(self, name), "Not recorded"))
            for name, group in RISK_GROUPS.items()
        ]

    @property
    def send_by(self) -> datetime | None:
        """The 24-hour target: from the decision (the senior's countersignature) to sending."""
        if self.countersigned_at is None or not self.is_recall:
            return None
        return self.countersigned_at + SEND_WITHIN


class BreachEvidence(models.Model):
    """One item of non-compliance: a monitoring violation (with a copy of its details as they
    stood) or something recorded by hand."""

    case = models.ForeignKey(BreachCase, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(max_length=24, choices=EvidenceKind.choices)
    occurred_at = models.DateTimeField()
    details = models.TextField(blank=True)
    violation = models.ForeignKey(
        "monitoring.Violation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The violation's kind, times, zone, rule version and engine evidence when attached.
    snapshot = models.JSONField(default=dict, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["occurred_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["violation"],
                condition=Q(violation__isnull=False),
                name="breach_violation_in_one_case",
            )
        ]

    def __str__(self) -> str:
        return f"evidence {self.pk} of {self.case_id}"


class BreachEvent(models.Model):
    """What happened to a case, in words, for its history (the audit log holds the same facts,
    chained; this is the readable copy)."""

    case = models.ForeignKey(BreachCase, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=30)
    note = models.TextField(blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} of {self.case_id}"

    @property
    def label(self) -> str:
        return self.kind.replace("_", " ").capitalize()


class ParoleKind(models.TextChoices):
    ORAL_HEARING = "oral_hearing", "Oral hearing"
    PAPER_REVIEW = "paper_review", "Paper review"


class ParoleOutcome(models.TextChoices):
    RELEASE_DIRECTED = "release_directed", "Release directed"
    NO_RELEASE = "no_release", "No release"
    RE_RELEASE = "re_release", "Re-release after recall directed"
    ADJOURNED = "adjourned", "Adjourned"


class ParoleReview(models.Model):
    """A Parole Board review of a person (a hearing or a paper review) and its outcome, recorded
    by probation staff for the person's history and the Part A's previous recalls section."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    held_on = models.DateField()
    kind = models.CharField(max_length=16, choices=ParoleKind.choices)
    outcome = models.CharField(max_length=20, choices=ParoleOutcome.choices)
    notes = EncryptedTextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-held_on", "id"]
        indexes = [models.Index(fields=["person", "held_on"], name="parole_person_day_idx")]

    def __str__(self) -> str:
        return f"parole review {self.pk}"


def mappa_text(category: int | None, level: int | None) -> str:
    if category is None and level is None:
        return "Not managed under MAPPA (or not recorded)"
    parts = []
    if category is not None:
        parts.append(f"category {category}")
    if level is not None:
        parts.append(f"level {level}")
    return "MAPPA " + ", ".join(parts)
