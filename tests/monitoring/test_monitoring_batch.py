"""The batch engine's own promises: blocks and processes do not change the result."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from safeguard.monitoring.engine import EventTable, batch
from safeguard.monitoring.engine.check import load_orders
from safeguard.monitoring.engine.ingest import read_fixes
from tests.monitoring.helpers import (
    EVERY_DAY,
    Fix,
    address,
    check,
    order,
    polygon,
    square,
    stay,
    track,
    zone,
)


def several_subjects() -> tuple[list[dict[str, Any]], list[Fix]]:
    z = zone(
        "Z",
        "exclusion",
        polygon(square(0, 0, 200, 200)),
        [{"days": EVERY_DAY, "from": "09:00", "until": "17:00"}],
    )
    nightly = {"days": EVERY_DAY, "from": "19:00", "until": "07:00", "address": address(500, 0, 60)}
    orders: list[dict[str, Any]] = []
    fixes: list[Fix] = []
    for i in range(6):
        subject = f"P-{i}"
        orders.append(order(subject, zones=[z], curfews=[nightly]))
        places = stay(20 + i, 100, 100) + stay(30, 2000, 0) + stay(40 - i, 500, 0)
        fixes += track(f"2026-06-10T{10 + i}:00:00Z", places, every_s=300, subject=subject)
    return orders, fixes


def test_block_size_and_worker_processes_do_not_change_the_result(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    orders, fixes = several_subjects()
    whole = check(tmp_path, orders, fixes)
    assert len(whole.violations) >= 6
    monkeypatch.setattr(batch, "BLOCK_FIXES", 40)  # several blocks
    loaded = load_orders(tmp_path / "orders.json")
    table, _, _ = read_fixes(
        tmp_path / "fixes.csv", {o.subject: i for i, o in enumerate(loaded)}, [50.0] * 6
    )
    empty = EventTable.empty()
    for workers in (1, 2):
        found = batch.evaluate(loaded, table, empty, workers=workers)
        assert [v.to_json() for v in found] == whole.violations


def test_an_orders_settings_version_is_recorded(tmp_path: Path) -> None:
    result = check(
        tmp_path,
        [order(settings={"version": "2026-06", "max_gap_minutes": 10})],
        track("2026-06-10T10:00:00Z", stay(1, 0, 0)) + track("2026-06-10T10:30:00Z", stay(1, 0, 0)),
    )
    assert [v["settings"]["version"] for v in result.violations] == ["2026-06"]
    assert result.violations[0]["settings"]["max_gap_minutes"] == 10
