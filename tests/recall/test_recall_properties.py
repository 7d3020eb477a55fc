"""Invariants of every assessment, whatever the case and date (contracts.md §4)."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from safeguard.recall.engine import assess, parse_case
from safeguard.recall.engine.rules import OUTCOMES

flags = st.booleans()
cases = st.fixed_dictionaries(
    {
        "sentence": st.fixed_dictionaries(
            {
                "type": st.sampled_from(["determinate", "extended", "indeterminate"]),
                "length_months": st.integers(min_value=0, max_value=240),
            }
        ),
        "age": st.integers(min_value=10, max_value=90),
        "mappa": st.fixed_dictionaries(
            {
                "category": st.none() | st.integers(1, 4),
                "level": st.none() | st.integers(1, 3),
            }
        ),
        "charged_with_new_offence": flags,
        "convicted_of_new_offence": flags,
        "terrorist_sentence": flags,
        "terrorism_or_state_threat_charge": flags,
        "youth_charged_with_serious_offence": flags,
        "sopc_sentence": flags,
    }
)


@settings(max_examples=300, deadline=None)
@given(case=cases, on=st.dates(min_value=date(2020, 1, 1), max_value=date(2028, 12, 31)))
def test_options_are_ordered_include_no_recall_and_match_the_flags(
    case: dict[str, object], on: date
) -> None:
    result = assess(parse_case(case), on)
    assert result.options == tuple(o for o in OUTCOMES if o in result.options)
    assert "no_recall" in result.options
    if result.fixed_term_mandatory:
        assert result.options == ("fixed_term", "no_recall")
    assert (result.fixed_term_days is not None) == ("fixed_term" in result.options)
    assert result.reasons, "every assessment explains itself"
    if result.exclusions:
        assert not result.fixed_term_mandatory
        assert len(result.reasons) >= len(result.exclusions)
