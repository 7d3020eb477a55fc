from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from safeguard.linkage.engine.normalise import (
    address_tokens,
    dwelling_key,
    normalise_nhs_number,
    normalise_phone,
    normalise_pnc_id,
    normalise_postcode,
    normalise_sex,
    parse_date_of_birth,
    postcode_district,
    postcode_sector,
)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("sw1a1aa", "SW1A 1AA"),
        (" LS1  1AA ", "LS1 1AA"),
        ("m1 1ao", "M1 1AO"),
        ("M11AO", "M1 1AO"),
        ("LS12 OXX", "LS12 0XX"),  # letter O typed for the sector digit
        ("NFA", None),
        ("", None),
        ("4223", "4223"),  # not a UK postcode, still matches itself exactly
    ],
)
def test_postcodes_are_written_one_way(typed: str, expected: str | None) -> None:
    assert normalise_postcode(typed) == expected


def test_postcode_sector_and_district() -> None:
    assert postcode_sector("SW1A 1AA") == "SW1A 1"
    assert postcode_district("SW1A 1AA") == "SW1A"
    assert postcode_sector("4223") is None


@pytest.mark.parametrize(
    "typed",
    ["07700 900123", "+44 7700 900123", "+44(0)7700 900123", "0044 7700 900123", "7700900123"],
)
def test_phone_formats_agree(typed: str) -> None:
    assert normalise_phone(typed) == "07700900123"


def test_phone_too_short_or_abroad_is_no_evidence() -> None:
    assert normalise_phone("12345") is None
    assert normalise_phone("001 555 123 4567") is None


def test_nhs_number_check_digit() -> None:
    assert normalise_nhs_number("943 476 5919") == "9434765919"
    assert normalise_nhs_number("9434765918") is None  # one digit mistyped
    assert normalise_nhs_number("9434765991") is None  # two digits swapped
    assert normalise_nhs_number("94347659") is None


def test_pnc_id_forms() -> None:
    assert normalise_pnc_id("98/123456A") == "98/0123456A"
    assert normalise_pnc_id("1998/0123456a") == "98/0123456A"
    assert normalise_pnc_id("2001/123A") == "01/0000123A"
    assert normalise_pnc_id("nonsense") is None


def test_sex_codes() -> None:
    assert [normalise_sex(v) for v in ("M", "female", "1", "2", "0", "9", "U", "")] == [
        "M",
        "F",
        "M",
        "F",
        None,
        None,
        None,
        None,
    ]


def test_date_of_birth_is_strict() -> None:
    assert parse_date_of_birth("1985-03-12") is not None
    assert parse_date_of_birth("  ") is None
    for bad in ("12/03/1985", "1985-02-30", "1985-3-12"):
        with pytest.raises(ValueError):
            parse_date_of_birth(bad)


def test_flat_addresses_written_differently_are_one_dwelling() -> None:
    keys = {
        dwelling_key(address_tokens(text))
        for text in (
            "Flat 2, 10 Acacia Avenue, Townsville",
            "2/10 ACACIA AVE",
            "flat 2 10 acacia av",
        )
    }
    assert keys == {"10|2:ACACIA"}
    assert dwelling_key(address_tokens("12 Acacia Avenue")) != "10|2:ACACIA"


@settings(max_examples=60)
@given(st.text(alphabet="ABCDEFGHJKLMNPRSTUWXYZ0123456789 abc", max_size=10))
def test_normalised_postcode_is_a_fixed_point(text: str) -> None:
    once = normalise_postcode(text)
    if once is not None:
        assert normalise_postcode(once) == once


@settings(max_examples=60)
@given(st.text(alphabet="0123456789 +()-", max_size=20))
def test_normalised_phone_is_a_fixed_point(text: str) -> None:
    once = normalise_phone(text)
    if once is not None:
        assert normalise_phone(once) == once
        assert once.startswith("0")
