"""The demo county's master person index, with agency records still arriving.

``linkage_generate`` (called by ``safeguard.demo.county`` inside its transaction):
1. gives every person already in the county a master person of their own (the index);
2. adds a few second records from other agencies for people the county holds, each matched as
   it arrives through the incremental path (no retraining): police records of men on licence
   at the same address (linked automatically), health and police records after a move or with
   a misspelt name (left in the clerical review queue), and one old police record under a
   protected person's former identity (a restricted pair only the privacy officer sees).
Deterministic for a seed: people are chosen in name order with a seeded generator.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.db import transaction

from safeguard.audit.models import AuditAction
from safeguard.audit.services import AuditDraft, audit_record_many
from safeguard.linkage.models import MasterPerson, Membership
from safeguard.linkage.services import record_arrival
from safeguard.people.models import Person, PersonAddress, postcode_digest

LABEL = "demo-generator"
_LINKED = 5  # second records that agree on everything: linked on arrival
_REVIEW = 6  # second records after a move or with a slip: clerical review
_STREETS = ["Foundry Lane", "Sorrel Close", "Tannery Row", "Wharf Street", "Gorse Rise"]


def _misspelt(name: str, rng: random.Random) -> str:
    """One slip a clerk makes: two neighbouring letters swapped inside the name."""
    if len(name) < 5:
        return name + name[-1]
    i = rng.randint(1, len(name) - 3)
    return name[:i] + name[i + 1] + name[i] + name[i + 2 :]


def _copy(person: Person, *, given: str | None = None, family: str | None = None) -> Person:
    return Person(
        given_name=given or person.given_name,
        family_name=family or person.family_name,
        date_of_birth=person.date_of_birth,
        sex=person.sex,
    )


def linkage_generate(*, seed: int, today: date) -> None:
    rng = random.Random(seed * 31 + 6)  # noqa: S311  # nosec B311 - seeded synthetic data
    with transaction.atomic():
        people = list(
            Person.objects.prefetch_related("addresses").order_by(
                "family_name", "given_name", "date_of_birth", "sex", "created_at", "pk"
            )
        )
        masters = [MasterPerson() for _ in people]
        MasterPerson.objects.bulk_create(masters)
        Membership.objects.bulk_create(
            [Membership(person=p, master=m) for p, m in zip(people, masters, strict=True)]
        )
        adults = [
            p
            for p in people
            if not p.protected_identity
            and not p.is_former_identity
            and (p.age_on(today) or 0) >= 18
            and any(a.valid_to is None for a in p.addresses.all())
        ]
        chosen = rng.sample(adults, _LINKED + _REVIEW)
        arrivals: list[tuple[Person, PersonAddress]] = []
        for n, original in enumerate(chosen):
            home = next(a for a in original.addresses.all() if a.valid_to is None)
            if n < _LINKED:  # same person, same home, recorded by another agency
                copy = _copy(original)
                line1, postcode = home.line1, home.postcode
            else:  # moved since, or a slip in the name, or both
                copy = (
                    _copy(original, family=_misspelt(original.family_name, rng))
                    if n % 2
                    else (_copy(original))
                )
                line1 = f"{rng.randint(1, 99)} {rng.choice(_STREETS)}"
                postcode = f"NS{rng.randint(1, 9)} {rng.randint(1, 9)}ZZ"
            arrivals.append((copy, _address(copy, line1, home.town, postcode, today)))
        former = (
            Person.objects.filter(is_former_identity=True)
            .prefetch_related("addresses")
            .order_by("family_name", "given_name", "date_of_birth")
            .first()
        )
        if former is not None:
            old = next(iter(former.addresses.all()), None)
            copy = _copy(former)
            if old is not None:
                arrivals.append((copy, _address(copy, old.line1, old.town, old.postcode, today)))
        Person.objects.bulk_create([p for p, _ in arrivals])  # bulk: matched explicitly below
        PersonAddress.objects.bulk_create([a for _, a in arrivals])
        audit_record_many(
            actor=None,
            actor_label=LABEL,
            drafts=[
                AuditDraft(
                    action=AuditAction.COLLECTION,
                    object_type="person",
                    object_id=str(p.pk),
                    summary="recorded a person (synthetic demo county, second agency record)",
                )
                for p, _ in arrivals
            ],
        )
        for person, _ in arrivals:
            record_arrival(person=person)


def _address(person: Person, line1: str, town: str, postcode: str, today: date) -> PersonAddress:
    return PersonAddress(
        person=person,
        line1=line1,
        town=town,
        postcode=postcode,
        postcode_index=postcode_digest(postcode),
        valid_from=today - timedelta(days=30),
    )
