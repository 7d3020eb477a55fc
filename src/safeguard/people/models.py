"""The person index: one row per person as Safeguard knows them, with names, addresses,
identifiers, allocations to teams, recorded relationships and protected identities."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django.conf import settings
from django.db import models

from safeguard.site import crypto
from safeguard.site.fields import EncryptedFloatField, EncryptedTextField


class Sex(models.TextChoices):
    FEMALE = "F", "Female"
    MALE = "M", "Male"
    OTHER = "X", "Other"
    UNKNOWN = "U", "Not known"


class Person(models.Model):
    # UUIDs, not sequential numbers, so ids in URLs say nothing about how many records exist.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    date_of_birth = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    # Given a new identity by a court for their safety: their current address is shown only
    # to the protected-identity roles.
    protected_identity = models.BooleanField(default=False)
    # A former identity of a protected person: for everyone but the named roles it does not exist.
    is_former_identity = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["family_name", "given_name"]
        indexes = [models.Index(fields=["family_name", "given_name"], name="person_name_idx")]

    def __str__(self) -> str:
        return f"person {self.pk}"

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    def age_on(self, day: date) -> int | None:
        if self.date_of_birth is None:
            return None
        dob = self.date_of_birth
        return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


class AliasKind(models.TextChoices):
    ALIAS = "alias", "Alias"
    MAIDEN = "birth", "Birth or former name"
    NICKNAME = "nickname", "Known as"


class PersonAlias(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="aliases")
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    kind = models.CharField(max_length=10, choices=AliasKind.choices, default=AliasKind.ALIAS)

    def __str__(self) -> str:
        return f"alias of {self.person_id}"


class PersonAddress(models.Model):
    """Where a person lives. Every part of it is encrypted at rest (a protected person's address
    is what their life depends on); the postcode has a keyed blind index for searching."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="addresses")
    line1 = EncryptedTextField()
    town = EncryptedTextField()
    postcode = EncryptedTextField()
    postcode_index = models.CharField(max_length=64, blank=True, db_index=True)
    # Demo addresses carry their own coordinates: there is no offline geocoder.
    latitude = EncryptedFloatField(null=True, blank=True)
    longitude = EncryptedFloatField(null=True, blank=True)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-valid_from"]

    def __str__(self) -> str:
        return f"address of {self.person_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.postcode_index = postcode_digest(self.postcode)
        super().save(*args, **kwargs)

    @property
    def is_current(self) -> bool:
        return self.valid_to is None


def postcode_digest(postcode: str) -> str:
    """The blind index of a postcode: search with ``postcode_index=postcode_digest(p)``."""
    return crypto.blind_index(postcode.replace(" ", ""), context="people.postcode")


class IdentifierScheme(models.TextChoices):
    PNC = "pnc", "Police National Computer ID"
    CRN = "crn", "Probation case reference (CRN)"
    NHS = "nhs", "NHS number"


class PersonIdentifier(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="identifiers")
    scheme = models.CharField(max_length=10, choices=IdentifierScheme.choices)
    value = models.CharField(max_length=40)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scheme", "value"], name="identifier_unique")
        ]

    def __str__(self) -> str:
        return f"{self.scheme} identifier"


class SensitiveCharacteristics(models.Model):
    """Self-described ethnicity and disability: used only for fairness reporting."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="sensitive")
    ethnicity = models.CharField(max_length=100, blank=True)
    disability = models.CharField(max_length=100, blank=True)

    def __str__(self) -> str:
        return f"characteristics of {self.person_id}"


class Allocation(models.Model):
    """A person's case held by a team (and usually one practitioner in it)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="allocations")
    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="allocations")
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="allocations",
    )
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["team", "ended_on"], name="allocation_team_idx")]

    def __str__(self) -> str:
        return f"allocation of {self.person_id}"


class RelationshipKind(models.TextChoices):
    HOUSEHOLD_MEMBER = "household_member", "Lives in the household"
    PARENT = "parent", "Parent or carer"
    PARTNER = "partner", "Partner"
    ASSOCIATED = "associated", "Associated adult"


class Relationship(models.Model):
    """A recorded tie from an anchor person (often a child) to another person.

    Staff allocated to the anchor may see the other person (need-to-know): a child's social
    worker sees the adults of that child's household. It does not work the other way round.
    """

    anchor = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="relationships_out")
    other = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="relationships_in")
    kind = models.CharField(max_length=20, choices=RelationshipKind.choices)
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.kind} {self.anchor_id}->{self.other_id}"


class AccessGrant(models.Model):
    """A recorded, time-limited reason for one user to see one person."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_grants"
    )
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="access_grants")
    reason = models.TextField()
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    granted_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # Break-glass: opened by the user themselves in an emergency, with a reason and their
    # password, for a short time; each one is reviewed and closed by the privacy officer.
    break_glass = models.BooleanField(default=False)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    review_note = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"grant {self.pk}"


class IdentityLink(models.Model):
    """Former identity → current identity of a protected person. Named roles only.

    The former identity's id is encrypted at rest, so a copy of the database does not join a
    protected person to who they used to be; a blind index finds the link from the former side.
    """

    current = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="former_links")
    former_ref = EncryptedTextField()
    former_index = models.CharField(max_length=64, unique=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"identity link {self.pk}"

    @staticmethod
    def index_of(former_id: uuid.UUID | str) -> str:
        return crypto.blind_index(str(former_id), context="people.identitylink.former")

    @classmethod
    def build(cls, *, current: Person, former: Person) -> IdentityLink:
        if current.pk == former.pk:
            raise ValueError("a person cannot be their own former identity")
        return cls(current=current, former_ref=str(former.pk), former_index=cls.index_of(former.pk))

    @property
    def former(self) -> Person:
        return Person.objects.get(pk=uuid.UUID(self.former_ref))
