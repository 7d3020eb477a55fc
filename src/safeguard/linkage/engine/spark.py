"""Scoring candidate pairs with Splink's SparkAPI, for runs too large for one DuckDB.

The model is the DuckDB one: its comparison levels are written in DuckDB SQL (and kept equal
to their Python tests by the parity test), so `spark_settings` translates a trained model's
settings for Spark rather than keeping a second copy of every level:

- `list_has_any(a, b)` -> `arrays_overlap(a, b)` (Spark has no `&&` on arrays);
- `jaro_winkler_similarity` -> `safeguard_jaro_winkler`, a pandas (Arrow) UDF over jellyfish,
  which computes what DuckDB and the one-record matcher compute. The similarity jar that ships
  with Splink has a `jaro_winkler` too, but it counts half-transpositions as fractions
  (commons-text): HPOEBE/POHEBE is 0.917 there and 0.944 in DuckDB, across the model's 0.92
  threshold, so the same pair would score differently;
- `damerau_levenshtein` stays: the jar's, registered by SparkAPI (at "at most one edit", the
  only way the model uses it, every definition of the distance agrees);
- `fn_l[1]` (DuckDB: the first character of a string) -> `substring(fn_l, 1, 1)`.

Everything else in the model (equalities, `abs`, `length`, IS NULL) is common SQL, and sqlglot
writes the rest. Blocking keys are precomputed columns, so blocking rules are equalities.

Session: the active one if there is one (spark-submit on a cluster: pass the jar with
`--jars`, see docs/linkage-engine.md), else a local one configured from the environment:

    SAFEGUARD_SPARK_MASTER           default local[2]
    SAFEGUARD_SPARK_DRIVER_MEMORY    default 2g
    SAFEGUARD_SPARK_PARTITIONS       shuffle partitions, default 8
"""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Mapping
from copy import deepcopy
from typing import TYPE_CHECKING, Any

import pandas as pd
import sqlglot
from sqlglot import exp

from safeguard.linkage.engine.features import INTEGER_COLUMNS
from safeguard.linkage.engine.term_frequencies import register_with_splink

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

MASTER_ENV = "SAFEGUARD_SPARK_MASTER"
DRIVER_MEMORY_ENV = "SAFEGUARD_SPARK_DRIVER_MEMORY"
PARTITIONS_ENV = "SAFEGUARD_SPARK_PARTITIONS"
_APP_NAME = "safeguard-linkage"
# DuckDB's Jaro-Winkler, as a vectorised (Arrow) Python function: see `_register_functions`.
JARO_WINKLER_UDF = "safeguard_jaro_winkler"


# ---------------------------------------------------------------- the model, in Spark SQL


def _to_spark(node: exp.Expression) -> exp.Expression:
    if isinstance(node, exp.ArrayOverlaps):
        return exp.Anonymous(this="arrays_overlap", expressions=[node.this, node.expression])
    if isinstance(node, exp.JarowinklerSimilarity):
        return exp.Anonymous(this=JARO_WINKLER_UDF, expressions=[node.this, node.expression])
    if isinstance(node, exp.Bracket) and isinstance(node.this, exp.Column):
        # Only strings are indexed in the model (arrays are compared whole); sqlglot has
        # already made the index 0-based.
        (index,) = node.expressions
        position = exp.Literal.number(int(index.name) + 1)
        return exp.Substring(this=node.this, start=position, length=exp.Literal.number(1))
    return node


def spark_sql(duckdb_sql: str) -> str:
    """One comparison condition or blocking rule, from the model's DuckDB SQL to Spark's."""
    tree = sqlglot.parse_one(duckdb_sql, read="duckdb")
    return tree.transform(_to_spark).sql(dialect="spark")


def spark_settings(settings: Mapping[str, Any]) -> dict[str, Any]:
    """A trained model's Splink settings (DuckDB dialect), same parameters, for SparkAPI."""
    translated = deepcopy(dict(settings))
    for comparison in translated.get("comparisons", []):
        for level in comparison["comparison_levels"]:
            if level.get("sql_condition", "ELSE") != "ELSE":
                level["sql_condition"] = spark_sql(level["sql_condition"])
    rules = []
    for rule in translated.get("blocking_rules_to_generate_predictions", []):
        text = rule["blocking_rule"] if isinstance(rule, dict) else rule
        rules.append({"blocking_rule": spark_sql(text), "sql_dialect": "spark"})
    translated["blocking_rules_to_generate_predictions"] = rules
    translated["sql_dialect"] = "spark"
    return translated


# ---------------------------------------------------------------- session and data


def spark_session() -> SparkSession:
    """The active Spark session, or a local one with Splink's similarity functions."""
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    partitions = os.environ.get(PARTITIONS_ENV, "8")
    # Local Python workers (for the Jaro-Winkler UDF) run this interpreter, with its packages.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    session = (
        SparkSession.builder.master(os.environ.get(MASTER_ENV, "local[2]"))
        .appName(_APP_NAME)
        .config("spark.jars", similarity_jar_location())
        .config("spark.driver.memory", os.environ.get(DRIVER_MEMORY_ENV, "2g"))
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", partitions)
        .config("spark.default.parallelism", partitions)
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.driver.extraJavaOptions", "-Dderby.system.home=/tmp")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    return session


def _is_list_column(values: pd.Series) -> bool:
    return any(isinstance(v, list) for v in values.head(10_000))


def spark_frame(session: SparkSession, frame: pd.DataFrame) -> DataFrame:
    """The features-and-keys frame as a Spark DataFrame: integers as bigint, token lists as
    arrays of strings, everything else as strings (NULL for 'not recorded')."""
    from pyspark.sql.types import ArrayType, LongType, StringType, StructField, StructType

    fields = []
    for column in frame.columns:
        if column in INTEGER_COLUMNS:
            kind: Any = LongType()
        elif _is_list_column(frame[column]):
            kind = ArrayType(StringType())
        else:
            kind = StringType()
        fields.append(StructField(column, kind, nullable=column != "unique_id"))
    records = frame.astype(object).where(frame.notna(), None)
    return session.createDataFrame(records, schema=StructType(fields))


def _register_functions(session: SparkSession) -> None:
    """Functions the translated model calls that neither Spark nor Splink's jar provide.

    Defined inside this function so that Spark ships the code itself to its Python workers
    (which need only pandas and jellyfish, not this package)."""
    from pyspark.sql.pandas.functions import pandas_udf

    def jaro_winkler(left: pd.Series, right: pd.Series) -> pd.Series:
        import jellyfish

        return pd.Series(
            [
                None if a is None or b is None else jellyfish.jaro_winkler_similarity(a, b)
                for a, b in zip(left, right, strict=True)
            ],
            dtype="float64",
        )

    session.udf.register(JARO_WINKLER_UDF, pandas_udf(jaro_winkler, "double"))  # type: ignore[call-overload]


# ---------------------------------------------------------------- scoring


def predict(
    frame: pd.DataFrame,
    settings: Mapping[str, Any],
    term_frequencies: Mapping[str, Mapping[Any, float]],
    threshold: float,
) -> pd.DataFrame:
    """Pairs scored at or above `threshold`: unique_id_l, unique_id_r, match_probability."""
    from splink import Linker, SparkAPI

    session = spark_session()
    _register_functions(session)
    # "persist" keeps intermediate tables in Spark's cache (memory, spilling to disk); on a
    # cluster with a checkpoint directory, "parquet" is Splink's default.
    api = SparkAPI(  # type: ignore[no-untyped-call]  # Splink: untyped
        spark_session=session,
        break_lineage_method="persist",
        num_partitions_on_repartition=int(os.environ.get(PARTITIONS_ENV, "8")),
    )
    # Temporary views live as long as the session: names unique to this run, dropped after.
    run = uuid.uuid4().hex[:12]
    views_before = {t.name for t in session.catalog.listTables() if t.isTemporary}
    table = api.register(spark_frame(session, frame), table_name=f"safeguard_records_{run}")
    try:
        linker = Linker(table, spark_settings(settings), log_level=None)
        register_with_splink(linker, api, term_frequencies, tag=f"predict_{run}")
        predictions = linker.inference.predict(
            threshold_match_probability=threshold, warning_mode="never"
        )
        spark_pairs = predictions.as_spark_dataframe()
        result: pd.DataFrame = spark_pairs.select(
            "unique_id_l", "unique_id_r", "match_probability"
        ).toPandas()
    finally:
        for view in session.catalog.listTables():
            if view.isTemporary and view.name not in views_before:
                session.catalog.uncacheTable(view.name)
                session.catalog.dropTempView(view.name)
    return result
