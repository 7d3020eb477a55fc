"""Every input of every condition can be entered, validated and rendered; each kind of
mistake gets its GOV.UK-style message."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from typing import Any

import pytest

from safeguard.licences.engine import (
    Condition,
    FieldError,
    InputSpec,
    load_catalogue,
    render_condition_text,
    validate_condition_inputs,
)
from safeguard.licences.engine.validation import visible_inputs

ALL_CONDITIONS = [c for policy in ("3.0", "4.0") for c in load_catalogue(policy).conditions]
WITH_INPUTS = [c for c in ALL_CONDITIONS if c.inputs]

ADDRESS = {"line1": "1 Example Street", "town": "Testtown", "postcode": "ZZ1 1ZZ"}
PERSON = {"person_id": "PER-000123", "name": "alex example"}
ZONE = {
    "type": "Polygon",
    "coordinates": [
        [[-0.11, 51.59], [-0.10, 51.59], [-0.10, 51.60], [-0.11, 51.60], [-0.11, 51.59]]
    ],
}
SAMPLES: dict[str, object] = {
    "text": "Sample entry",
    "number": 16,
    "money": "250.50",
    "date": "2026-12-31",
    "address": ADDRESS,
    "person": PERSON,
    "zone": ZONE,
}


def radio_paths(condition: Condition) -> Iterator[dict[str, str]]:
    """Every combination of radio choices that shows a different set of inputs."""

    def radios(specs: tuple[InputSpec, ...]) -> list[InputSpec]:
        found = []
        for spec in specs:
            if spec.type == "radio":
                found.append(spec)
            for option in spec.options:
                found.extend(radios(option.inputs))
        return found

    choices = [[(spec.name, o.value) for o in spec.options] for spec in radios(condition.inputs)]
    seen: set[tuple[str, ...]] = set()
    for combination in itertools.product(*choices):
        values = dict(combination)
        shown = tuple(s.name for s in visible_inputs(condition.inputs, values))
        if shown not in seen:
            seen.add(shown)
            yield values


def fill_valid(condition: Condition, radios: dict[str, str]) -> dict[str, Any]:
    """A valid value for every shown input; times step through the day so windows never meet."""
    values: dict[str, Any] = dict(radios)
    clock = itertools.count(1, 2)
    for spec in visible_inputs(condition.inputs, radios):
        if spec.type == "radio":
            continue
        if spec.type == "time":
            value: object = f"{next(clock):02d}:00"
        elif spec.type == "checkbox":
            value = [spec.options[0].value]
        else:
            value = SAMPLES[spec.type]
        values[spec.name] = [value, value] if spec.repeatable else value
    return values


CASES = [
    pytest.param(condition, radios, id=f"{condition.policy}-{condition.code[:8]}-{n}")
    for condition in WITH_INPUTS
    for n, radios in enumerate(radio_paths(condition))
]


@pytest.mark.parametrize(("condition", "radios"), CASES)
def test_every_input_of_every_condition_can_be_entered(
    condition: Condition, radios: dict[str, str]
) -> None:
    values = fill_valid(condition, radios)
    assert validate_condition_inputs(condition.policy, condition.code, values) == []
    text = render_condition_text(condition.policy, condition.code, values)
    assert "{" not in text and "}" not in text
    assert "  " not in text
    assert text[0].isupper() or text.startswith("£"), text


def test_the_generated_cases_cover_every_input_of_every_condition() -> None:
    covered: dict[tuple[str, str], set[str]] = {}
    for param in CASES:
        condition, radios = param.values
        assert isinstance(condition, Condition) and isinstance(radios, dict)
        key = (condition.policy, condition.code)
        covered.setdefault(key, set()).update(fill_valid(condition, radios))
    for condition in WITH_INPUTS:
        assert covered[(condition.policy, condition.code)] == set(condition.all_inputs())


def test_conditions_without_inputs_render_their_fixed_text() -> None:
    for condition in ALL_CONDITIONS:
        if not condition.inputs:
            assert validate_condition_inputs(condition.policy, condition.code, {}) == []
            assert render_condition_text(condition.policy, condition.code, {}) == condition.text


@pytest.mark.parametrize(
    "condition", WITH_INPUTS, ids=[f"{c.policy}-{c.code[:8]}" for c in WITH_INPUTS]
)
def test_each_required_input_left_empty_gets_its_own_message(condition: Condition) -> None:
    for radios in radio_paths(condition):
        values = fill_valid(condition, radios)
        for spec in visible_inputs(condition.inputs, radios):
            if spec.type == "radio":
                continue
            emptied = {k: v for k, v in values.items() if k != spec.name}
            errors = validate_condition_inputs(condition.policy, condition.code, emptied)
            in_window = any(spec.name in window for window in condition.time_windows)
            if spec.required or in_window:
                # An optional time is still needed once the other end of its period is given.
                assert FieldError(spec.name, spec.error_missing) in errors
                assert spec.error_missing.split()[0] in ("Enter", "Select", "Draw", "Choose")
            else:
                assert errors == []


# --- one invalid value per input type ------------------------------------------------------


def first_input_of(kind: str) -> tuple[Condition, InputSpec]:
    for condition in WITH_INPUTS:
        for spec in condition.inputs:
            if spec.type == kind:
                return condition, spec
    raise AssertionError(f"no top-level {kind} input")


INVALID = [
    ("text", "x" * 1001, "Enter no more than 1000 characters", ""),
    ("number", "eighteen", "Enter a whole number from 1 to 18", ""),
    ("number", 19, "Enter a whole number from 1 to 18", ""),
    ("money", "lots", "Enter an amount in pounds, like 500 or 500.50", ""),
    ("money", "-5", "Enter an amount in pounds, like 500 or 500.50", ""),
    ("date", "2026-02-30", "Enter a real date", ""),
    ("date", "31/12/2026", "Enter a real date", ""),
    ("address", {**ADDRESS, "postcode": "NOT A CODE"}, "Enter a real postcode", ".postcode"),
    ("address", {**ADDRESS, "postcode": ""}, "Enter a postcode", ".postcode"),
    (
        "address",
        {"town": "Testtown", "postcode": "ZZ1 1ZZ"},
        "Enter address line 1, typically the building and street",
        ".line1",
    ),
    ("address", {**ADDRESS, "town": " "}, "Enter town or city", ".town"),
    ("person", "Alex Example", "Choose the person from the person index", "[0]"),
    (
        "person",
        {"name": "Alex Example"},
        "Choose the person from the person index",
        "[0].person_id",
    ),
    ("radio", "Somewhere else", "Select one of the options", ""),
    ("checkbox", ["nonsense"], "Select only the options shown", ""),
    (
        "zone",
        {"type": "Point", "coordinates": [-0.1, 51.6]},
        "Draw the area as a closed shape with at least 3 corners",
        "",
    ),
    (
        "zone",
        {"type": "Polygon", "coordinates": [[[0, 51], [1, 52], [1, 51], [0, 52], [0, 51]]]},
        "The area's edges must not cross each other",
        "",
    ),
]


@pytest.mark.parametrize(("kind", "bad", "message", "suffix"), INVALID)
def test_an_invalid_value_of_each_type_gets_the_right_message(
    kind: str, bad: object, message: str, suffix: str
) -> None:
    condition, spec = first_input_of(kind)
    radios = next(radio_paths(condition))
    values = fill_valid(condition, radios)
    values[spec.name] = bad
    errors = validate_condition_inputs(condition.policy, condition.code, values)
    assert errors == [FieldError(spec.name + suffix, message)]


@pytest.mark.parametrize("bad", ["24:00", "7pm", "19:60", "1900", ""])
def test_an_invalid_curfew_time_gets_the_right_message(bad: str) -> None:
    values = {"numberOfCurfews": "One curfew", "oneCurfewStart": bad, "oneCurfewEnd": "07:00"}
    errors = validate_condition_inputs("4.0", V4_CURFEW, values)
    expected = "Enter a curfew start time" if bad == "" else "Enter a real time"
    assert errors == [FieldError("oneCurfewStart", expected)]


# --- curfew windows ------------------------------------------------------------------------

V4_CURFEW = "52faefcf-15f0-42c5-b908-621b4a7ecdb9"
V3_CURFEW = "0a370862-5426-49c1-b6d4-3d074d78a81a"


def test_a_curfew_may_cross_midnight() -> None:
    values = {"numberOfCurfews": "One curfew", "oneCurfewStart": "19:00", "oneCurfewEnd": "07:00"}
    assert validate_condition_inputs("4.0", V4_CURFEW, values) == []
    assert "between 7pm and 7am each day" in render_condition_text("4.0", V4_CURFEW, values)


def test_a_curfew_window_must_have_different_start_and_end() -> None:
    values = {"numberOfCurfews": "One curfew", "oneCurfewStart": "19:00", "oneCurfewEnd": "19:00"}
    assert validate_condition_inputs("4.0", V4_CURFEW, values) == [
        FieldError("oneCurfewEnd", "The end time must be different from the start time")
    ]


@pytest.mark.parametrize(
    ("second_start", "second_end"), [("06:00", "08:00"), ("23:00", "01:00"), ("20:00", "21:00")]
)
def test_curfew_windows_must_not_overlap_even_across_midnight(
    second_start: str, second_end: str
) -> None:
    values = {
        "numberOfCurfews": "Two curfews",
        "curfewStart": "19:00",
        "curfewEnd": "07:00",
        "curfewStart2": second_start,
        "curfewEnd2": second_end,
        "reviewPeriod": "Weekly",
    }
    assert validate_condition_inputs("3.0", V3_CURFEW, values) == [
        FieldError("curfewStart2", "Curfew times must not overlap")
    ]


def test_windows_that_only_touch_do_not_overlap() -> None:
    values = {
        "numberOfCurfews": "Two curfews",
        "curfewStart": "19:00",
        "curfewEnd": "07:00",
        "curfewStart2": "07:00",
        "curfewEnd2": "09:00",
        "reviewPeriod": "Monthly",
    }
    assert validate_condition_inputs("3.0", V3_CURFEW, values) == []


def test_an_optional_second_period_needs_both_its_times() -> None:
    drinking = "be16ee0b-a916-43ef-9319-b42a1dd418a3"
    values = {
        "timeRestriction": "Between specified times",
        "firstCurfewStart": "18:00",
        "firstCurfewEnd": "23:00",
        "secondCurfewStart": "11:00",
    }
    assert validate_condition_inputs("4.0", drinking, values) == [
        FieldError("secondCurfewEnd", "Enter the second end time")
    ]
    values["secondCurfewEnd"] = "14:00"
    text = render_condition_text("4.0", drinking, values)
    assert "establishment between 6pm and 11pm or between 11am and 2pm without" in text


# --- options, repeatable and unknown inputs ------------------------------------------------


def test_inputs_under_an_option_not_chosen_are_ignored() -> None:
    values = {
        "numberOfCurfews": "One curfew",
        "oneCurfewStart": "19:00",
        "oneCurfewEnd": "07:00",
        "twoCurfewStart": "not a time",  # left over from another choice on the form
    }
    assert validate_condition_inputs("4.0", V4_CURFEW, values) == []


def test_an_input_the_condition_does_not_have_is_reported() -> None:
    values = {"numberOfCurfews": "One curfew", "oneCurfewStart": "19:00", "oneCurfewEnd": "07:00"}
    errors = validate_condition_inputs("4.0", V4_CURFEW, {**values, "curfewStart": "19:00"})
    assert errors == [FieldError("curfewStart", "This condition has no input called 'curfewStart'")]


VICTIMS = "4858cd8b-bca6-4f11-b6ee-439e27216d7d"


def test_repeatable_people_are_checked_one_by_one() -> None:
    values = {"name": [PERSON, {"person_id": "PER-9", "name": ""}, None]}
    assert validate_condition_inputs("4.0", VICTIMS, values) == [
        FieldError("name[1].name", "Enter name of victim or family member"),
        FieldError("name[2]", "Enter name of victim or family member"),
    ]


def test_optional_input_may_be_left_out() -> None:
    assert validate_condition_inputs("4.0", VICTIMS, {"name": [PERSON]}) == []
    text = render_condition_text("4.0", VICTIMS, {"name": [PERSON]})
    assert text.endswith("without the prior approval of your supervising officer.")


def test_error_messages_are_plain_sentences() -> None:
    for condition in ALL_CONDITIONS:
        for spec in condition.all_inputs().values():
            assert re.fullmatch(r"[A-Z][^.]*[a-z0-9)]", spec.error_missing), spec.error_missing
            assert "(optional)" not in spec.error_missing
