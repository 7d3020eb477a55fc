"""The trained person model: Splink settings and parameters, thresholds, versioned JSON.

Training is unsupervised (no labelled pairs): u probabilities from a seeded random sample of
pairs, m probabilities by expectation maximisation over two blocked samples, so that every
comparison is estimated at least once from pairs that did not use it for blocking.

The prior match probability is held at its whole-data estimate during EM. Left free, it drifts
to 1 inside a block (members of one household agree on so much that EM takes 'same household'
for 'same person') and the m probabilities then describe all pairs, not matches; held low,
only pairs with overwhelming evidence count as matches, which is what m should describe.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb
import splink
from splink import DuckDBAPI, Linker, SettingsCreator
from splink.internals.splink_dataframe import SplinkDataFrame

from safeguard.linkage.engine.blocking import DEFAULT_MAX_BLOCK_SIZE, RULES
from safeguard.linkage.engine.comparisons import person_comparisons
from safeguard.linkage.engine.term_frequencies import register_with_splink

MODEL_FORMAT = "safeguard-linkage-model"
MODEL_FORMAT_VERSION = 1
DEFAULT_SEED = 4242
# Match probability at or above which a pair is linked in batch output, and the lower edge of
# the band of pairs a person should review (neither linked nor dismissed).
DEFAULT_LINK_THRESHOLD = 0.7
DEFAULT_REVIEW_THRESHOLD = 0.2
# Deterministic rules that almost never join two different people, used to estimate the prior
# probability that two records match; they are assumed to find this share of true matches.
_PRIOR_RULES = ("l.fn = r.fn AND l.sn = r.sn AND l.dob = r.dob", "l.nhs = r.nhs")
_PRIOR_RULES_RECALL = 0.6
_EM_BLOCKS = ("l.k_dob_ymd = r.k_dob_ymd", "l.k_name = r.k_name")
_U_SAMPLE_PAIRS = 1e6
# Fewer records than this are too few to learn m and u from: such a batch (one household from
# the web, a test file) is linked with the model shipped in data/default_model.json, trained
# on 100,000 synthetic records (see docs/linkage-engine.md for how to rebuild it).
MIN_TRAINING_RECORDS = 100
_THREADS = 2
_log = logging.getLogger(__name__)


class ModelFileError(Exception):
    """A model file that cannot be read, or not one of ours, or of a newer format."""


@dataclass(frozen=True, slots=True)
class Thresholds:
    review: float = DEFAULT_REVIEW_THRESHOLD
    link: float = DEFAULT_LINK_THRESHOLD


@dataclass(frozen=True, slots=True)
class LinkageModel:
    splink_settings: dict[str, Any]
    thresholds: Thresholds = field(default_factory=Thresholds)
    max_block_size: int = DEFAULT_MAX_BLOCK_SIZE
    # Which contradiction rules the clustering applies (see clustering.ContradictionRules).
    contradiction_rules: dict[str, bool] = field(default_factory=dict)
    training: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": MODEL_FORMAT,
            "format_version": MODEL_FORMAT_VERSION,
            "splink_version": splink.__version__,
            "thresholds": {"review": self.thresholds.review, "link": self.thresholds.link},
            "max_block_size": self.max_block_size,
            "contradiction_rules": self.contradiction_rules,
            "training": self.training,
            "splink_settings": self.splink_settings,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LinkageModel:
        if not isinstance(data, dict) or data.get("format") != MODEL_FORMAT:
            raise ModelFileError("not a safeguard linkage model")
        version = data.get("format_version")
        if not isinstance(version, int) or version > MODEL_FORMAT_VERSION:
            raise ModelFileError(f"model format version {version!r} is newer than this program")
        try:
            thresholds = Thresholds(
                review=float(data["thresholds"]["review"]), link=float(data["thresholds"]["link"])
            )
            return cls(
                splink_settings=dict(data["splink_settings"]),
                thresholds=thresholds,
                max_block_size=int(data.get("max_block_size", DEFAULT_MAX_BLOCK_SIZE)),
                contradiction_rules={
                    str(k): bool(v) for k, v in dict(data.get("contradiction_rules", {})).items()
                },
                training=dict(data.get("training", {})),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise ModelFileError(f"model file is incomplete: {error}") from error

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_dict(), indent=2, sort_keys=True) + "\n")

    @classmethod
    def load(cls, path: Path) -> LinkageModel:
        try:
            data = json.loads(path.read_text())
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise ModelFileError(f"{path}: cannot read model: {error}") from error
        return cls.from_dict(data)


@cache
def _default_model_text() -> str:
    return (
        resources.files("safeguard.linkage.engine").joinpath("data/default_model.json").read_text()
    )


def default_model() -> LinkageModel:
    """The shipped model, for batches too small (or too odd) to train on."""
    return LinkageModel.from_dict(json.loads(_default_model_text()))


def duckdb_api() -> DuckDBAPI:
    """A private in-memory DuckDB for one run, limited to the cores we may use."""
    connection = duckdb.connect(":memory:")
    connection.execute(f"SET threads = {_THREADS}")
    connection.execute("SET enable_progress_bar = false")
    return DuckDBAPI(connection)


def present_optional_columns(columns: Mapping[str, Sequence[Any]]) -> tuple[str, ...]:
    """Optional fields that carry any value in these records: only those get a comparison."""
    column_of = {"sex": "sex", "nhs_number": "nhs", "pnc_id": "pnc", "ni_number": "ni"}
    return tuple(
        name
        for name, column in column_of.items()
        if any(value is not None for value in columns[column])
    )


def untrained_settings(optional_columns: tuple[str, ...]) -> SettingsCreator:
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=[comparison.splink() for comparison in person_comparisons(optional_columns)],
        blocking_rules_to_generate_predictions=list[Any]([rule.sql for rule in RULES]),
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
        # m to three decimals is all the linkage needs; each iteration is a round trip.
        max_iterations=15,
        em_convergence=0.001,
        # A fixed id keeps the saved model byte-identical between runs on the same data.
        linker_uid="safeguard",
    )


def tf_columns(optional: tuple[str, ...]) -> list[str]:
    """Columns whose agreement is adjusted for how common the value is."""
    return sorted(
        {
            level.tf_column
            for comparison in person_comparisons(optional)
            for level in comparison.levels
            if level.tf_column
        }
    )


_PARAMETERS = ("m_probability", "u_probability", "probability_two_random_records_match")


def _rounded(value: Any) -> Any:
    """Parameters to 10 significant digits: DuckDB sums in parallel, so the last bits of an
    estimate vary from run to run; rounded, the same records give a byte-identical model."""
    if isinstance(value, dict):
        return {
            k: float(f"{v:.10g}") if k in _PARAMETERS and isinstance(v, float) else _rounded(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    return value


def train(
    table: SplinkDataFrame,
    optional: tuple[str, ...],
    term_frequencies: dict[str, dict[Any, float]],
    *,
    records: int,
    seed: int = DEFAULT_SEED,
    thresholds: Thresholds | None = None,
) -> LinkageModel:
    """Estimate the model's parameters on a registered table of keyed features, with the
    given term-frequency shares (see `term_frequencies`)."""
    linker = Linker(table, untrained_settings(optional), log_level=None)
    register_with_splink(linker, table.db_api, term_frequencies, tag="training")
    training = linker.training
    try:
        training.estimate_probability_two_random_records_match(
            list(_PRIOR_RULES), recall=_PRIOR_RULES_RECALL
        )
    except ValueError as error:  # too few records to estimate: keep the default prior
        _log.info("prior not estimated: %s", error)
    prior = linker._settings_obj._probability_two_random_records_match
    if not 0 < prior < 0.5:  # nonsense from odd data (every pair 'matches'): keep Splink's
        linker._settings_obj._probability_two_random_records_match = 0.0001
    # With every pair affordable, one pass over all of them beats Splink's chunked sampling.
    all_pairs = records * (records - 1) / 2
    if all_pairs <= _U_SAMPLE_PAIRS:
        training.estimate_u_using_random_sampling(
            max_pairs=_U_SAMPLE_PAIRS, seed=seed, num_chunks=1, min_count_per_level=None
        )
    else:
        training.estimate_u_using_random_sampling(max_pairs=_U_SAMPLE_PAIRS, seed=seed)
    for block in _EM_BLOCKS:
        try:
            # Term frequencies are left out of EM only: same estimates here, half the time.
            training.estimate_parameters_using_expectation_maximisation(
                block,
                fix_probability_two_random_records_match=True,
                estimate_without_term_frequencies=True,
            )
        except Exception as error:  # Splink raises bare Exceptions on data too small for EM
            _log.info("EM on %s skipped: %s", block, error)
    settings = _rounded(linker.misc.save_model_to_json())
    return LinkageModel(
        splink_settings=settings,
        thresholds=thresholds or Thresholds(),
        max_block_size=DEFAULT_MAX_BLOCK_SIZE,
        training={"seed": seed, "optional_columns": list(optional)},
    )
