"""A small synthetic family known to three agencies, for the safeguarding tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.test import Client
from django.utils import timezone

from safeguard.accounts.models import Team, User
from safeguard.accounts.roles import AgencyKind, Role
from safeguard.people.models import IdentifierScheme, Person, PersonIdentifier
from safeguard.safeguarding.models import Child, ChronologyEvent
from safeguard.safeguarding.services import (
    NewAdult,
    child_register,
    contact_record,
    household_member_add,
)
from tests import factories as f

NHS_NUMBER = "9990000026"


@dataclass
class Family:
    social_care: Team
    police_team: Team
    health_team: Team
    sw: User  # the allocated social worker
    colleague: User  # same team
    outsider: User  # another social care team
    officer: User  # police, not allocated
    nurse: User  # emergency department, not allocated
    child: Child
    mother: Person

    def nurse_allocated(self) -> User:
        """A health visitor whose team is also allocated to the child (a recorded reason)."""
        from tests import factories as f

        health_visiting = f.team(self.health_team.agency, "Health Visiting")
        visitor = f.user(Role.PRACTITIONER, health_visiting)
        f.allocate(self.child.person, health_visiting, visitor)
        return visitor

    def client(self, user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client


def family(*, child_dob: date | None = None) -> Family:
    council = f.agency("Testshire Children's Services", AgencyKind.SOCIAL_CARE)
    police = f.agency("Testshire Police", AgencyKind.POLICE)
    health = f.agency("Testshire NHS Trust", AgencyKind.HEALTH)
    team_a, team_b = f.team(council, "CP Team A"), f.team(council, "CP Team B")
    ppu, ed = f.team(police, "PPU"), f.team(health, "Emergency Department")
    sw = f.user(Role.PRACTITIONER, team_a, username="sw.test")
    colleague = f.user(Role.PRACTITIONER, team_a)
    outsider = f.user(Role.PRACTITIONER, team_b)
    officer = f.user(Role.PRACTITIONER, ppu, username="officer.test")
    nurse = f.user(Role.PRACTITIONER, ed, username="nurse.test")
    today = timezone.localdate()
    kid = f.person("Robin", "Testchild", dob=child_dob or today - timedelta(days=3 * 365))
    PersonIdentifier.objects.create(person=kid, scheme=IdentifierScheme.NHS, value=NHS_NUMBER)
    mother = f.person("Morgan", "Testchild", dob=date(1994, 2, 3))
    f.allocate(kid, team_a, sw)
    child = child_register(actor=sw, person=kid, registered_at=timezone.now() - timedelta(days=200))
    household_member_add(
        actor=sw,
        child=child,
        person=mother,
        role="parent_carer",
        relationship="mother",
        moved_in_on=today - timedelta(days=150),
        known_by="seen",
    )
    return Family(team_a, ppu, ed, sw, colleague, outsider, officer, nurse, child, mother)


def ago(days: float, hour: int = 11) -> datetime:
    """``days`` ago at ``hour`` o'clock local time, never later than a minute ago."""
    now = timezone.localtime()
    moment = (now - timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)
    return min(moment, now - timedelta(minutes=1))


def callout(
    fam: Family,
    *,
    days_ago: float,
    adults: list[Person] | None = None,
    new: list[NewAdult] | None = None,
    actor: Any = None,
    at: datetime | None = None,
) -> ChronologyEvent:
    """A police call-out ``days_ago`` days ago at 11:00 (or exactly ``at``)."""
    return contact_record(
        actor=actor or fam.sw,
        child=fam.child,
        kind="police_callout",
        agency="police",
        occurred_at=at or ago(days_ago),
        details={
            "reason": "neighbours heard shouting",
            "adults_present": [str(a.pk) for a in adults or []],
        },
        new_adults=new or [],
    )
