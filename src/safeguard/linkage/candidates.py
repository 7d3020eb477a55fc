"""``propose_candidates``: people in the index who may be the one a free-text description means.

For other areas (the concerns triage, naming adults): a name, a date of birth or an age, a
postcode and perhaps an address, scored against every person in the index by the trained
linkage model (the incremental matcher: no retraining, no table scan), strongest first, each
with the per-comparison evidence behind the score.

Protected and former identities are proposed only to the privacy officer (ADR 0405): for
anyone else (and for callers that name no viewer) they are left out, so that a proposal never
reveals that a protected person lives at the postcode given, or that a former identity exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from safeguard.linkage import conf, index
from safeguard.linkage.access import sees_restricted
from safeguard.linkage.selectors import COMPARISON_LABELS, verdict_of
from safeguard.people.models import Person

_QUERY_ID = "query:description"


@dataclass(frozen=True)
class Evidence:
    comparison: str
    label: str
    level: str
    match_weight: float  # bits; positive for, negative against
    verdict: str  # "agree", "disagree" or "no evidence"


@dataclass(frozen=True)
class LinkCandidate:
    person: Person
    match_weight: float
    match_probability: float
    explanation: tuple[Evidence, ...]

    def agreeing(self) -> list[Evidence]:
        return [e for e in self.explanation if e.verdict == "agree"]


def split_name(name: str) -> tuple[str, str]:
    """'Tilly May Testchild' -> ('Tilly May', 'Testchild'); one word is taken as the surname."""
    words = name.split()
    if not words:
        return "", ""
    if len(words) == 1:
        return "", words[0]
    return " ".join(words[:-1]), words[-1]


def _age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def propose_candidates(
    *,
    viewer: Any | None = None,
    name: str = "",
    given_name: str = "",
    family_name: str = "",
    date_of_birth: date | None = None,
    age: int | None = None,
    postcode: str = "",
    address: str = "",
    today: date | None = None,
    limit: int = 5,
    min_probability: float | None = None,
    exclude: tuple[Any, ...] = (),
) -> list[LinkCandidate]:
    """The people a description most likely means, best first (at most ``limit``).

    ``age`` is used only without ``date_of_birth``: the model cannot score an age, so people
    whose age on ``today`` is more than a year from it are dropped, and an ``age`` evidence
    line says it agreed.
    """
    from safeguard.linkage.engine.records import PersonRecord

    if name and not (given_name or family_name):
        given_name, family_name = split_name(name)
    if not (given_name or family_name or date_of_birth or postcode):
        return []
    record = PersonRecord(
        record_id=_QUERY_ID,
        forename=given_name.strip(),
        surname=family_name.strip(),
        date_of_birth=date_of_birth.isoformat() if date_of_birth else "",
        postcode=postcode.strip(),
        address=address.strip(),
    )
    floor = conf.proposal_min_probability() if min_probability is None else min_probability
    matched = index.matcher().match(record, limit=max(limit * 8, 40), min_probability=floor)
    people = Person.objects.in_bulk([c.record_id for c in matched], field_name="pk")
    by_id = {str(pk): p for pk, p in people.items()}
    restricted_ok = viewer is not None and sees_restricted(viewer)
    excluded = {str(e) for e in exclude}
    day = today or date.today()
    proposals: list[LinkCandidate] = []
    for candidate in matched:
        person = by_id.get(candidate.record_id)
        if person is None or candidate.record_id in excluded:
            continue
        if (person.protected_identity or person.is_former_identity) and not restricted_ok:
            continue
        explanation = [
            Evidence(
                f.comparison,
                COMPARISON_LABELS.get(f.comparison, f.comparison),
                f.level,
                f.match_weight,
                verdict_of(f.match_weight),
            )
            for f in candidate.fields
        ]
        if date_of_birth is None and age is not None:
            if person.date_of_birth is None or abs(_age_on(person.date_of_birth, day) - age) > 1:
                continue
            # Not scored by the model (weight 0): a filter, shown so the reviewer knows.
            explanation.append(
                Evidence("age", "Age", "within a year of the age given", 0.0, "agree")
            )
        proposals.append(
            LinkCandidate(
                person, candidate.match_weight, candidate.match_probability, tuple(explanation)
            )
        )
        if len(proposals) >= limit:
            break
    return proposals
