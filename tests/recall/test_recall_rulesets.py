"""The rule sets are data: shipped files load, and a new file changes the law without code."""

from __future__ import annotations

import json
import shutil
from datetime import date
from importlib import resources
from pathlib import Path

import pytest

from safeguard.recall.engine import RuleSetError, assess_with, load_rule_sets, parse_case

SHIPPED = Path(str(resources.files("safeguard.recall.engine").joinpath("rulesets")))
CASE = {"sentence": {"type": "determinate", "length_months": 30}, "age": 30}


def test_shipped_rule_sets_load_in_date_order() -> None:
    names = [r.name for r in load_rule_sets()]
    assert names == [
        "Discretionary FTR before 2025-09-02",
        "FTR48 from 2025-09-02",
        "FTR56 from 2026-03-31",
        "FTR56 (conviction) from 2026-07-29",
    ]


def test_the_2026_rule_sets_and_each_of_their_exclusions_are_marked_unconfirmed() -> None:
    by_name = {r.name: r for r in load_rule_sets()}
    assert by_name["FTR48 from 2025-09-02"].confirmed
    for name in ("FTR56 from 2026-03-31", "FTR56 (conviction) from 2026-07-29"):
        rule_set = by_name[name]
        assert not rule_set.confirmed
        assert any("NOT CONFIRMED" in note for note in rule_set.notes)
        for cohort in rule_set.cohorts:
            assert cohort.exclusions
            assert all(not e.confirmed and e.source for e in cohort.exclusions)


def test_a_new_rule_set_file_takes_effect_on_its_date_without_code_change(tmp_path: Path) -> None:
    for path in SHIPPED.glob("*.json"):
        shutil.copy(path, tmp_path)
    data = json.loads((SHIPPED / "2026-03-31-ftr56.json").read_text())
    data["name"] = "FTR84 from 2027-01-04"
    data["effective_from"] = "2027-01-04"
    data["sentences"]["determinate"][-1]["fixed_term_days"] = [{"days": 84}]
    (tmp_path / "2027-01-04-ftr84.json").write_text(json.dumps(data))

    rule_sets = load_rule_sets(tmp_path)
    case = parse_case(CASE)
    assert assess_with(case, date(2027, 1, 3), rule_sets).fixed_term_days == 56
    later = assess_with(case, date(2027, 1, 4), rule_sets)
    assert later.rule_set == "FTR84 from 2027-01-04"
    assert later.fixed_term_days == 84


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d["sentences"]["determinate"][0]["exclusions"][0].update(
                when={"field": "sentence.lenght_months", "ge": 48}
            ),
            "unknown fact",
        ),
        (lambda d: d["sentences"]["determinate"][0].update(fixed_term="sometimes"), "fixed_term"),
        (lambda d: d["sentences"]["extended"].update(options=["standard"]), "no_recall"),
        (lambda d: d.update(effective_from="2 Sept 2025"), "effective_from"),
    ],
)
def test_a_malformed_rule_set_is_refused_with_its_file_name(
    tmp_path: Path, change: object, message: str
) -> None:
    data = json.loads((SHIPPED / "2025-09-02-ftr48.json").read_text())
    assert callable(change)
    change(data)
    (tmp_path / "broken.json").write_text(json.dumps(data))
    with pytest.raises(RuleSetError, match=message) as raised:
        load_rule_sets(tmp_path)
    assert "broken.json" in str(raised.value)


def test_two_rule_sets_on_the_same_date_are_refused(tmp_path: Path) -> None:
    shutil.copy(SHIPPED / "2025-09-02-ftr48.json", tmp_path / "a.json")
    shutil.copy(SHIPPED / "2025-09-02-ftr48.json", tmp_path / "b.json")
    with pytest.raises(RuleSetError, match="share an effective_from"):
        load_rule_sets(tmp_path)


def test_a_date_before_every_rule_set_is_refused(tmp_path: Path) -> None:
    shutil.copy(SHIPPED / "2025-09-02-ftr48.json", tmp_path)
    with pytest.raises(RuleSetError, match="no recall rule set is in force on 2025-01-01"):
        assess_with(parse_case(CASE), date(2025, 1, 1), load_rule_sets(tmp_path))
