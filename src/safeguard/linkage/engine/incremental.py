"""Match one new record against an existing index of records, without retraining or scanning.

Built once from the indexed records: their feature columns, a lookup per blocking key
(hashed key -> record positions, as sorted numpy arrays: compact at millions of records) and
term-frequency tables. A query cleans the new record, looks up its blocking keys (the same
rules as the batch run), and scores only those candidates with the trained model in Python.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from safeguard.linkage.engine.blocking import RULES, blocking_key_columns, record_keys
from safeguard.linkage.engine.features import FEATURE_COLUMNS, feature_columns, record_features
from safeguard.linkage.engine.model import LinkageModel
from safeguard.linkage.engine.records import PersonRecord
from safeguard.linkage.engine.scoring import FieldEvidence, PairScorer
from safeguard.linkage.engine.term_frequencies import smoothed_share

Decision = str  # "link", "review" or "no_link"


class _KeyLookup:
    """Positions of the records holding each value of one blocking key.

    Keys are stored as their Python hash (the index lives and is queried in one process, so
    the per-process hash seed does not matter), sorted, beside the positions: two int64 arrays
    instead of a dictionary of strings. A rare hash collision only adds a candidate, which
    then scores as the stranger it is.
    """

    def __init__(self, values: Sequence[str | None]) -> None:
        positions = [i for i, v in enumerate(values) if v is not None]
        hashes = np.fromiter((hash(values[i]) for i in positions), np.int64, len(positions))
        order = np.argsort(hashes, kind="stable")
        self._hashes: npt.NDArray[np.int64] = hashes[order]
        self._positions: npt.NDArray[np.int64] = np.asarray(positions, dtype=np.int64)[order]
        self._added: dict[str, list[int]] = {}  # records added after the build

    def get(self, value: str) -> list[int]:
        target = hash(value)
        low = int(np.searchsorted(self._hashes, target, side="left"))
        high = int(np.searchsorted(self._hashes, target, side="right"))
        found: list[int] = self._positions[low:high].tolist()
        return found + self._added.get(value, [])

    def add(self, value: str, position: int) -> None:
        self._added.setdefault(value, []).append(position)


@dataclass(frozen=True, slots=True)
class Candidate:
    record_id: str
    match_weight: float
    match_probability: float
    decision: Decision
    fields: tuple[FieldEvidence, ...]


class _Row(Mapping[str, Any]):
    """One indexed record's features, read from the column lists without copying."""

    __slots__ = ("_columns", "_position")

    def __init__(self, columns: Mapping[str, list[Any]], position: int) -> None:
        self._columns = columns
        self._position = position

    def __getitem__(self, column: str) -> Any:
        return self._columns[column][self._position]

    def __iter__(self) -> Any:
        return iter(self._columns)

    def __len__(self) -> int:
        return len(self._columns)


class IncrementalMatcher:
    def __init__(self, model: LinkageModel, records: Sequence[PersonRecord]) -> None:
        self.model = model
        self._scorer = PairScorer(model.splink_settings)
        self._record_ids = [r.record_id for r in records]
        self._columns = feature_columns(records)
        keys = blocking_key_columns(self._columns, model.max_block_size)
        self._lookups = {name: _KeyLookup(values) for name, values in keys.items()}
        self._counts = {c: Counter(v for v in self._columns[c] if v is not None) for c in self._tf}
        self._totals = {c: sum(counts.values()) for c, counts in self._counts.items()}

    @property
    def _tf(self) -> list[str]:
        return self._scorer.tf_columns

    def __len__(self) -> int:
        return len(self._record_ids)

    def add(self, record: PersonRecord) -> None:
        """Index one more record (say, once it is stored), so later queries can find it."""
        position = len(self._record_ids)
        features = record_features(record, position)
        self._record_ids.append(record.record_id)
        for column in FEATURE_COLUMNS:
            self._columns[column].append(features[column])
        for name, value in record_keys(features).items():
            self._lookups[name].add(value, position)
        for column in self._tf:
            if features[column] is not None:
                self._counts[column][features[column]] += 1
                self._totals[column] += 1

    def candidate_positions(self, features: Mapping[str, Any]) -> list[int]:
        keys = record_keys(dict(features))
        found: set[int] = set()
        for rule in RULES:
            # The new record may sit on either side of a rule (day/month swap is one-sided).
            for mine, theirs in ((rule.left, rule.right), (rule.right, rule.left)):
                if mine in keys:
                    found.update(self._lookups[theirs].get(keys[mine]))
        return sorted(found)

    def _term_frequencies(self, features: Mapping[str, Any]) -> dict[str, _Shares]:
        priors = self._scorer.tf_priors
        return {
            c: _Shares(self._counts[c], self._totals[c], features[c], priors[c]) for c in self._tf
        }

    def _decision(self, probability: float) -> Decision:
        thresholds = self.model.thresholds
        if probability >= thresholds.link:
            return "link"
        return "review" if probability >= thresholds.review else "no_link"

    def match(
        self, record: PersonRecord, *, limit: int = 10, min_probability: float = 0.0
    ) -> list[Candidate]:
        """The best-scoring indexed records for a new one, strongest first, each with the
        per-field evidence behind its score. The record itself is not indexed."""
        features = record_features(record, -1)
        tf = self._term_frequencies(features)
        scored = []
        for position in self.candidate_positions(features):
            if self._record_ids[position] == record.record_id:
                continue
            score = self._scorer.score(features, _Row(self._columns, position), tf)
            if score.match_probability >= min_probability:
                scored.append((score, position))
        scored.sort(key=lambda item: (-item[0].match_weight, self._record_ids[item[1]]))
        return [
            Candidate(
                record_id=self._record_ids[position],
                match_weight=score.match_weight,
                match_probability=score.match_probability,
                decision=self._decision(score.match_probability),
                fields=score.fields,
            )
            for score, position in scored[:limit]
        ]


class _Shares(Mapping[Any, float]):
    """Smoothed share of the indexed records holding each value (see `term_frequencies`),
    the query's own value counted once as a batch run over index and query would."""

    def __init__(self, counts: Counter[Any], total: int, own_value: Any, prior: float) -> None:
        self._counts = counts
        self._own = own_value
        self._total = total + (1 if own_value is not None else 0)
        self._prior = prior

    def __getitem__(self, value: Any) -> float:
        count = self._counts.get(value, 0) + (1 if value == self._own else 0)
        if count == 0:
            raise KeyError(value)
        return smoothed_share(count, self._total, self._prior)

    def __iter__(self) -> Any:
        return iter(self._counts)

    def __len__(self) -> int:
        return len(self._counts)
