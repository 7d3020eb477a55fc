"""The other records of the same person, through the master person index (ADR 0209).

One man can be several ``people.Person`` rows: probation's record, the police's record under
a name spelled differently, a health record. The linkage app groups them into a master person
(``linkage.Membership``). A licence restriction held on any of his records is his: the alerts'
licence link and the probation side of routing look through the whole master person.

Former-identity records are left out: they are matched and linked only by the privacy officer,
and nothing about them may reach anyone else (ADR 0405).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from safeguard.linkage.models import Membership


def linked_records(person_ids: Iterable[Any]) -> dict[str, list[str]]:
    """Each person id -> every record of the same master person, itself first, then the
    others in id order. A person with no membership is a master person of their own."""
    ids = {str(p) for p in person_ids if p}
    if not ids:
        return {}
    own = {
        str(person_id): master_id
        for person_id, master_id in Membership.objects.filter(person_id__in=ids).values_list(
            "person_id", "master_id"
        )
    }
    members: dict[Any, set[str]] = defaultdict(set)
    rows = Membership.objects.filter(
        master_id__in=set(own.values()), person__is_former_identity=False
    ).values_list("master_id", "person_id")
    for master_id, person_id in rows:
        members[master_id].add(str(person_id))
    found: dict[str, list[str]] = {}
    for person in sorted(ids):
        master = own.get(person)
        others = sorted(members.get(master, set()) - {person}) if master is not None else []
        found[person] = [person, *others]
    return found
