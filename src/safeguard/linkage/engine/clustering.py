"""From scored pairs to people: clustering that refuses to merge contradictory records.

Plain connected components would join a father and his son of the same name through a record
of either one without a date of birth, and twins through anything they share. Here pairs are
merged strongest first, and two groups are merged only if no record of one contradicts a record
of the other: different NHS numbers or PNC ids, dates of birth that cannot be the same date
mistyped, unrelated forenames, or a different sex with a different forename.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from safeguard.linkage.engine.names import forenames_related


@dataclass(frozen=True, slots=True)
class Evidence:
    """What the contradiction rules look at in one record."""

    fn_tokens: tuple[str, ...]
    dob: tuple[int, int, int] | None
    sex: str | None
    nhs: str | None
    pnc: str | None
    ni: str | None


_EVIDENCE_COLUMNS = ("fn_tokens", "dob_y", "dob_m", "dob_d", "sex", "nhs", "pnc", "ni")


def evidence_from_columns(columns: Mapping[str, Sequence[Any]]) -> list[Evidence]:
    """Evidence per record from the feature columns (`features.feature_columns`)."""
    return [
        Evidence(
            fn_tokens=tuple(tokens) if tokens else (),
            dob=(year, month, day) if year is not None else None,
            sex=sex,
            nhs=nhs,
            pnc=pnc,
            ni=ni,
        )
        for tokens, year, month, day, sex, nhs, pnc, ni in zip(
            *(columns[c] for c in _EVIDENCE_COLUMNS), strict=True
        )
    ]


# Dates of birth further apart than this are of different people (parent and child), however
# the other fields agree; closer ones may be slips, and twins are told apart by forename.
_MAX_DAYS_APART = 4 * 365


def _years_look_mistyped(a: int, b: int) -> bool:
    return abs(a - b) <= 10 or sorted(str(a)) == sorted(str(b))


def dates_contradict(a: tuple[int, int, int], b: tuple[int, int, int]) -> bool:
    """True when two dates of birth are too far apart to be one date with typing slips:
    a generation apart, unless only the year differs in a way a slip explains."""
    (ya, ma, da), (yb, mb, db) = a, b
    if (ma, da) == (mb, db):
        return not _years_look_mistyped(ya, yb)
    if (ma, da) == (1, 1) or (mb, db) == (1, 1):
        return abs(ya - yb) > 1  # 1 January often stands for 'only the year is known'
    days_apart = abs((ya - yb) * 365 + (ma - mb) * 30 + (da - db))
    return days_apart > _MAX_DAYS_APART


# A rule that contradicts more than this share of 'anchor' pairs (two records with the same
# NHS number, PNC id or NI number: almost surely one person) is not trusted in this data.
_MAX_ANCHOR_CONTRADICTION_RATE = 0.05
_MIN_ANCHOR_PAIRS = 30
_MAX_ANCHOR_GROUP = 50
RULE_NAMES = ("nhs", "pnc", "dob", "forename", "sex")
_IDENTIFIERS = ("nhs", "pnc", "ni")


def _rule_fires(rule: str, a: Evidence, b: Evidence) -> bool:
    if rule in ("nhs", "pnc"):
        left, right = getattr(a, rule), getattr(b, rule)
        return bool(left and right and left != right)
    if rule == "dob":
        return a.dob is not None and b.dob is not None and dates_contradict(a.dob, b.dob)
    if rule == "forename":
        return not forenames_related(a.fn_tokens, b.fn_tokens)
    same_first = bool(a.fn_tokens and b.fn_tokens and a.fn_tokens[0] == b.fn_tokens[0])
    return bool(a.sex and b.sex and a.sex != b.sex) and not same_first


@dataclass(frozen=True, slots=True)
class ContradictionRules:
    """Disagreements that keep two records apart, each on unless the data shows it unreliable:
    different NHS numbers or PNC ids, dates of birth a generation apart, forenames that are
    not the same name mistyped or shortened, a different sex with a different forename.

    Records that share an identifier never contradict (one person's number outweighs slips in
    names and dates). Calibration counts how often each rule fires between such 'anchor'
    pairs: where agencies routinely record a person under another forename (FEBRL does), the
    forename rule would split people, so it stands down; in data with twins it stays on.
    """

    enabled: frozenset[str] = frozenset(RULE_NAMES)

    def to_dict(self) -> dict[str, bool]:
        return {rule: rule in self.enabled for rule in RULE_NAMES}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ContradictionRules:
        return cls(frozenset(r for r in RULE_NAMES if data.get(r, True)))

    @classmethod
    def calibrate(cls, evidence: Sequence[Evidence]) -> tuple[ContradictionRules, dict[str, Any]]:
        """Rules for these records, and the anchor counts behind the choice."""
        groups: dict[tuple[str, str], list[int]] = {}
        for position, record in enumerate(evidence):
            for name in _IDENTIFIERS:
                value = getattr(record, name)
                if value:
                    groups.setdefault((name, value), []).append(position)
        anchors: dict[str, set[tuple[int, int]]] = {name: set() for name in _IDENTIFIERS}
        for (name, _), members in groups.items():
            if 1 < len(members) <= _MAX_ANCHOR_GROUP:
                anchors[name].update(itertools.combinations(members, 2))
        enabled = set(RULE_NAMES)
        stats: dict[str, Any] = {}
        for rule in RULE_NAMES:
            # A rule about an identifier is judged on pairs anchored by the others.
            pairs = set().union(*(p for name, p in anchors.items() if name != rule))
            fired = sum(_rule_fires(rule, evidence[a], evidence[b]) for a, b in pairs)
            stats[rule] = {"anchor_pairs": len(pairs), "contradicted": fired}
            if len(pairs) >= _MIN_ANCHOR_PAIRS and fired > _MAX_ANCHOR_CONTRADICTION_RATE * len(
                pairs
            ):
                enabled.discard(rule)
        return cls(frozenset(enabled)), stats

    def contradict(self, a: Evidence, b: Evidence) -> bool:
        if _identifiers_agree(a, b):
            return False
        return any(_rule_fires(rule, a, b) for rule in RULE_NAMES if rule in self.enabled)


def _identifiers_agree(a: Evidence, b: Evidence) -> bool:
    return any(
        getattr(a, name) is not None and getattr(a, name) == getattr(b, name)
        for name in _IDENTIFIERS
    )


@dataclass(frozen=True, slots=True)
class ScoredPair:
    left: int
    right: int
    probability: float


def constrained_clusters(
    n_records: int,
    pairs: Iterable[ScoredPair],
    evidence: Sequence[Evidence],
    rules: ContradictionRules | None = None,
) -> list[int]:
    """Cluster label (a representative record position) for each record.

    Pairs are taken strongest first (ties by position, so the result is deterministic); a pair
    joins its two groups unless some record of one contradicts some record of the other.
    """
    contradict = (rules or ContradictionRules()).contradict
    parent = list(range(n_records))
    members: dict[int, list[int]] = {}

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    ordered = sorted(
        pairs, key=lambda p: (-p.probability, min(p.left, p.right), max(p.left, p.right))
    )
    for pair in ordered:
        root_a, root_b = find(pair.left), find(pair.right)
        if root_a == root_b:
            continue
        group_a = members.get(root_a, [root_a])
        group_b = members.get(root_b, [root_b])
        if any(contradict(evidence[i], evidence[j]) for i in group_a for j in group_b):
            continue
        if len(group_a) < len(group_b):
            root_a, root_b, group_a, group_b = root_b, root_a, group_b, group_a
        parent[root_b] = root_a
        members[root_a] = group_a + group_b
        members.pop(root_b, None)
    return [find(i) for i in range(n_records)]


def person_ids(record_ids: Sequence[str], labels: Sequence[int]) -> list[str]:
    """A person id per record, derived from the smallest record id of its cluster, so that it
    stays the same when the same records are linked again."""
    smallest: dict[int, str] = {}
    for record_id, label in zip(record_ids, labels, strict=True):
        if label not in smallest or record_id < smallest[label]:
            smallest[label] = record_id
    digest = {
        label: "P-" + hashlib.sha256(rid.encode("utf-8")).hexdigest()[:12].upper()
        for label, rid in smallest.items()
    }
    return [digest[label] for label in labels]
