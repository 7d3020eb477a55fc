"""Shared, session-scoped linkage runs: Splink training is the slow part, so the tests that
need a trained model share one small synthetic data set and one run."""

from __future__ import annotations

import pytest

from safeguard.linkage.engine.batch import LinkResult, link_records
from safeguard.linkage.engine.synthetic import SyntheticData, generate


@pytest.fixture(scope="session")
def small_data() -> SyntheticData:
    return generate(1000, seed=3)


@pytest.fixture(scope="session")
def small_result(small_data: SyntheticData) -> LinkResult:
    return link_records(small_data.records)
