"""Which SQL engine scores candidate pairs: DuckDB (one machine, the default) or Spark.

    SAFEGUARD_LINKAGE_BACKEND=duckdb|spark      (or `safeguard link --backend spark`)

Both run the same model: the same cleaned columns and blocking keys, the same comparison
levels (translated for Spark by `spark.spark_settings`), the same term-frequency tables, and
the same constrained clustering in Python afterwards. Training stays on DuckDB either way
(docs/adr/0410-linkage-spark-backend.md).
"""

from __future__ import annotations

import os
from typing import Literal, cast

Backend = Literal["duckdb", "spark"]
BACKENDS: tuple[Backend, ...] = ("duckdb", "spark")
BACKEND_ENV = "SAFEGUARD_LINKAGE_BACKEND"
DEFAULT_BACKEND: Backend = "duckdb"


class UnknownBackendError(ValueError):
    """A backend name that is neither duckdb nor spark."""


def resolve_backend(name: str | None = None) -> Backend:
    """The backend named, else the one in SAFEGUARD_LINKAGE_BACKEND, else DuckDB."""
    chosen = name if name is not None else os.environ.get(BACKEND_ENV, "")
    chosen = chosen.strip().lower() or DEFAULT_BACKEND
    if chosen not in BACKENDS:
        raise UnknownBackendError(
            f"unknown linkage backend {chosen!r}: use one of {', '.join(BACKENDS)}"
        )
    return cast(Backend, chosen)
