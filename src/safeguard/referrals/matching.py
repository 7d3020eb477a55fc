"""Person-index match proposals for triage staff (never for the public form).

Simple on purpose: a candidate is any person the system holds whose current or past address has
the concern's postcode (by the blind index, so no address is decrypted to search), or whose name
matches the name given. Each candidate is scored by what agrees (postcode, full name, family
name, date of birth or age) and the best few are proposed; the triage worker decides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.db.models import Q

from safeguard.people.models import Person, PersonAddress, postcode_digest
from safeguard.referrals.models import Concern
from safeguard.safeguarding.models import Child

_MAX_PROPOSALS = 5
_DATE = re.compile(r"\b(\d{1,2})[/ .-](\d{1,2})[/ .-](\d{4})\b")
_AGE = re.compile(r"\b(\d{1,2})\b")


@dataclass(frozen=True)
class Proposal:
    person: Person
    score: int
    reasons: tuple[str, ...]
    has_child_record: bool


def _stated_dob(text: str) -> date | None:
    found = _DATE.search(text)
    if not found:
        try:
            return date.fromisoformat(text.strip())
        except ValueError:
            return None
    day, month, year = (int(g) for g in found.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _stated_age(text: str) -> int | None:
    found = _AGE.search(text)
    return int(found.group(1)) if found and _stated_dob(text) is None else None


def _name_parts(name: str) -> tuple[str, str]:
    words = name.casefold().split()
    if not words:
        return "", ""
    return (words[0] if len(words) > 1 else ""), words[-1]


def propose_matches(concern: Concern, *, today: date) -> list[Proposal]:
    given, family = _name_parts(concern.child_name)
    postcode = concern.postcode.strip()
    by_postcode: set[object] = set()
    query = Q(pk__in=[])
    if postcode:
        by_postcode = set(
            PersonAddress.objects.filter(postcode_index=postcode_digest(postcode)).values_list(
                "person_id", flat=True
            )
        )
        query |= Q(pk__in=by_postcode)
    if family:
        query |= Q(family_name__iexact=family)
    candidates = Person.objects.filter(query, is_former_identity=False)[:200]
    dob = _stated_dob(concern.child_age)
    age = _stated_age(concern.child_age)
    proposals: list[Proposal] = []
    for person in candidates:
        score, reasons = 0, list[str]()
        if person.pk in by_postcode:
            score, reasons = score + 3, [*reasons, "postcode"]
        if family and person.family_name.casefold() == family:
            if given and person.given_name.casefold() == given:
                score, reasons = score + 4, [*reasons, "full name"]
            else:
                score, reasons = score + 1, [*reasons, "family name"]
        if dob is not None and person.date_of_birth == dob:
            score, reasons = score + 4, [*reasons, "date of birth"]
        elif age is not None and person.age_on(today) in (age - 1, age, age + 1):
            score, reasons = score + 1, [*reasons, "age"]
        if score >= 3:
            proposals.append(Proposal(person, score, tuple(reasons), False))
    proposals.sort(key=lambda p: (-p.score, p.person.family_name, p.person.given_name))
    proposals = proposals[:_MAX_PROPOSALS]
    children = set(
        Child.objects.filter(pk__in=[p.person.pk for p in proposals]).values_list("pk", flat=True)
    )
    return [Proposal(p.person, p.score, p.reasons, p.person.pk in children) for p in proposals]
