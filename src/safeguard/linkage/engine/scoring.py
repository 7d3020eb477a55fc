"""Score one pair of records in Python with a trained model's parameters.

The batch run scores pairs in SQL through Splink; scoring one new record against a handful of
candidates does not need a database round trip. This module reads the trained parameters out
of Splink's own settings object (so match weights, term-frequency adjustments and the prior
are computed exactly as Splink defines them) and evaluates the same levels with the Python
tests written beside their SQL in `comparisons`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from splink import SettingsCreator

from safeguard.linkage.engine.comparisons import Row, comparisons_by_name


@dataclass(frozen=True, slots=True)
class _LevelParameters:
    label: str
    weight: float  # log2 Bayes factor of the level
    tf_column: str | None
    tf_weight: float
    log2_u_exact: float  # u of the exact-match level the TF adjustment replaces
    tf_minimum_u: float


@dataclass(frozen=True, slots=True)
class FieldEvidence:
    """How one comparison contributed to a pair's match weight."""

    comparison: str
    level: str
    match_weight: float  # bits for (+) or against (-) a match, term frequency included


@dataclass(frozen=True, slots=True)
class PairScore:
    match_weight: float
    match_probability: float
    fields: tuple[FieldEvidence, ...]


def probability_from_weight(weight: float) -> float:
    if weight > 60:
        return 1.0
    if weight < -60:
        return 0.0
    odds = math.pow(2.0, weight)
    return odds / (1.0 + odds)


class PairScorer:
    """A trained Splink model, evaluated pair by pair in Python."""

    def __init__(self, splink_settings: Mapping[str, Any]) -> None:
        settings = SettingsCreator.from_path_or_dict(dict(splink_settings)).get_settings("duckdb")
        prior = settings._probability_two_random_records_match
        self.prior_weight = math.log2(prior / (1.0 - prior))
        specs = comparisons_by_name()
        self._comparisons = []
        for comparison in settings.comparisons:
            name = comparison.output_column_name
            spec = specs[name]
            levels = comparison.comparison_levels
            if len(levels) != len(spec.levels):
                raise ValueError(f"model comparison {name!r} does not match this program")
            parameters = [self._parameters(level, levels) for level in levels]
            self._comparisons.append((spec, parameters))
        # Each term-frequency column's prior: the u probability of exact agreement on it.
        self.tf_priors = {
            p.tf_column: 2.0**p.log2_u_exact
            for _, params in self._comparisons
            for p in params
            if p.tf_column
        }
        self.tf_columns = sorted(self.tf_priors)

    @staticmethod
    def _parameters(level: Any, levels: list[Any]) -> _LevelParameters:
        if level.is_null_level:
            return _LevelParameters(level.label_for_charts, 0.0, None, 0.0, 0.0, 0.0)
        weight = float(level._log2_bayes_factor)
        tf_column = None
        log2_u_exact = 0.0
        if level._has_tf_adjustments and level._tf_adjustment_weight != 0:
            tf_column = level._tf_adjustment_input_column_name
            log2_u_exact = math.log2(level._u_probability_corresponding_to_exact_match(levels))
        return _LevelParameters(
            label=level.label_for_charts,
            weight=weight,
            tf_column=tf_column,
            tf_weight=float(level._tf_adjustment_weight or 0.0),
            log2_u_exact=log2_u_exact,
            tf_minimum_u=float(level._tf_minimum_u_value or 0.0),
        )

    def score(
        self, left: Row, right: Row, term_frequencies: Mapping[str, Mapping[Any, float]]
    ) -> PairScore:
        """Score two records' feature rows; term_frequencies maps a column to value shares."""
        total = self.prior_weight
        fields = []
        for spec, parameters in self._comparisons:
            level = parameters[spec.level_of(left, right)]
            weight = level.weight
            if level.tf_column is not None:
                weight += self._tf_adjustment(level, left, right, term_frequencies)
            total += weight
            fields.append(FieldEvidence(spec.name, level.label, weight))
        return PairScore(total, probability_from_weight(total), tuple(fields))

    @staticmethod
    def _tf_adjustment(
        level: _LevelParameters,
        left: Row,
        right: Row,
        term_frequencies: Mapping[str, Mapping[Any, float]],
    ) -> float:
        column = level.tf_column
        assert column is not None
        table = term_frequencies.get(column, {})
        found = [f for f in (table.get(left[column]), table.get(right[column])) if f is not None]
        if not found:
            return 0.0
        share = max(*found, level.tf_minimum_u)
        return level.tf_weight * (level.log2_u_exact - math.log2(share))
