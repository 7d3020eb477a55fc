"""Normalisers for the non-name fields of a UK person record.

Each returns a canonical string, or None when the value is missing or unusable, so that the
Splink model sees NULL (no evidence) rather than a junk value that would count as disagreement.
"""

from __future__ import annotations

import datetime as dt
import re

_DOB = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9])([A-Z]{2})$")
_PNC = re.compile(r"^(\d{2}|\d{4})(\d{1,7})([A-Z])$")
_PNC_AFTER_YEAR = re.compile(r"^(\d{1,7})([A-Z])$")
_ADDRESS_SPLIT = re.compile(r"[^A-Z0-9]+")
_HOUSE_NUMBER = re.compile(r"^\d+[A-Z]?$")

# Street-type words and their common abbreviations fold to one spelling.
_STREET_WORDS = {
    "ROAD": "RD",
    "STREET": "ST",
    "AVENUE": "AVE",
    "AV": "AVE",
    "LANE": "LN",
    "DRIVE": "DR",
    "CLOSE": "CL",
    "COURT": "CT",
    "CRESCENT": "CRES",
    "CRESC": "CRES",
    "PLACE": "PL",
    "GARDENS": "GDNS",
    "GARDEN": "GDN",
    "TERRACE": "TER",
    "TERR": "TER",
    "SQUARE": "SQ",
    "GROVE": "GRV",
    "GR": "GRV",
    "PARK": "PK",
    "HOUSE": "HO",
    "MEWS": "MWS",
    "PARADE": "PDE",
    "WALK": "WLK",
    "HILL": "HL",
    "NORTH": "N",
    "SOUTH": "S",
    "EAST": "E",
    "WEST": "W",
    "SAINT": "ST",
}
# Words that say which unit of a building: the number that follows carries the meaning.
_UNIT_WORDS = frozenset({"FLAT", "APARTMENT", "APT", "UNIT", "ROOM", "NO", "NUMBER", "THE"})


def parse_date_of_birth(text: str) -> dt.date | None:
    """A strict YYYY-MM-DD calendar date; raises ValueError for anything else but blank."""
    value = text.strip()
    if not value:
        return None
    match = _DOB.match(value)
    if match is None:
        raise ValueError(f"date_of_birth {value!r} is not YYYY-MM-DD")
    year, month, day = (int(g) for g in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError(f"date_of_birth {value!r} is not a calendar date") from None


def normalise_postcode(text: str) -> str | None:
    """UK postcode as 'OUTWARD INWARD' (sw1a1aa -> SW1A 1AA).

    Anything else with a digit in it (a foreign or garbled code) is kept compacted, without a
    space, so that it can still match itself exactly; None when there is nothing of the kind.
    """
    compact = re.sub(r"[^A-Z0-9]", "", text.upper())
    # Agencies type O for 0 in the inward code's digit position; repair that one slip.
    if len(compact) >= 5 and compact[-3] == "O":
        compact = compact[:-3] + "0" + compact[-2:]
    match = _POSTCODE.match(compact)
    if match is None:
        return compact if 3 <= len(compact) <= 10 and any(c.isdigit() for c in compact) else None
    outward, sector_digit, unit = match.groups()
    return f"{outward} {sector_digit}{unit}"


def postcode_sector(postcode: str | None) -> str | None:
    """'SW1A 1' for a UK postcode; None for others (no sectors known)."""
    return postcode[:-2] if postcode and " " in postcode else None


def postcode_district(postcode: str | None) -> str | None:
    return postcode.split(" ")[0] if postcode and " " in postcode else None


def address_tokens(text: str) -> list[str]:
    """Address words with street types abbreviated one way and unit words dropped."""
    tokens = [t for t in _ADDRESS_SPLIT.split(text.upper()) if t]
    return [_STREET_WORDS.get(t, t) for t in tokens if t not in _UNIT_WORDS]


def dwelling_key(tokens: list[str]) -> str | None:
    """House and flat numbers plus the first street word: '10|2:ACACIA' for 'Flat 2, 10 Acacia
    Ave' and '2/10 Acacia Avenue'. None when the address has no number or no street word."""
    numbers = []
    street = None
    for token in tokens:
        if token[0].isdigit() and _HOUSE_NUMBER.match(token):
            numbers.append(token)
            street = None  # the street word is the first word after the last number
        elif street is None and token.isalpha():
            street = token
    if not numbers:
        # A named house ('Rose Cottage, Mill Lane'): its first two words identify it.
        words = [t for t in tokens if t.isalpha()]
        return "~" + " ".join(words[:2]) if len(words) >= 2 else None
    if street is None:
        return None
    return "|".join(sorted(numbers)) + ":" + street


def normalise_phone(text: str) -> str | None:
    """UK national-format digits: +44 7700 900123, +44(0)7700 900123, 0044 7700 900123 and
    7700900123 all become 07700900123. None when too short or too long to be a number."""
    digits = re.sub(r"\D", "", text.upper().split("X", 1)[0])  # drop an extension
    if digits.startswith("00"):
        digits = digits[2:]
        if not digits.startswith("44"):
            return None  # a number abroad: kept out rather than half-parsed
    if digits.startswith("44") and len(digits) >= 12:
        digits = digits[2:]
    digits = digits.lstrip("0")
    return "0" + digits if 9 <= len(digits) <= 10 else None


def normalise_nhs_number(text: str) -> str | None:
    """Ten digits with a valid modulus-11 check digit; None otherwise.

    A mistyped NHS number almost always fails the check, so dropping it turns a typo into
    'no evidence' instead of false evidence that two records are different people.
    """
    digits = re.sub(r"[\s-]", "", text)
    if len(digits) != 10 or not digits.isdigit():
        return None
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return digits if check != 10 and check == int(digits[9]) else None


def normalise_pnc_id(text: str) -> str | None:
    """Police National Computer id as 'YY/NNNNNNNL' (two-digit year, serial, check letter)."""
    upper = text.upper()
    if "/" in upper:
        # With the slash the year is unambiguous ('2001/123A' is year 01, serial 123).
        year_part, _, rest = upper.partition("/")
        year = re.sub(r"\D", "", year_part)
        match = _PNC_AFTER_YEAR.match(re.sub(r"[^A-Z0-9]", "", rest))
        if len(year) not in (2, 4) or match is None:
            return None
        serial, letter = match.groups()
    else:
        full = _PNC.match(re.sub(r"[^A-Z0-9]", "", upper))
        if full is None:
            return None
        year, serial, letter = full.groups()
    return f"{year[-2:]}/{int(serial):07d}{letter}"


def normalise_ni_number(text: str) -> str | None:
    """National Insurance number (or another agency's personal number) compacted, upper case;
    None unless it has five characters or more, a digit among them."""
    compact = re.sub(r"[^A-Z0-9]", "", text.upper())
    return compact if len(compact) >= 5 and any(c.isdigit() for c in compact) else None


def normalise_sex(text: str) -> str | None:
    """M or F from 'M', 'male', 'Female', or the NHS codes 1 and 2; None for anything else
    (unknown, not stated, 0, 9)."""
    value = text.strip().upper()[:1]
    value = {"1": "M", "2": "F"}.get(value, value) if len(text.strip()) == 1 else value
    return value if value in {"M", "F"} else None
