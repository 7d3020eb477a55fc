"""Recall outcomes for each rule set, every exclusion and the dates the law changes."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest

from safeguard.recall.engine import RecallAssessment, assess, parse_case

BASE: dict[str, Any] = {
    "sentence": {"type": "determinate", "length_months": 30},
    "age": 25,
    "mappa": {"category": 1, "level": 1},
    "charged_with_new_offence": False,
    "terrorist_sentence": False,
    "terrorism_or_state_threat_charge": False,
    "recall_date": "2025-10-01",
}

FTR48_DAY = date(2025, 10, 1)
FTR56_DAY = date(2026, 5, 1)
CONVICTION_DAY = date(2026, 8, 1)


def run(on: date, **changes: Any) -> RecallAssessment:
    data = copy.deepcopy(BASE)
    for key, value in changes.items():
        if key == "length_months":
            data["sentence"]["length_months"] = value
        elif key in ("mappa_category", "mappa_level"):
            data["mappa"][key.removeprefix("mappa_")] = value
        else:
            data[key] = value
    return assess(parse_case(data), on)


def assert_mandatory(result: RecallAssessment, days: int) -> None:
    assert result.options == ("fixed_term", "no_recall")
    assert result.fixed_term_mandatory is True
    assert result.fixed_term_days == days
    assert result.exclusions == ()


def assert_standard_only(result: RecallAssessment, exclusion: str) -> None:
    assert result.options == ("standard", "no_recall")
    assert result.fixed_term_mandatory is False
    assert result.fixed_term_days is None
    assert exclusion in result.exclusions


# --- FTR48 ---------------------------------------------------------------------------------


def test_ftr48_makes_a_28_day_recall_mandatory_for_an_ordinary_case() -> None:
    result = run(FTR48_DAY)
    assert_mandatory(result, 28)
    assert result.rule_set == "FTR48 from 2025-09-02"
    assert "mandatory" in result.reasons[0]


FTR48_EXCLUSIONS = [
    ("sentence_48_months_or_more", {"length_months": 48}, "48 months or more"),
    ("sentence_48_months_or_more", {"length_months": 120}, "48 months or more"),
    ("under_18", {"age": 17}, "under 18"),
    ("mappa_category_4", {"mappa_category": 4}, "MAPPA category 4"),
    ("mappa_level_2_or_3", {"mappa_level": 2}, "MAPPA level 2 or 3"),
    ("mappa_level_2_or_3", {"mappa_level": 3}, "MAPPA level 2 or 3"),
    ("new_charge", {"charged_with_new_offence": True}, "charged with a new offence"),
    ("terrorist_sentence", {"terrorist_sentence": True}, "terrorist offence"),
    (
        "terrorism_or_state_threat_charge",
        {"terrorism_or_state_threat_charge": True},
        "terrorism or state-threat offence",
    ),
]


@pytest.mark.parametrize(("exclusion", "changes", "phrase"), FTR48_EXCLUSIONS)
def test_each_ftr48_exclusion_leaves_standard_recall(
    exclusion: str, changes: dict[str, Any], phrase: str
) -> None:
    result = run(FTR48_DAY, **changes)
    assert_standard_only(result, exclusion)
    assert result.exclusions == (exclusion,)
    assert any(phrase in reason for reason in result.reasons), result.reasons


@pytest.mark.parametrize(
    "changes",
    [
        {"length_months": 47},
        {"length_months": 47.9},
        {"age": 18},
        {"mappa_category": 3},
        {"mappa_level": 1},
        {"mappa_category": None, "mappa_level": None},
    ],
)
def test_just_outside_an_ftr48_exclusion_the_recall_stays_mandatory(
    changes: dict[str, Any],
) -> None:
    assert_mandatory(run(FTR48_DAY, **changes), 28)


def test_a_case_without_mappa_is_not_excluded() -> None:
    data = copy.deepcopy(BASE)
    data["mappa"] = None
    assert_mandatory(assess(parse_case(data), FTR48_DAY), 28)


def test_every_exclusion_that_applies_is_named() -> None:
    result = run(
        FTR48_DAY,
        length_months=60,
        age=17,
        mappa_level=3,
        charged_with_new_offence=True,
    )
    assert result.exclusions == (
        "sentence_48_months_or_more",
        "under_18",
        "mappa_level_2_or_3",
        "new_charge",
    )
    text = " ".join(result.reasons)
    for phrase in ("48 months", "under 18", "MAPPA level 2 or 3", "new offence"):
        assert phrase in text


# --- the model before FTR48 and the change-over dates --------------------------------------


@pytest.mark.parametrize(("months", "days"), [(6, 14), (11.5, 14), (12, 28), (30, 28), (60, 28)])
def test_before_2_september_2025_fixed_term_recall_is_discretionary(
    months: float, days: int
) -> None:
    result = run(date(2025, 9, 1), length_months=months)
    assert result.options == ("fixed_term", "standard", "no_recall")
    assert result.fixed_term_mandatory is False
    assert result.fixed_term_days == days
    assert result.rule_set == "Discretionary FTR before 2025-09-02"


def test_ftr48_starts_on_2_september_2025() -> None:
    assert run(date(2025, 9, 1)).fixed_term_mandatory is False
    assert_mandatory(run(date(2025, 9, 2)), 28)


def test_the_56_day_model_starts_on_31_march_2026() -> None:
    before = run(date(2026, 3, 30))
    assert before.rule_set == "FTR48 from 2025-09-02"
    assert_mandatory(before, 28)
    after = run(date(2026, 3, 31))
    assert after.rule_set == "FTR56 from 2026-03-31"
    assert_mandatory(after, 56)


def test_the_2026_models_are_marked_unconfirmed_in_the_output() -> None:
    assert run(FTR48_DAY).rule_set_confirmed is True
    result = run(FTR56_DAY)
    assert result.rule_set_confirmed is False
    assert any("not confirmed" in caveat for caveat in result.caveats)


# --- FTR56, adults -------------------------------------------------------------------------

FTR56_ADULT_EXCLUSIONS = [
    ("new_charge", {"charged_with_new_offence": True}),
    ("terrorist_sentence", {"terrorist_sentence": True}),
    ("terrorism_or_state_threat_charge", {"terrorism_or_state_threat_charge": True}),
    ("foreign_power_threat", {"foreign_power_threat": True}),
    ("referred_to_parole_board_244zb", {"referred_to_parole_board_244zb": True}),
    ("repatriated_for_murder", {"repatriated_for_murder": True}),
    ("sopc_sentence", {"sopc_sentence": True}),
    ("dcr_sentence", {"dcr_sentence": True}),
    ("mappa_category_4", {"mappa_category": 4}),
    ("mappa_level_2_or_3", {"mappa_level": 2}),
    ("mappa_level_2_or_3", {"mappa_level": 3}),
]


@pytest.mark.parametrize(("exclusion", "changes"), FTR56_ADULT_EXCLUSIONS)
def test_each_ftr56_adult_exclusion_leaves_standard_recall(
    exclusion: str, changes: dict[str, Any]
) -> None:
    result = run(FTR56_DAY, **changes)
    assert_standard_only(result, exclusion)
    assert result.reasons[0].startswith("The person")


def test_ftr56_has_no_48_month_limit_for_adults() -> None:
    assert_mandatory(run(FTR56_DAY, length_months=72), 56)


# --- FTR56, under-18s ----------------------------------------------------------------------


@pytest.mark.parametrize(("months", "days"), [(6, 14), (11, 14), (12, 28)])
def test_ftr56_under_18_without_exclusion_gets_a_mandatory_youth_fixed_term(
    months: int, days: int
) -> None:
    assert_mandatory(run(FTR56_DAY, age=17, length_months=months), days)


@pytest.mark.parametrize(
    ("exclusion", "changes"),
    [
        ("youth_sentence_over_12_months", {"length_months": 13}),
        ("youth_serious_charge", {"youth_charged_with_serious_offence": True}),
        ("youth_serious_charge", {"terrorism_or_state_threat_charge": True}),
        ("mappa_level_2_or_3", {"mappa_level": 2}),
        ("mappa_level_2_or_3", {"mappa_level": 3}),
    ],
)
def test_ftr56_under_18_exclusion_makes_recall_discretionary(
    exclusion: str, changes: dict[str, Any]
) -> None:
    result = run(FTR56_DAY, age=16, length_months=changes.pop("length_months", 10), **changes)
    assert result.options == ("fixed_term", "standard", "no_recall")
    assert result.fixed_term_mandatory is False
    assert result.exclusions == (exclusion,)
    assert result.fixed_term_days in (14, 28)
    assert "under 18" in " ".join(result.reasons) or "MAPPA" in result.reasons[0]


def test_ftr56_ordinary_new_charge_does_not_exclude_an_under_18() -> None:
    # The official service's youth test looks only at a *serious* charge.
    assert_mandatory(run(FTR56_DAY, age=17, length_months=10, charged_with_new_offence=True), 14)


# --- the conviction variant ----------------------------------------------------------------


def test_conviction_variant_starts_on_29_july_2026() -> None:
    convicted = {"charged_with_new_offence": True, "convicted_of_new_offence": True}
    assert_standard_only(run(date(2026, 7, 28), **convicted), "new_charge")
    after = run(date(2026, 7, 29), **convicted)
    assert after.rule_set == "FTR56 (conviction) from 2026-07-29"
    assert_mandatory(after, 56)


def test_conviction_variant_still_excludes_a_charge_without_conviction() -> None:
    result = run(CONVICTION_DAY, charged_with_new_offence=True)
    assert_standard_only(result, "new_charge")
    assert "not been convicted" in result.reasons[0]


# --- other sentence types ------------------------------------------------------------------


@pytest.mark.parametrize("on", [date(2025, 1, 1), FTR48_DAY, FTR56_DAY, CONVICTION_DAY])
def test_extended_and_indeterminate_sentences(on: date) -> None:
    extended = assess(parse_case({"sentence": {"type": "extended"}}), on)
    assert extended.options == ("standard", "no_recall")
    assert extended.fixed_term_mandatory is False
    assert extended.fixed_term_days is None
    indeterminate = assess(parse_case({"sentence": {"type": "indeterminate"}}), on)
    assert indeterminate.options == ("emergency", "no_recall")
    assert indeterminate.fixed_term_days is None
    assert "emergency" in indeterminate.reasons[0]


def test_output_keys_follow_the_contract() -> None:
    data = run(FTR48_DAY).to_json()
    assert list(data)[:5] == [
        "options",
        "fixed_term_mandatory",
        "fixed_term_days",
        "rule_set",
        "reasons",
    ]


def test_the_web_layer_can_build_a_case_directly() -> None:
    from safeguard.recall.engine import RecallCase

    case = RecallCase(
        sentence_type="determinate",
        length_months=30,
        age=30,
        mappa_category=None,
        mappa_level=None,
        flags={"charged_with_new_offence": True},
    )
    assert assess(case, FTR56_DAY).exclusions == ("new_charge",)
