"""Pairwise precision, recall and F1 of a clustering against known truth."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class PairwiseScores:
    records: int
    true_pairs: int
    predicted_pairs: int
    correct_pairs: int
    precision: float
    recall: float
    f1: float

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def pairwise_scores(predicted: Mapping[str, str], truth: Mapping[str, str]) -> PairwiseScores:
    """Scores over the records present in both mappings (record_id -> cluster id).

    A pair counts as predicted when both records share a predicted person id, and as true when
    they share a true one. With no pairs on a side its ratio is 1 (nothing to get wrong).
    """
    common = sorted(set(predicted) & set(truth))
    predicted_sizes = Counter(predicted[r] for r in common)
    true_sizes = Counter(truth[r] for r in common)
    both_sizes = Counter((predicted[r], truth[r]) for r in common)
    predicted_pairs = sum(_pairs(n) for n in predicted_sizes.values())
    true_pairs = sum(_pairs(n) for n in true_sizes.values())
    correct = sum(_pairs(n) for n in both_sizes.values())
    precision = correct / predicted_pairs if predicted_pairs else 1.0
    recall = correct / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return PairwiseScores(
        records=len(common),
        true_pairs=true_pairs,
        predicted_pairs=predicted_pairs,
        correct_pairs=correct,
        precision=precision,
        recall=recall,
        f1=f1,
    )
