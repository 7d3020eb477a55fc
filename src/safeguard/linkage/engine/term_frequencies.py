"""Term frequencies (how common each name, date, postcode... is), smoothed for small batches.

Splink's term-frequency adjustment makes agreement on a rare surname count for more than
agreement on 'SMITH', using each value's share of the records being linked. In a small batch
(one household sent with a saved model) those shares are nonsense: 'HARTLEY' is 100% of the
seven records, and agreeing on it would count as evidence *against* a match. So each share is
shrunk towards a prior, the chance that two records agree on the column at all (the exact
level's u probability, from training), as if SMOOTHING_RECORDS more records had been seen:

    share = (count + SMOOTHING_RECORDS * prior) / (total + SMOOTHING_RECORDS)

With 100,000 records this barely moves a share; with seven it keeps them sane.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd
from splink import Linker
from splink.internals.database_api import DatabaseAPI

SMOOTHING_RECORDS = 1000


def smoothed_share(count: int, total: int, prior: float) -> float:
    return (count + SMOOTHING_RECORDS * prior) / (total + SMOOTHING_RECORDS)


def agreement_chance(values: Iterable[Any]) -> float:
    """Chance that two records drawn at random agree on a value (the data's own prior)."""
    counts = Counter(v for v in values if v is not None)
    total = sum(counts.values())
    return sum(n * n for n in counts.values()) / (total * total) if total else 0.0


def share_tables(
    columns: Mapping[str, Sequence[Any]], priors: Mapping[str, float]
) -> dict[str, dict[Any, float]]:
    """For each column with a prior: value -> smoothed share among these records."""
    tables = {}
    for column, prior in priors.items():
        counts = Counter(v for v in columns[column] if v is not None)
        total = sum(counts.values())
        tables[column] = {v: smoothed_share(n, total, prior) for v, n in counts.items()}
    return tables


def register_with_splink(
    linker: Linker, api: DatabaseAPI[Any], tables: Mapping[str, Mapping[Any, float]], tag: str
) -> None:
    """Make Splink use these shares instead of computing raw ones from its input (`tag` keeps
    table names unique when a connection serves more than one linker)."""
    for column, shares in tables.items():
        frame = pd.DataFrame({column: list(shares), f"tf_{column}": list(shares.values())})
        registered = api.register(frame, table_name=f"tf_{tag}_{column}")
        linker.table_management.register_term_frequency_lookup(registered, column)
