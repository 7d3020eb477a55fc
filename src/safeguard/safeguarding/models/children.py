"""Children on the register, their child-protection plans and their households over time."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from safeguard.people.models import Person, Relationship


class Child(models.Model):
    """A child known to children's social care: a person of the person index, by the same id."""

    person = models.OneToOneField(
        Person, on_delete=models.PROTECT, primary_key=True, related_name="child_record"
    )
    registered_at = models.DateTimeField()
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"child {self.pk}"


class PlanCategory(models.TextChoices):
    NEGLECT = "neglect", "Neglect"
    PHYSICAL = "physical", "Physical abuse"
    EMOTIONAL = "emotional", "Emotional abuse"
    SEXUAL = "sexual", "Sexual abuse"


class ChildProtectionPlan(models.Model):
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="plans")
    category = models.CharField(max_length=20, choices=PlanCategory.choices)
    started_on = models.DateField()
    initial_conference_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=200, blank=True)
    social_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="+")
    # Working days between statutory visits for this plan (the setting is the default).
    visit_every_working_days = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-started_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["child"], condition=Q(ended_on__isnull=True), name="one_open_plan_per_child"
            )
        ]

    def __str__(self) -> str:
        return f"plan {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.ended_on is None


class ReviewDecision(models.TextChoices):
    CONTINUE = "continue", "The plan continues"
    END = "end", "The plan ends"


class ReviewConference(models.Model):
    plan = models.ForeignKey(ChildProtectionPlan, on_delete=models.PROTECT, related_name="reviews")
    held_on = models.DateField()
    decision = models.CharField(max_length=10, choices=ReviewDecision.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["held_on", "id"]

    def __str__(self) -> str:
        return f"review {self.pk}"


class HouseholdRole(models.TextChoices):
    PARENT_CARER = "parent_carer", "Parent or carer"
    PARTNER_OF_PARENT = "partner_of_parent", "Partner of a parent"
    OTHER_ADULT = "other_adult", "Other adult"
    LODGER = "lodger", "Lodger or visitor who stays"
    SIBLING = "sibling", "Brother or sister"
    OTHER_CHILD = "other_child", "Other child"


class KnownBy(models.TextChoices):
    """How social care knows the person lives there: the weakest is "told"."""

    SEEN = "seen", "Seen at the home"
    TOLD = "told", "Told (not seen or checked)"
    CHECKED = "checked", "Checked (records or identity)"


class HouseholdMember(models.Model):
    """Someone social care has recorded as living with the child, from moved-in to moved-out."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="household")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=20, choices=HouseholdRole.choices)
    relationship = models.CharField(max_length=100, blank=True, help_text="To the child")
    moved_in_on = models.DateField()
    moved_out_on = models.DateField(null=True, blank=True)
    known_by = models.CharField(max_length=10, choices=KnownBy.choices)
    # The person-index relationship that lets the child's team see this person (need-to-know).
    link = models.ForeignKey(
        Relationship, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["moved_in_on", "id"]
        indexes = [models.Index(fields=["child", "person"], name="household_child_person_idx")]

    def __str__(self) -> str:
        return f"household member {self.pk}"

    @property
    def is_current(self) -> bool:
        return self.moved_out_on is None
