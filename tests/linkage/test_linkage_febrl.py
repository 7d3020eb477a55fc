"""FEBRL4, shipped inside the recordlinkage package: the one full-size evaluation in the suite
(10,000 records; about 10-30 seconds)."""

from __future__ import annotations

from safeguard.linkage.engine.batch import link_records
from safeguard.linkage.engine.evaluation import pairwise_scores
from safeguard.linkage.engine.febrl import load_febrl4


def test_febrl4_f1_at_least_0_99() -> None:
    data = load_febrl4()
    assert len(data.records) == 10_000
    result = link_records(data.records)
    predicted = dict(zip((r.record_id for r in data.records), result.person_ids, strict=True))
    scores = pairwise_scores(predicted, data.truth)
    assert scores.true_pairs == 5000
    assert scores.f1 >= 0.99, scores
