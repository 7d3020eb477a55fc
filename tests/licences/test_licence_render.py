"""Condition wording filled in with entered values, as the official service writes it."""

from __future__ import annotations

import pytest

from safeguard.licences.engine import (
    ConditionInputError,
    render_condition_text,
    validate_condition_inputs,
)

V4_CURFEW = "52faefcf-15f0-42c5-b908-621b4a7ecdb9"
VICTIMS = "4858cd8b-bca6-4f11-b6ee-439e27216d7d"
ADDRESS = {"line1": "1 Example Street", "town": "Testtown", "postcode": "ZZ1 1ZZ"}
PERSON = {"person_id": "PER-000123", "name": "alex example"}


def test_repeatable_people_render_as_a_list_with_or() -> None:
    values = {
        "name": [PERSON, {"person_id": "PER-2", "name": "sam sample-smith"}],
        "socialServicesDepartment": "testshire children's services",
    }
    assert render_condition_text("4.0", VICTIMS, values) == (
        "Not to seek to approach or communicate with Alex Example or Sam Sample-Smith without "
        "the prior approval of your supervising officer and / or Testshire Children's Services."
    )


def test_defaults_fill_hidden_choices() -> None:
    vehicles = "d523d711-9975-4a9a-a37e-a17bd611140f"
    values = {
        "vehicleTypes": "Any motor vehicle",
        "timeRestriction": "At any time",
        "locationRestriction": "At any location",
    }
    assert render_condition_text("4.0", vehicles, values) == (
        "Not to use any motor vehicle at any time at any location without the prior approval "
        "of your supervising officer."
    )


def test_reporting_condition_uses_the_first_filled_alternative() -> None:
    police = "2027ae19-04a2-4fa6-8d1b-a62dffba2e62"
    values = {
        "policeStation": "riverside central",
        "reportingFrequency": "Other",
        "alternativeReportingFrequency": "on Mondays",
        "numberOfReportingTimes": "Once a day",
        "reportingTime": "09:30",
        "reviewPeriod": "Monthly",
    }
    text = render_condition_text("4.0", police, values)
    assert text.startswith("Report to staff at Riverside Central at 9:30am on Mondays, unless")
    assert "on a monthly basis" in text


def test_dates_money_and_addresses_are_written_out() -> None:
    tag = render_condition_text(
        "4.0", "524f2fd6-ad53-47dd-8edc-2161d3dd2ed4", {"endDate": "2026-01-05"}
    )
    assert "ending on 5 January 2026," in tag
    cash = render_condition_text(
        "4.0", "e8478345-019a-4335-9656-73a77ffd3c42", {"value": "£1,500.5"}
    )
    assert "in excess of the value of £1,500.50 without" in cash
    address = render_condition_text(
        "4.0", "86e6f2a9-bb60-40f8-9ac4-310ebc72ac2f", {"approvedAddress": ADDRESS}
    )
    assert "stay at 1 Example Street, Testtown, ZZ1 1ZZ between 5pm" in address


def test_items_take_their_own_indefinite_article() -> None:
    text = render_condition_text(
        "4.0", "3932e5c9-4d21-4251-a747-ce6dc52dc9c0", {"item": ["knife", "axe"]}
    )
    assert "possess a knife or an axe without" in text


def test_rendering_invalid_values_raises_with_the_field_errors() -> None:
    with pytest.raises(ConditionInputError) as raised:
        render_condition_text("4.0", V4_CURFEW, {"numberOfCurfews": "One curfew"})
    assert [e.message for e in raised.value.errors] == [
        "Enter a curfew start time",
        "Enter a curfew end time",
    ]


def test_three_curfews_a_day_are_allowed() -> None:
    values = {
        "numberOfCurfews": "Three curfews",
        "threeCurfewStart": "22:00",
        "threeCurfewEnd": "06:00",
        "threeCurfewStart2": "10:00",
        "threeCurfewEnd2": "12:00",
        "threeCurfewStart3": "14:00",
        "threeCurfewEnd3": "16:00",
    }
    assert validate_condition_inputs("4.0", V4_CURFEW, values) == []
    assert "between 10pm and 6am, 10am and midday, and 2pm and 4pm each day" in (
        render_condition_text("4.0", V4_CURFEW, values)
    )
