"""Person-index match proposals for triage staff (never for the public form).

The concern's child name, date of birth or age, postcode and address are scored against the
whole person index by the linkage service (``safeguard.linkage.candidates.propose_candidates``:
the trained UK person model, nickname and typo tolerant, term-frequency weighted). The best few
above the proposal threshold are proposed with what agrees; the triage worker decides.
Protected and former identities are never proposed here (only the privacy officer sees them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from safeguard.linkage.candidates import Evidence, LinkCandidate, propose_candidates
from safeguard.people.models import Person
from safeguard.referrals.models import Concern
from safeguard.safeguarding.models import Child

_MAX_PROPOSALS = 5
_DATE = re.compile(r"\b(\d{1,2})[/ .-](\d{1,2})[/ .-](\d{4})\b")
_AGE = re.compile(r"\b(\d{1,2})\b")


@dataclass(frozen=True)
class Proposal:
    person: Person
    score: int  # the match weight in whole bits (evidence for minus against)
    reasons: tuple[str, ...]
    has_child_record: bool
    match_probability: float = 0.0
    explanation: tuple[Evidence, ...] = ()


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


def reasons_from(candidate: LinkCandidate) -> tuple[str, ...]:
    """What agrees, in the words triage used before: postcode, full name, date of birth."""
    agree = {e.comparison: e for e in candidate.explanation if e.verdict == "agree"}
    reasons: list[str] = []
    residence = agree.get("residence")
    if residence is not None:
        if residence.level in ("same dwelling and postcode", "same postcode"):
            reasons.append("postcode")
        elif "dwelling" in residence.level:
            reasons.append("address")
        else:
            reasons.append("postcode area")
    forename, surname = agree.get("forename"), agree.get("surname")
    if forename and surname:
        exact = forename.level == "same forename" and surname.level == "same surname"
        reasons.append("full name" if exact else "similar name")
    elif surname:
        reasons.append("family name" if surname.level == "same surname" else "similar family name")
    elif forename:
        reasons.append("first name")
    dob = agree.get("date_of_birth")
    if dob is not None:
        reasons.append(
            "date of birth" if dob.level == "same date of birth" else "close date of birth"
        )
    if "age" in agree:
        reasons.append("age")
    return tuple(reasons)


def propose_matches(concern: Concern, *, today: date) -> list[Proposal]:
    candidates = propose_candidates(
        name=concern.child_name,
        date_of_birth=_stated_dob(concern.child_age),
        age=_stated_age(concern.child_age),
        postcode=concern.postcode,
        address=concern.address,
        today=today,
        limit=_MAX_PROPOSALS,
    )
    children = set(
        Child.objects.filter(pk__in=[c.person.pk for c in candidates]).values_list("pk", flat=True)
    )
    return [
        Proposal(
            person=c.person,
            score=round(c.match_weight),
            reasons=reasons_from(c),
            has_child_record=c.person.pk in children,
            match_probability=c.match_probability,
            explanation=c.explanation,
        )
        for c in candidates
    ]
