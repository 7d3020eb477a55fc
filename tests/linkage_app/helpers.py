"""Agency records for linkage tests: people with an address and identifiers, made up."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction

from safeguard.linkage.index import index_reset
from safeguard.people.models import (
    IdentifierScheme,
    Person,
    PersonAddress,
    PersonIdentifier,
    Sex,
)

# A small town of unrelated people, so term frequencies look like a real index.
_POPULATION = [
    ("Oliver", "Quennell", date(1984, 2, 11), "M", "12 Larch Road", "NS2 4BD"),
    ("Amelia", "Hartcliffe", date(1991, 7, 3), "F", "3 Willow Close", "NS3 1AB"),
    ("Harry", "Pembrook", date(1979, 11, 23), "M", "41 Station Street", "NS4 7HJ"),
    ("Isla", "Tredwell", date(2001, 5, 30), "F", "9 Mill Lane", "NS5 2QR"),
    ("George", "Ashdown", date(1968, 1, 14), "M", "77 Church Walk", "NS6 3LP"),
    ("Ava", "Fennimore", date(1995, 9, 9), "F", "15 Orchard Way", "NS7 8XY"),
    ("Noah", "Brackley", date(1988, 4, 17), "M", "2 Bridge End", "NS8 5TU"),
    ("Mia", "Cottingham", date(1999, 12, 1), "F", "60 High Street", "NS9 6WE"),
    ("Jack", "Dunmore", date(1975, 6, 21), "M", "8 Kiln Row", "NS1 9RS"),
    ("Freya", "Elmstead", date(1983, 3, 28), "F", "23 Park View", "NS2 2GH"),
    ("Leo", "Gorringe", date(2005, 8, 8), "M", "5 Heath Rise", "NS3 4JK"),
    ("Ella", "Holloway", date(1972, 10, 19), "F", "31 Quarry Hill", "NS4 1MN"),
]


def record(
    given: str,
    family: str,
    dob: date | None,
    *,
    sex: str = "U",
    line1: str = "",
    postcode: str = "",
    nhs: str = "",
    pnc: str = "",
    protected: bool = False,
    former: bool = False,
    commit_hooks: Any = None,
) -> Person:
    """One agency record, written as the people service would (one transaction)."""
    with transaction.atomic():
        person = Person.objects.create(
            given_name=given,
            family_name=family,
            date_of_birth=dob,
            sex=Sex(sex),
            protected_identity=protected,
            is_former_identity=former,
        )
        if postcode:
            PersonAddress.objects.create(
                person=person,
                line1=line1,
                town="Northam",
                postcode=postcode,
                valid_from=date(2024, 1, 1),
            )
        if nhs:
            PersonIdentifier.objects.create(person=person, scheme=IdentifierScheme.NHS, value=nhs)
        if pnc:
            PersonIdentifier.objects.create(person=person, scheme=IdentifierScheme.PNC, value=pnc)
    return person


def population() -> list[Person]:
    index_reset()
    return [record(g, f, d, sex=s, line1=line, postcode=pc) for g, f, d, s, line, pc in _POPULATION]
