"""The one multi-agency chronology: every agency's event about a child in one table.

Each row is one event in the shape of contracts.md §3 (agency, kind, details); the detail keys
of each kind are declared in ``safeguard.safeguarding.kinds`` and checked on every write by
``chronology_events_record``, the single entry point. See docs/adr/0501.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from safeguard.people.models import Person
from safeguard.safeguarding.models.children import Child
from safeguard.site.fields import EncryptedJSONField, EncryptedTextField

# Detail keys kept in clear so the database can filter on them: a flag and record ids, never
# free text (docs/security.md, "Encryption at rest"). Every other key is sealed.
DETAIL_PLAIN_KEYS = ("child_seen", "person", "adults_present")


class EventAgency(models.TextChoices):
    SOCIAL_CARE = "social_care", "Children's social care"
    POLICE = "police", "Police"
    HEALTH = "health", "Health"
    EDUCATION = "education", "Education"
    PROBATION = "probation", "Probation"
    PUBLIC = "public", "Member of the public"


class EventKind(models.TextChoices):
    CHILD_REGISTERED = "child_registered", "Child registered"
    CP_PLAN_STARTED = "cp_plan_started", "Child protection plan started"
    CP_PLAN_ENDED = "cp_plan_ended", "Child protection plan ended"
    HOUSEHOLD_MEMBER_ADDED = "household_member_added", "Household member recorded"
    HOUSEHOLD_MEMBER_LEFT = "household_member_left", "Household member left"
    VISIT = "visit", "Visit"
    INJURY = "injury", "Injury"
    ATTENDANCE = "attendance", "Health attendance"
    MISSED_APPOINTMENT = "missed_appointment", "Missed appointment (was not brought)"
    POLICE_CALLOUT = "police_callout", "Police call-out"
    CONCERN = "concern", "Concern"
    ADULT_RESTRICTION = "adult_restriction", "Restriction on an adult"
    ADULT_ASSOCIATED = "adult_associated", "Adult associated with the child"


class ChronologyEvent(models.Model):
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="events")
    occurred_at = models.DateTimeField()
    agency = models.CharField(max_length=20, choices=EventAgency.choices)
    kind = models.CharField(max_length=30, choices=EventKind.choices)
    # The contract's detail keys for the kind, plus optional extras (see kinds.py). Encrypted
    # at rest (injury, health and concern details) except the keys queried in the database.
    details = EncryptedJSONField(default=dict, plain_keys=DETAIL_PLAIN_KEYS)
    # The account in the recorder's words: what the story view reads. Encrypted at rest.
    narrative = EncryptedTextField(blank=True)
    # Care Inspectorate practice: a person marks what matters and records the action taken.
    significant = models.BooleanField(default=False)
    action_taken = EncryptedTextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    # Where the event came from ("page", "api", "feed:health", "system", "demo") and the
    # sender's own reference, so that a feed resending the same item is recognised.
    source = models.CharField(max_length=30)
    reference = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["occurred_at", "id"]
        indexes = [
            models.Index(fields=["child", "occurred_at", "id"], name="chron_child_time_idx"),
            models.Index(fields=["child", "kind"], name="chron_child_kind_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "reference"],
                condition=~Q(reference=""),
                name="chron_source_reference_unique",
            )
        ]

    def __str__(self) -> str:
        return f"event {self.pk}"

    @property
    def public_id(self) -> str:
        """The id in EVENTS.jsonl and on pages."""
        return f"e{self.pk}"


class AdultPresence(models.Model):
    """An adult an agency saw with the child or at the child's home (from ``adults_present``).

    Kept as rows, not only inside the event's details, so that "adults seen" and its gap with
    the recorded household are one indexed query.
    """

    event = models.ForeignKey(ChronologyEvent, on_delete=models.CASCADE, related_name="presences")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    occurred_at = models.DateTimeField()
    agency = models.CharField(max_length=20, choices=EventAgency.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "person"], name="presence_event_person")
        ]
        indexes = [models.Index(fields=["child", "person"], name="presence_child_person_idx")]

    def __str__(self) -> str:
        return f"presence {self.pk}"
