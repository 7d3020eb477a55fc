"""Batch linkage: records in, one person id per record out (contracts.md section 2)."""

from __future__ import annotations

import logging
import os
import re
import shutil
import tempfile
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from splink import DuckDBAPI, Linker
from splink.internals.exceptions import SplinkException
from splink.internals.splink_dataframe import SplinkDataFrame

from safeguard.linkage.engine.backends import Backend, resolve_backend
from safeguard.linkage.engine.blocking import DEFAULT_MAX_BLOCK_SIZE, blocking_key_columns
from safeguard.linkage.engine.clustering import (
    ContradictionRules,
    Evidence,
    ScoredPair,
    constrained_clusters,
    evidence_from_columns,
    person_ids,
)
from safeguard.linkage.engine.features import feature_columns, to_frame
from safeguard.linkage.engine.model import (
    DEFAULT_SEED,
    MIN_TRAINING_RECORDS,
    LinkageModel,
    default_model,
    duckdb_api,
    present_optional_columns,
    tf_columns,
    train,
)
from safeguard.linkage.engine.records import PersonRecord
from safeguard.linkage.engine.scoring import PairScorer
from safeguard.linkage.engine.term_frequencies import (
    agreement_chance,
    register_with_splink,
    share_tables,
)

Progress = Callable[[str], None]
_log = logging.getLogger(__name__)
# DuckDB's memory for one run (beyond it, joins and sorts spill to a temporary directory).
# DuckDB's own default is 80% of the machine; with the records and their cleaned columns also
# in Python, a 1M-record run then went to 11 GiB. Override: SAFEGUARD_LINKAGE_DUCKDB_MEMORY=8GB.
DUCKDB_MEMORY_ENV = "SAFEGUARD_LINKAGE_DUCKDB_MEMORY"
DEFAULT_DUCKDB_MEMORY = "2GB"
_MEMORY = re.compile(r"\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)", re.IGNORECASE)


def _duckdb() -> DuckDBAPI:
    """The run's DuckDB (see `model.duckdb_api`), with a memory limit and a private spill
    directory, removed when the connection goes."""
    api = duckdb_api()
    limit = os.environ.get(DUCKDB_MEMORY_ENV, "").strip() or DEFAULT_DUCKDB_MEMORY
    if not _MEMORY.fullmatch(limit):
        raise ValueError(f"{DUCKDB_MEMORY_ENV}={limit!r}: give a size such as 2GB")
    spill = tempfile.mkdtemp(prefix="safeguard-linkage-")
    weakref.finalize(api, shutil.rmtree, spill, True)
    connection = api.duckdb_con
    connection.execute(f"SET memory_limit = '{limit}'")
    connection.execute(f"SET temp_directory = '{spill}'")
    return api


@dataclass(frozen=True, slots=True)
class LinkResult:
    person_ids: list[str]  # one per input record, in input order
    model: LinkageModel
    pairs_scored: int  # pairs at or above the review threshold
    pairs_linked: int  # pairs at or above the link threshold
    people: int
    # Pairs in the review band [review, link) that did not end up in one person anyway:
    # (record_id, record_id, match probability), sorted.
    review_pairs: list[tuple[str, str, float]]


def _quiet(_: str) -> None:
    return None


@dataclass(frozen=True, slots=True)
class ScoredRecords:
    """What the clustering needs: per-record evidence, scored pairs, the model used."""

    evidence: list[Evidence]
    pairs: list[ScoredPair]  # every pair at or above the review threshold
    model: LinkageModel


def score_pairs(
    records: Sequence[PersonRecord],
    *,
    model: LinkageModel | None = None,
    seed: int = DEFAULT_SEED,
    progress: Progress = _quiet,
    backend: Backend | None = None,
) -> ScoredRecords:
    """Clean, block and score the records with Splink (training first when no model).

    `backend` (default: SAFEGUARD_LINKAGE_BACKEND, else DuckDB) is where pairs are scored;
    training is always on DuckDB, so both backends score with the same model."""
    engine = resolve_backend(backend)
    progress(f"cleaning {len(records):,} records")
    columns = feature_columns(records)
    evidence = evidence_from_columns(columns)
    max_block = model.max_block_size if model else DEFAULT_MAX_BLOCK_SIZE
    frame = to_frame(columns | blocking_key_columns(columns, max_block))
    if model is None and len(records) < MIN_TRAINING_RECORDS:
        model = default_model()
    table: SplinkDataFrame | None = None
    if model is None or engine == "duckdb":
        table = _duckdb().register(frame, table_name="records")
    if model is None:
        assert table is not None
        progress("training the model on these records")
        model = _train(table, columns, evidence, seed)
    priors = PairScorer(model.splink_settings).tf_priors
    term_frequencies = share_tables(columns, priors)
    progress(f"scoring candidate pairs ({engine})")
    if engine == "spark":
        from safeguard.linkage.engine import spark

        del table  # the training table is not needed while Spark scores
        scored = spark.predict(
            frame, model.splink_settings, term_frequencies, model.thresholds.review
        )
    else:
        assert table is not None
        linker = Linker(table, model.splink_settings, log_level=None)
        register_with_splink(linker, table.db_api, term_frequencies, tag="predict")
        predictions = linker.inference.predict(
            threshold_match_probability=model.thresholds.review, warning_mode="never"
        )
        scored = predictions.as_pandas_dataframe()  # type: ignore[no-untyped-call]  # untyped
    # Rounding makes the order of near-equal pairs immune to last-bit float differences.
    pairs = [
        ScoredPair(int(left), int(right), round(p, 9))
        for left, right, p in zip(
            scored["unique_id_l"].tolist(),
            scored["unique_id_r"].tolist(),
            scored["match_probability"].tolist(),
            strict=True,
        )
    ]
    return ScoredRecords(evidence, pairs, model)


def _train(
    table: SplinkDataFrame, columns: dict[str, list[Any]], evidence: list[Evidence], seed: int
) -> LinkageModel:
    optional = present_optional_columns(columns)
    priors = {c: agreement_chance(columns[c]) for c in tf_columns(optional)}
    try:
        records = len(columns["unique_id"])
        model = train(table, optional, share_tables(columns, priors), records=records, seed=seed)
        PairScorer(model.splink_settings)  # every parameter usable, or fall back below
    except (ArithmeticError, ValueError, SplinkException) as error:
        _log.warning("training failed (%s); linking with the shipped model", error)
        return default_model()
    rules, anchors = ContradictionRules.calibrate(evidence)
    return replace(
        model,
        contradiction_rules=rules.to_dict(),
        training=model.training | {"anchor_pairs": anchors},
    )


def link_records(
    records: Sequence[PersonRecord],
    *,
    model: LinkageModel | None = None,
    seed: int = DEFAULT_SEED,
    progress: Progress = _quiet,
    backend: Backend | None = None,
) -> LinkResult:
    """Link records into people; trains on the records unless a model is given. `backend`
    chooses where pairs are scored (see `score_pairs`); the clustering is the same."""
    if not records:
        return LinkResult([], model or LinkageModel({}), 0, 0, 0, [])
    scored = score_pairs(records, model=model, seed=seed, progress=progress, backend=backend)
    return cluster_scored(records, scored, progress=progress)


def cluster_scored(
    records: Sequence[PersonRecord], scored: ScoredRecords, *, progress: Progress = _quiet
) -> LinkResult:
    """People from scored pairs: constrained clustering of the pairs above the link
    threshold (the same whichever backend scored them)."""
    threshold = scored.model.thresholds.link
    linked = [pair for pair in scored.pairs if pair.probability >= threshold]
    progress(f"clustering {len(linked):,} linked pairs")
    rules = ContradictionRules.from_dict(scored.model.contradiction_rules)
    labels = constrained_clusters(len(records), linked, scored.evidence, rules)
    ids = person_ids([r.record_id for r in records], labels)
    review_pairs: list[tuple[str, str, float]] = []
    for pair in scored.pairs:
        if pair.probability < threshold and ids[pair.left] != ids[pair.right]:
            first, second = sorted((records[pair.left].record_id, records[pair.right].record_id))
            review_pairs.append((first, second, round(pair.probability, 6)))
    review_pairs.sort()
    return LinkResult(
        person_ids=ids,
        model=scored.model,
        pairs_scored=len(scored.pairs),
        pairs_linked=len(linked),
        people=len(set(labels)),
        review_pairs=review_pairs,
    )
