from __future__ import annotations

from collections.abc import Iterator

import pytest

from safeguard.linkage.index import index_reset


@pytest.fixture(autouse=True)
def _fresh_index() -> Iterator[None]:
    """Each test starts from its own database: the in-process matcher is rebuilt."""
    index_reset()
    yield
    index_reset()
