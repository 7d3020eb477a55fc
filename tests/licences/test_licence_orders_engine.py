"""Tag-checkable conditions → one monitoring order (pure engine, no database)."""

from __future__ import annotations

from datetime import date

import pytest
from tests.licences.contract import order_problems
from tests.licences.helpers import CURFEW_V4, EVENT_ZONE, EXCLUSION, INCLUSION_V4, TAG, square

from safeguard.licences.engine.orders import (
    ConditionSnapshot,
    EventWindow,
    LicenceSnapshot,
    OrderBuildError,
    build_order,
    period_around,
)

CURFEW_V3 = "0a370862-5426-49c1-b6d4-3d074d78a81a"
STANDARD = "9ce9d594-e346-4785-9642-c87e764bee37"


def snapshot(
    *conditions: ConditionSnapshot, policy: str = "3.0", address: bool = True
) -> LicenceSnapshot:
    return LicenceSnapshot(
        subject="P-0001",
        policy=policy,
        starts=date(2026, 10, 1),
        ends=date(2027, 4, 1),
        address=(51.5901, -0.1030) if address else None,
        conditions=conditions,
        settings={
            "confirm_fixes": 2,
            "min_absence_minutes": 5,
            "max_gap_minutes": 15,
            "default_accuracy_m": 50,
        },
    )


def v3_curfew(*windows: tuple[str, str]) -> ConditionSnapshot:
    names = [
        ("curfewStart", "curfewEnd"),
        ("curfewStart2", "curfewEnd2"),
        ("curfewStart3", "curfewEnd3"),
    ]
    values: dict[str, object] = {
        "numberOfCurfews": ["One curfew", "Two curfews", "Three curfews"][len(windows) - 1],
        "reviewPeriod": "Weekly",
    }
    for (start, end), (a, b) in zip(windows, names, strict=False):
        values[a], values[b] = start, end
    return ConditionSnapshot(CURFEW_V3, values)


def test_a_curfew_only_licence_is_a_home_curfew_order_around_the_address() -> None:
    order = build_order(snapshot(v3_curfew(("19:00", "07:00")), ConditionSnapshot(STANDARD, {})))
    assert order is not None
    assert order_problems({"orders": [order]}) == []
    assert order["curfew_method"] == "rf"
    assert order["starts"] == "2026-10-01T00:00:00+01:00"  # local midnight, summer time
    assert order["ends"] == "2027-04-01T00:00:00+01:00"
    assert order["curfews"] == [
        {
            "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
            "from": "19:00",
            "until": "07:00",
            "address": {"lat": 51.5901, "lon": -0.1030, "radius_m": 60.0},
        }
    ]


def test_three_windows_each_become_a_curfew() -> None:
    order = build_order(
        snapshot(v3_curfew(("22:00", "02:00"), ("09:00", "10:00"), ("13:00", "14:00")))
    )
    assert order is not None
    assert [(c["from"], c["until"]) for c in order["curfews"]] == [
        ("09:00", "10:00"),
        ("13:00", "14:00"),
        ("22:00", "02:00"),
    ]


def test_v4_curfew_and_inclusion_zone() -> None:
    curfew = ConditionSnapshot(
        CURFEW_V4,
        {
            "numberOfCurfews": "Two curfews",
            "twoCurfewStart": "20:00",
            "twoCurfewEnd": "06:00",
            "twoCurfewStart2": "12:00",
            "twoCurfewEnd2": "13:00",
        },
    )
    zone = ConditionSnapshot(
        INCLUSION_V4, {"inBoundFilename": square(51.59, -0.10, 0.02)}, zone_id="Z-in"
    )
    order = build_order(snapshot(curfew, zone, policy="4.0"))
    assert order is not None and order_problems({"orders": [order]}) == []
    assert order["curfew_method"] == "gps"  # a zone needs positions
    assert [c["from"] for c in order["curfews"]] == ["12:00", "20:00"]
    assert order["zones"] == [
        {
            "id": "Z-in",
            "kind": "inclusion",
            "geometry": square(51.59, -0.10, 0.02),
            "schedule": None,
        }
    ]


def test_event_zone_is_an_exclusion_on_the_event_dates_only() -> None:
    event = ConditionSnapshot(
        EVENT_ZONE,
        {"eventName": "the Northam Show", "outOfBoundFilename": square(51.6, -0.1)},
        zone_id="Z-ev",
        event_windows=(
            EventWindow(date(2026, 11, 7), "12:00", "18:00"),
            EventWindow(date(2026, 11, 8), "12:00", "18:00"),
            EventWindow(date(2026, 11, 9), "19:00", "23:00"),
        ),
    )
    order = build_order(snapshot(event))
    assert order is not None and order_problems({"orders": [order]}) == []
    (zone,) = order["zones"]
    assert zone["kind"] == "exclusion"
    assert zone["schedule"] == [
        {"dates": ["2026-11-07", "2026-11-08"], "from": "12:00", "until": "18:00"},
        {"dates": ["2026-11-09"], "from": "19:00", "until": "23:00"},
    ]
    with pytest.raises(OrderBuildError, match="no event dates"):
        build_order(snapshot(ConditionSnapshot(EVENT_ZONE, event.values, zone_id="Z")))


def test_tag_types_choose_the_method() -> None:
    curfew = v3_curfew(("19:00", "07:00"))
    rf = build_order(
        snapshot(curfew, ConditionSnapshot(TAG, {"electronicMonitoringTypes": ["curfew"]}))
    )
    gps = build_order(
        snapshot(
            curfew,
            ConditionSnapshot(
                TAG, {"electronicMonitoringTypes": ["curfew", "location monitoring"]}
            ),
        )
    )
    assert rf is not None and rf["curfew_method"] == "rf"
    assert gps is not None and gps["curfew_method"] == "gps"


def test_nothing_tag_checkable_means_no_order_and_a_curfew_needs_a_map_position() -> None:
    assert build_order(snapshot(ConditionSnapshot(STANDARD, {}))) is None
    with pytest.raises(OrderBuildError, match="no map position"):
        build_order(snapshot(v3_curfew(("19:00", "07:00")), address=False))
    zone_only = build_order(
        snapshot(
            ConditionSnapshot(EXCLUSION, {"outOfBoundFilename": square(51.6, -0.1)}, "Z1"),
            address=False,
        )
    )
    assert zone_only is not None and zone_only["curfews"] == []


def test_period_is_cut_at_the_changes_around_the_day() -> None:
    start, end = date(2026, 1, 1), date(2027, 1, 1)
    changes = [date(2026, 3, 1), date(2026, 6, 1)]
    assert period_around(date(2026, 2, 1), start, end, changes) == (start, date(2026, 3, 1))
    assert period_around(date(2026, 3, 1), start, end, changes) == (
        date(2026, 3, 1),
        date(2026, 6, 1),
    )
    assert period_around(date(2026, 7, 1), start, end, changes) == (date(2026, 6, 1), end)
