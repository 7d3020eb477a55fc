"""A family known to children's services, a man on licence supervised by probation, and the
pieces to tie them together (synthetic names only)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.test import Client
from django.utils import timezone

from safeguard.accounts.models import User
from safeguard.accounts.roles import AgencyKind, Role
from safeguard.licences.models import Licence, LicenceCondition, LicenceStatus
from safeguard.people.models import Person
from safeguard.safeguarding.services import household_member_add
from tests import factories as f
from tests.safeguarding.helpers import Family, family

NO_CONTACT = "4a5fed48-0fb9-4711-8ddf-b46ddfd90246"


@dataclass
class World:
    fam: Family
    manager: User  # children's services manager of the social worker's team
    offender_manager: User  # probation practitioner allocated to the man on licence
    probation_colleague: User  # probation, another team: no reason to see him
    adult: Person  # the man on licence
    licence: Licence


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def licence_for(person: Person, *, child_condition: bool = True) -> Licence:
    today = timezone.localdate()
    licence = Licence.objects.create(
        person=person,
        policy="3.0",
        status=LicenceStatus.ACTIVE,
        start_date=today - timedelta(days=30),
        end_date=today + timedelta(days=300),
    )
    if child_condition:
        child_condition_add(licence)
    return licence


def child_condition_add(licence: Licence) -> LicenceCondition:
    return LicenceCondition.objects.create(
        licence=licence,
        code=NO_CONTACT,
        kind="additional",
        category="Making or maintaining contact with a person",
        values={"gender": "any", "age": 16},
        valid_from=licence.start_date,
    )


def world(*, child_condition: bool = True, **kwargs: Any) -> World:
    fam = family(**kwargs)
    manager = f.user(Role.MANAGER, fam.social_care, username="manager.test")
    probation = f.agency("Testshire Probation", AgencyKind.PROBATION)
    north, south = f.team(probation, "North PDU"), f.team(probation, "South PDU")
    om = f.user(Role.PRACTITIONER, north, username="om.test")
    other = f.user(Role.PRACTITIONER, south, username="pp.south")
    adult = f.person("Dale", "Testlodger")
    f.allocate(adult, north, om)
    licence = licence_for(adult, child_condition=child_condition)
    return World(fam, manager, om, other, adult, licence)


def add_to_household(w: World, *, actor: Any = None, person: Person | None = None) -> Any:
    return household_member_add(
        actor=actor or w.fam.sw,
        child=w.fam.child,
        person=person or w.adult,
        role="lodger",
        relationship="family friend staying",
        moved_in_on=timezone.localdate(),
        known_by="told",
    )
