from __future__ import annotations

import pytest

from safeguard.linkage.engine.evaluation import pairwise_scores


def test_pairwise_scores_count_pairs() -> None:
    truth = {"a": "1", "b": "1", "c": "1", "d": "2", "e": "3"}
    predicted = {"a": "x", "b": "x", "c": "y", "d": "y", "e": "z"}
    scores = pairwise_scores(predicted, truth)
    assert (scores.true_pairs, scores.predicted_pairs, scores.correct_pairs) == (3, 2, 1)
    assert scores.precision == pytest.approx(0.5)
    assert scores.recall == pytest.approx(1 / 3)
    assert scores.f1 == pytest.approx(0.4)


def test_perfect_and_empty() -> None:
    truth = {"a": "1", "b": "1"}
    assert pairwise_scores({"a": "p", "b": "p"}, truth).f1 == 1.0
    assert pairwise_scores({"a": "p", "b": "q"}, truth).recall == 0.0
    assert pairwise_scores({}, {}).f1 == 1.0
