"""Small builders for test data (synthetic names only)."""

from __future__ import annotations

import functools
import itertools
from datetime import date, timedelta

from django.contrib.auth.hashers import make_password

from safeguard.accounts.models import Agency, Team, User
from safeguard.accounts.roles import AgencyKind, Role
from safeguard.accounts.services import token_create
from safeguard.people.models import (
    Allocation,
    Person,
    PersonAddress,
    Relationship,
    RelationshipKind,
)

PASSWORD = "correct-horse-battery-staple"
_counter = itertools.count(1)


@functools.cache
def _password_hash() -> str:
    """Argon2 is slow on purpose; hash the shared test password once per run."""
    return make_password(PASSWORD)


def agency(name: str = "Testshire Probation", kind: AgencyKind = AgencyKind.PROBATION) -> Agency:
    return Agency.objects.get_or_create(name=name, defaults={"kind": kind})[0]


def team(agency_: Agency, name: str = "Team One") -> Team:
    return Team.objects.get_or_create(agency=agency_, name=name)[0]


def user(
    role: Role = Role.PRACTITIONER,
    team_: Team | None = None,
    *,
    agency_: Agency | None = None,
    username: str | None = None,
    cleared: bool = False,
    service: bool = False,
) -> User:
    n = next(_counter)
    u = User(
        username=username or f"{role.value}-{n}",
        role=role,
        team=team_,
        agency=agency_ or (team_.agency if team_ else None),
        protected_identity_cleared=cleared,
        is_service_account=service,
        first_name="Test",
        last_name=f"User{n}",
    )
    u.password = _password_hash()
    u.save()
    return u


def token_for(u: User) -> str:
    from django.db import transaction

    with transaction.atomic():
        return token_create(actor=None, user=u, name="test")


def person(
    given: str = "Alex",
    family: str = "Testperson",
    *,
    dob: date | None = date(1990, 5, 17),
    protected: bool = False,
    former: bool = False,
    address: str | None = None,
) -> Person:
    p = Person.objects.create(
        given_name=given,
        family_name=family,
        date_of_birth=dob,
        protected_identity=protected,
        is_former_identity=former,
    )
    if address:
        PersonAddress.objects.create(
            person=p,
            line1=address,
            town="Testtown",
            postcode="NS1 1AA",
            valid_from=date(2024, 1, 1),
        )
    return p


def allocate(
    p: Person, team_: Team, practitioner: User | None = None, *, ended: bool = False
) -> Allocation:
    today = date.today()
    return Allocation.objects.create(
        person=p,
        team=team_,
        practitioner=practitioner,
        started_on=today - timedelta(days=100),
        ended_on=today - timedelta(days=1) if ended else None,
    )


def relate(anchor: Person, other: Person, *, ended: bool = False) -> Relationship:
    today = date.today()
    return Relationship.objects.create(
        anchor=anchor,
        other=other,
        kind=RelationshipKind.HOUSEHOLD_MEMBER,
        started_on=today - timedelta(days=30),
        ended_on=today - timedelta(days=1) if ended else None,
    )
