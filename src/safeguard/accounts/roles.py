"""Roles and agency kinds. Pure enums so that policies can be declared without a database."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    PRACTITIONER = "practitioner"
    SENIOR_PRACTITIONER = "senior_practitioner"
    MANAGER = "manager"
    TRIAGE = "triage"
    PRIVACY_OFFICER = "privacy_officer"
    AUDITOR = "auditor"
    ADMINISTRATOR = "administrator"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class AgencyKind(StrEnum):
    PROBATION = "probation"
    POLICE = "police"
    SOCIAL_CARE = "social_care"
    HEALTH = "health"
    FRONT_DOOR = "front_door"

    @property
    def label(self) -> str:
        return {
            "probation": "Probation service",
            "police": "Police",
            "social_care": "Children's social care",
            "health": "Health",
            "front_door": "Multi-agency front door",
        }[self.value]


# Roles whose work is people's cases; the others (auditor, administrator) never see case records.
CASEWORK_ROLES = frozenset(
    {Role.PRACTITIONER, Role.SENIOR_PRACTITIONER, Role.MANAGER, Role.TRIAGE, Role.PRIVACY_OFFICER}
)
