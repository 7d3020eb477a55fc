"""API: the caseload and person records, through the same access rules as the pages."""

from __future__ import annotations

import uuid
from datetime import date

from django.http import HttpRequest
from ninja import Router, Schema

from safeguard.people.selectors import caseload, person_view
from safeguard.site.policy import STAFF, access_policy

router = Router(tags=["people"])


class CaseloadItemOut(Schema):
    id: uuid.UUID
    name: str
    date_of_birth: date | None
    team: str
    practitioner: str


class AddressOut(Schema):
    line1: str
    town: str
    postcode: str
    valid_from: date
    valid_to: date | None


class IdentifierOut(Schema):
    scheme: str
    value: str


class AllocationOut(Schema):
    team: str
    agency: str
    practitioner: str | None
    started_on: date


class RelatedOut(Schema):
    id: uuid.UUID
    name: str
    kind: str
    direction: str


class FormerIdentityOut(Schema):
    id: uuid.UUID
    name: str
    date_of_birth: date | None


class PersonOut(Schema):
    id: uuid.UUID
    given_name: str
    family_name: str
    aliases: list[str]
    date_of_birth: date | None
    sex: str
    protected_identity: bool
    address_withheld: bool
    current_address: AddressOut | None
    previous_addresses: list[AddressOut]
    identifiers: list[IdentifierOut]
    allocations: list[AllocationOut]
    relationships: list[RelatedOut]
    former_identities: list[FormerIdentityOut]


@router.get("/", response=list[CaseloadItemOut], summary="My caseload")
@access_policy(STAFF)
def list_caseload(request: HttpRequest) -> list[CaseloadItemOut]:
    rows = caseload(user=request.auth)  # type: ignore[attr-defined]
    return [
        CaseloadItemOut(
            id=r.person.pk,
            name=r.person.full_name,
            date_of_birth=r.person.date_of_birth,
            team=r.team_name,
            practitioner=r.practitioner_name,
        )
        for r in rows
    ]


def _address(a: object) -> AddressOut:
    return AddressOut.model_validate(a, from_attributes=True)


@router.get("/{person_id}", response=PersonOut, summary="One person's record")
@access_policy(STAFF)
def get_person(request: HttpRequest, person_id: str) -> PersonOut:
    view = person_view(user=request.auth, person_id=person_id)  # type: ignore[attr-defined]
    p = view.person
    return PersonOut(
        id=p.pk,
        given_name=p.given_name,
        family_name=p.family_name,
        aliases=[f"{a.given_name} {a.family_name}" for a in view.aliases],
        date_of_birth=p.date_of_birth,
        sex=p.get_sex_display(),
        protected_identity=p.protected_identity,
        address_withheld=view.address_withheld,
        current_address=_address(view.current_address) if view.current_address else None,
        previous_addresses=[_address(a) for a in view.previous_addresses],
        identifiers=[IdentifierOut(scheme=i.scheme, value=i.value) for i in view.identifiers],
        allocations=[
            AllocationOut(
                team=a.team.name,
                agency=a.team.agency.name,
                practitioner=a.practitioner.display_name if a.practitioner else None,
                started_on=a.started_on,
            )
            for a in view.allocations
        ],
        relationships=[
            RelatedOut(id=r.person_id, name=r.name, kind=r.kind, direction=r.direction)
            for r in view.relationships
        ],
        former_identities=[
            FormerIdentityOut(id=f.pk, name=f.full_name, date_of_birth=f.date_of_birth)
            for f in view.former_identities
        ],
    )
