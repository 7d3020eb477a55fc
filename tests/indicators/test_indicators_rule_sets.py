"""Versioned rule sets: thresholds as data with effective dates (docs/adr/0201)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import pytest

from safeguard.safeguarding.engine import (
    RULES,
    RuleSetError,
    load_rule_sets,
    rule_set_on,
    rule_set_version,
    shipped_rule_sets,
)
from safeguard.safeguarding.engine.rule_sets import LOCAL_ZONE
from tests.indicators.helpers import Chronology, alerts, day, fired


def _shipped_data() -> dict[str, Any]:
    from importlib import resources

    text = resources.files("safeguard.safeguarding.engine").joinpath("rule_sets.json").read_text()
    data: dict[str, Any] = json.loads(text)
    return data


def _two_versions() -> tuple[Any, ...]:
    """The shipped set, and a stricter one from 2010-01-01 (3 injuries within 120 days)."""
    data = _shipped_data()
    second = json.loads(json.dumps(data["rule_sets"][0]))
    second["version"] = "2"
    second["effective_from"] = "2010-01-01"
    second["rules"]["repeat_injury"]["window_days"] = 120
    data["rule_sets"].append(second)
    return load_rule_sets(json.dumps(data))


def test_the_shipped_set_holds_the_contract_defaults() -> None:
    (first,) = shipped_rule_sets()
    assert first.version == "1" and first.effective_from is None
    assert (first.repeat_injury.window_days, first.repeat_injury.min_injuries) == (90, 3)
    assert (first.repeat_injury.agency_window_days, first.repeat_injury.min_agencies) == (30, 2)
    assert first.repeat_attendance.settings == ("emergency_department", "urgent_care")
    assert (first.repeat_attendance.window_days, first.repeat_attendance.min_attendances) == (90, 3)
    assert first.repeat_attendance.provider_window_days == 30
    assert (first.was_not_brought.window_days, first.was_not_brought.min_missed) == (90, 2)
    assert first.was_not_brought.one_is_enough_on_plan is True
    assert (first.multi_agency_concern.window_days, first.multi_agency_concern.min_agencies) == (
        7,
        2,
    )
    assert set(first.multi_agency_concern.kinds) == {"concern", "police_callout", "injury"}
    assert first.child_not_seen.max_days_unseen == 15
    assert first.non_mobile_injury.under_months == 6
    assert all(first.guidance(rule) for rule in RULES)


def test_the_set_in_force_is_chosen_by_the_date_in_england() -> None:
    sets = _two_versions()
    assert rule_set_on(date(2009, 12, 31), sets).version == "1"
    assert rule_set_on(date(2010, 1, 1), sets).version == "2"
    # 23:30 UTC on 31 December is still 2009 in London; 23:30 UTC on 30 June is 1 July there.
    assert rule_set_on(datetime(2009, 12, 31, 23, 30, tzinfo=UTC), sets).version == "1"
    assert datetime(2010, 6, 30, 23, 30, tzinfo=UTC).astimezone(LOCAL_ZONE).day == 1
    assert rule_set_version("2", sets).repeat_injury.window_days == 120


def test_a_new_version_changes_thresholds_without_code_and_alerts_name_it() -> None:
    sets = _two_versions()
    c = Chronology()
    for n in (0, 60, 110):  # 110 days: too long for version 1, within version 2
        c.injury(day(n))
    assert fired(alerts(c.events, rule_set=rule_set_version("1", sets))) == []
    (alert,) = alerts(c.events, rule_set=rule_set_on(date(2010, 1, 1), sets))
    assert (alert.rule, alert.rule_version) == ("repeat_injury", "2")
    assert "3 injuries within 120 days" in alert.explanation
    assert dict(alert.settings)["window_days"] == 120


def test_thresholds_are_honoured_beyond_the_defaults() -> None:
    data = _shipped_data()
    rules = data["rule_sets"][0]["rules"]
    rules["multi_agency_concern"]["min_agencies"] = 3
    rules["multi_agency_concern"]["window_days"] = 2
    rules["child_not_seen"]["max_days_unseen"] = 5
    (strict,) = load_rule_sets(json.dumps(data))
    c = Chronology()
    c.concern(day(0), "public")
    c.concern(day(1), "education")
    c.concern(day(2), "education")  # still two agencies
    c.concern(day(2), "police")  # three within 2 days
    c.plan_start(day(10))
    found = alerts(c.events, as_of=day(15, seconds=1), rule_set=strict)
    assert fired(found) == [
        ("multi_agency_concern", day(2), ["e1", "e2", "e3", "e4"]),
        ("child_not_seen", day(15), ["e5"]),
    ]


def _broken(change: Any) -> str:
    data = _shipped_data()
    change(data)
    return json.dumps(data)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["rule_sets"][0]["rules"]["repeat_injury"].pop("window_days"), "missing"),
        (lambda d: d["rule_sets"][0]["rules"]["repeat_injury"].update(days=3), "unknown"),
        (lambda d: d["rule_sets"][0]["rules"]["repeat_injury"].update(window_days=0), "positive"),
        (
            lambda d: d["rule_sets"][0]["rules"]["repeat_injury"].update(min_injuries="3"),
            "positive",
        ),
        (
            lambda d: d["rule_sets"][0]["rules"]["repeat_injury"].update(min_agencies=True),
            "positive",
        ),
        (
            lambda d: d["rule_sets"][0]["rules"]["was_not_brought"].update(one_is_enough_on_plan=1),
            "true or false",
        ),
        (
            lambda d: d["rule_sets"][0]["rules"]["repeat_attendance"].update(settings=["ward"]),
            "list",
        ),
        (lambda d: d["rule_sets"][0]["rules"]["multi_agency_concern"].update(kinds=[]), "list"),
        (lambda d: d["rule_sets"][0]["rules"]["unknown_adult"].update(guidance=""), "text"),
        (lambda d: d["rule_sets"][0]["rules"].pop("child_not_seen"), "exactly"),
        (lambda d: d["rule_sets"][0].update(effective_from="2010-13-01"), "effective_from"),
        (lambda d: d["rule_sets"][0].update(version=""), "version"),
        (lambda d: d["rule_sets"].append(d["rule_sets"][0]), "unique"),
        (lambda d: d.update(rule_sets=[]), "at least one"),
    ],
)
def test_rule_set_data_is_validated(change: Any, message: str) -> None:
    with pytest.raises(RuleSetError, match=message):
        load_rule_sets(_broken(change))


def test_two_sets_cannot_start_on_one_date() -> None:
    data = _shipped_data()
    copy = json.loads(json.dumps(data["rule_sets"][0]))
    copy["version"] = "1b"
    data["rule_sets"].append(copy)
    with pytest.raises(RuleSetError, match="same date"):
        load_rule_sets(json.dumps(data))


def test_a_date_before_every_set_has_no_rules() -> None:
    data = _shipped_data()
    data["rule_sets"][0]["effective_from"] = "2000-01-01"
    sets = load_rule_sets(json.dumps(data))
    with pytest.raises(RuleSetError, match="no indicator rule set is in force on 1999-12-31"):
        rule_set_on(date(1999, 12, 31), sets)
