"""The Spark backend (Splink's SparkAPI, local mode) scores the same pairs as DuckDB and so
finds the same people. The Spark test starts a JVM: about a minute on a quiet 2-core machine
(docs/adr/0410-linkage-spark-backend.md), so it shares one session and one scoring run."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from safeguard.linkage.cli import app
from safeguard.linkage.engine import spark
from safeguard.linkage.engine.backends import (
    BACKEND_ENV,
    UnknownBackendError,
    resolve_backend,
)
from safeguard.linkage.engine.batch import (
    LinkResult,
    ScoredRecords,
    cluster_scored,
    score_pairs,
)
from safeguard.linkage.engine.evaluation import pairwise_scores
from safeguard.linkage.engine.files import write_records
from safeguard.linkage.engine.synthetic import SyntheticData

RECORDS = 400  # of the shared 1,000-record synthetic set


@pytest.fixture(scope="module")
def local_spark() -> Iterator[None]:
    """A small local session (2 threads, 1 GiB driver, no UI, 2 shuffle partitions), stopped
    after this module so that no JVM outlives the tests that need it."""
    settings = {
        spark.MASTER_ENV: "local[2]",
        spark.DRIVER_MEMORY_ENV: "1g",
        spark.PARTITIONS_ENV: "2",
    }
    with pytest.MonkeyPatch.context() as patch:
        for name, value in settings.items():
            patch.setenv(name, value)
        yield
        spark.spark_session().stop()
    # py4j says goodbye at interpreter exit, after pytest has closed its log capture.
    logging.getLogger("py4j").setLevel(logging.WARNING)


@pytest.fixture(scope="module")
def both_backends(
    local_spark: None, small_data: SyntheticData, small_result: LinkResult
) -> tuple[ScoredRecords, ScoredRecords]:
    records = small_data.records[:RECORDS]
    model = small_result.model  # trained on DuckDB, as the Spark backend always is
    on_duckdb = score_pairs(records, model=model, backend="duckdb")
    on_spark = score_pairs(records, model=model, backend="spark")
    return on_duckdb, on_spark


def _by_pair(scored: ScoredRecords) -> dict[tuple[int, int], float]:
    return {(min(p.left, p.right), max(p.left, p.right)): p.probability for p in scored.pairs}


@pytest.mark.spark
def test_spark_scores_the_same_pairs_as_duckdb(
    both_backends: tuple[ScoredRecords, ScoredRecords],
) -> None:
    on_duckdb, on_spark = both_backends
    duckdb_pairs, spark_pairs = _by_pair(on_duckdb), _by_pair(on_spark)
    assert len(duckdb_pairs) > RECORDS / 4  # the sample has duplicates to find
    assert spark_pairs.keys() == duckdb_pairs.keys()
    for pair, probability in duckdb_pairs.items():
        assert spark_pairs[pair] == pytest.approx(probability, abs=1e-9), pair


@pytest.mark.spark
def test_spark_finds_the_same_people_as_duckdb(
    both_backends: tuple[ScoredRecords, ScoredRecords], small_data: SyntheticData
) -> None:
    records = small_data.records[:RECORDS]
    on_duckdb, on_spark = (cluster_scored(records, scored) for scored in both_backends)
    assert on_spark.person_ids == on_duckdb.person_ids
    assert on_spark.review_pairs == on_duckdb.review_pairs
    predicted = dict(zip((r.record_id for r in records), on_spark.person_ids, strict=True))
    truth = {r.record_id: small_data.truth[r.record_id] for r in records}
    assert pairwise_scores(predicted, truth).f1 > 0.9


@pytest.mark.spark
def test_spark_session_is_local_small_and_has_the_similarity_functions(
    local_spark: None, both_backends: tuple[ScoredRecords, ScoredRecords]
) -> None:
    session = spark.spark_session()
    assert session.sparkContext.master == "local[2]"
    assert session.conf.get("spark.ui.enabled") == "false"
    assert session.conf.get("spark.sql.shuffle.partitions") == "2"
    # Jaro-Winkler as DuckDB computes it (Splink's jar would say 0.917 here, below the
    # model's 0.92 'typo' threshold); NULL in, NULL out.
    row = session.sql(
        "SELECT safeguard_jaro_winkler('HPOEBE', 'POHEBE') AS jw,"
        " safeguard_jaro_winkler('MARTHA', NULL) AS missing,"
        " damerau_levenshtein('MARTHA', 'MARHTA') AS dl"
    ).collect()[0]
    assert row.jw == pytest.approx(0.9444, abs=1e-4)
    assert row.missing is None
    assert row.dl == 1


def test_model_sql_is_translated_for_spark() -> None:
    assert spark.spark_sql("list_has_any(fn_groups_l, fn_groups_r)") == (
        "ARRAYS_OVERLAP(fn_groups_l, fn_groups_r)"
    )
    assert spark.spark_sql("jaro_winkler_similarity(sn_l, sn_r) >= 0.8") == (
        "SAFEGUARD_JARO_WINKLER(sn_l, sn_r) >= 0.8"
    )
    # DuckDB indexes strings from 1; the first character in Spark is a substring.
    assert spark.spark_sql("fn_l[1] = fn_r[1]") == "SUBSTRING(fn_l, 1, 1) = SUBSTRING(fn_r, 1, 1)"
    assert spark.spark_sql("l.k_dob_ymd = r.k_dob_swapped") == "l.k_dob_ymd = r.k_dob_swapped"


def test_backend_comes_from_the_option_then_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(BACKEND_ENV, raising=False)
    assert resolve_backend() == "duckdb"
    monkeypatch.setenv(BACKEND_ENV, "Spark")
    assert resolve_backend() == "spark"
    assert resolve_backend("duckdb") == "duckdb"
    monkeypatch.setenv(BACKEND_ENV, "postgres")
    with pytest.raises(UnknownBackendError):
        resolve_backend()


def test_link_refuses_an_unknown_backend(
    tmp_path: Path, small_data: SyntheticData, monkeypatch: pytest.MonkeyPatch
) -> None:
    records = tmp_path / "records.csv"
    write_records(records, small_data.records[:5])
    out = tmp_path / "clusters.csv"
    result = CliRunner().invoke(app, [str(records), "--out", str(out), "--backend", "oracle"])
    assert result.exit_code == 2
    assert "unknown linkage backend 'oracle'" in result.output
    assert not out.exists()
    monkeypatch.setenv(BACKEND_ENV, "hadoop")
    result = CliRunner().invoke(app, [str(records), "--out", str(out)])
    assert result.exit_code == 2
    assert "unknown linkage backend 'hadoop'" in result.output
