"""Builders for licence tests: a probation team, a person, licences at each stage."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from tests import factories as f

from safeguard.accounts.models import User
from safeguard.accounts.roles import AgencyKind, Role
from safeguard.licences.conditions import ConditionEntry
from safeguard.licences.lifecycle import licence_activate, licence_approve, licence_submit
from safeguard.licences.models import Licence
from safeguard.licences.services import LicenceDetails, licence_condition_add, licence_create
from safeguard.people.models import Person, PersonAddress

CURFEW_V3 = "0a370862-5426-49c1-b6d4-3d074d78a81a"
CURFEW_V4 = "52faefcf-15f0-42c5-b908-621b4a7ecdb9"
EXCLUSION = "0f9a20f4-35c7-4c77-8af8-f200f153fa11"
EVENT_ZONE = "99195049-f355-46fb-b7d8-aef87a1b19c5"
INCLUSION_V4 = "005d70e4-a247-4f82-b8b3-6d294a0f5051"
TAG = "fd129172-bdd3-4d97-a4a0-efd7b47a49d4"
NO_CONTACT = "4858cd8b-bca6-4f11-b6ee-439e27216d7d"
PREMISES = "42f71b40-84cd-446d-8647-f00bbb6c079c"

HOME = (53.0512, -1.4498)  # (lat, lon) of the test address, in the fictional county
TODAY = date.today()


def square(lat: float, lon: float, half: float = 0.002) -> dict[str, Any]:
    """A closed square polygon around (lat, lon), about 450 m across."""
    ring = [
        [lon - half, lat - half],
        [lon + half, lat - half],
        [lon + half, lat + half],
        [lon - half, lat + half],
        [lon - half, lat - half],
    ]
    return {"type": "Polygon", "coordinates": [ring]}


def curfew(start: str = "19:00", end: str = "07:00") -> ConditionEntry:
    return ConditionEntry(
        CURFEW_V3,
        {
            "numberOfCurfews": "One curfew",
            "curfewStart": start,
            "curfewEnd": end,
            "reviewPeriod": "Weekly",
        },
    )


def exclusion(lat: float = 53.06, lon: float = -1.46) -> ConditionEntry:
    return ConditionEntry(EXCLUSION, {"outOfBoundFilename": square(lat, lon)})


def tag(*kinds: str) -> ConditionEntry:
    return ConditionEntry(TAG, {"electronicMonitoringTypes": list(kinds or ["curfew"])})


@dataclass
class Team:
    practitioner: User
    senior: User
    other_senior: User
    person: Person
    address: PersonAddress


def probation_team(
    *, given: str = "Jordan", family: str = "Licenceperson", protected: bool = False
) -> Team:
    agency = f.agency("Testshire Probation", AgencyKind.PROBATION)
    team = f.team(agency, "North")
    practitioner = f.user(Role.PRACTITIONER, team)
    senior = f.user(Role.SENIOR_PRACTITIONER, team)
    other_senior = f.user(Role.SENIOR_PRACTITIONER, team)
    person = f.person(given, family, protected=protected)
    address = PersonAddress.objects.create(
        person=person,
        line1="3 Mill Lane",
        town="Testtown",
        postcode="NS1 1AA",
        latitude=HOME[0],
        longitude=HOME[1],
        valid_from=date(2024, 1, 1),
    )
    f.allocate(person, team, practitioner)
    return Team(practitioner, senior, other_senior, person, address)


def draft(
    team: Team,
    *conditions: ConditionEntry,
    start: date | None = None,
    end: date | None = None,
) -> Licence:
    start = start or TODAY - timedelta(days=10)
    licence = licence_create(
        actor=team.practitioner,
        person=team.person,
        details=LicenceDetails(
            start, end or start + timedelta(days=365), team.practitioner, team.address
        ),
    )
    for entry in conditions:
        licence_condition_add(actor=team.practitioner, licence=licence, entry=entry)
    return licence


def active(team: Team, *conditions: ConditionEntry, start: date | None = None) -> Licence:
    licence = draft(team, *conditions, start=start)
    licence_submit(actor=team.practitioner, licence=licence)
    licence_approve(actor=team.senior, licence=licence)
    licence_activate(actor=team.practitioner, licence=licence)
    licence.refresh_from_db()
    return licence


def matrix_licence(person: Person) -> tuple[Licence, Any]:
    """An active licence with one bespoke condition, straight into the database (the access
    matrix needs one per target, whoever could or could not have written it)."""
    from safeguard.licences.models import LicenceCondition, LicenceStatus

    licence = Licence.objects.create(
        person=person,
        policy="3.0",
        status=LicenceStatus.ACTIVE,
        start_date=TODAY - timedelta(days=10),
        end_date=TODAY + timedelta(days=300),
        approved_address=person.addresses.first(),
    )
    condition = LicenceCondition.objects.create(
        licence=licence,
        code="bespoke",
        kind="bespoke",
        category="Bespoke condition",
        bespoke_text="You must not keep a dog.",
        valid_from=licence.start_date,
    )
    return licence, condition
