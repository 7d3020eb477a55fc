"""A seeded synthetic population of households for the linkage generator.

The hard cases of multi-agency linkage are built in on purpose: twins (same birthday, surname,
address and phone, different forename), fathers and sons with the same name at one address,
married women known under two surnames, and people who moved house.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from safeguard.linkage.engine.synthetic_words import (
    FEMALE_FORENAMES,
    MALE_FORENAMES,
    POSTCODE_AREAS,
    STREETS,
    SURNAMES,
    TOWNS,
)

_PNC_CHECK = "ZABCDEFGHJKLMNPQRTUVWXY"


@dataclass(frozen=True, slots=True)
class Address:
    number: int
    flat: int | None
    street: str
    town: str
    postcode: str
    landline: str | None


@dataclass(slots=True)
class Person:
    person_id: str
    forename: str
    middle: str | None
    surname: str
    birth_surname: str
    sex: str
    dob: dt.date
    nhs_number: str
    pnc_id: str | None
    mobile: str | None
    addresses: list[Address] = field(default_factory=list)


def zipf_choice(rng: random.Random, words: tuple[str, ...] | list[str]) -> str:
    """Earlier words are more popular (about a fifth of draws fall in the first 5%)."""
    index = int(len(words) * rng.random() ** 1.8)
    return words[min(index, len(words) - 1)]


def nhs_number(rng: random.Random) -> str:
    while True:
        digits = [rng.randrange(10) for _ in range(9)]
        check = 11 - sum(d * w for d, w in zip(digits, range(10, 1, -1), strict=True)) % 11
        if check == 11:
            check = 0
        if check != 10:
            return "".join(map(str, digits)) + str(check)


def pnc_id(rng: random.Random, year: int) -> str:
    serial = rng.randrange(1, 999_999)
    letter = _PNC_CHECK[int(f"{year % 100:02d}{serial:07d}") % 23]
    return f"{year % 100:02d}/{serial:07d}{letter}"


def _phone(rng: random.Random, mobile: bool) -> str:
    if mobile:
        return f"07{rng.randrange(100, 999)}{rng.randrange(100000, 999999)}"
    return f"01{rng.randrange(100, 999)}{rng.randrange(100000, 999999)}"


def _address(rng: random.Random, near: Address | None = None) -> Address:
    if near is not None and rng.random() < 0.5:
        district = near.postcode.split(" ")[0]
        town = near.town
    else:
        area, districts = POSTCODE_AREAS[rng.randrange(len(POSTCODE_AREAS))]
        district = f"{area}{rng.randrange(1, districts + 1)}"
        town = TOWNS[rng.randrange(len(TOWNS))]
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    inward = f"{rng.randrange(10)}{rng.choice(letters)}{rng.choice(letters)}"
    flat = rng.randrange(1, 12) if rng.random() < 0.15 else None
    return Address(
        number=rng.randrange(1, 180),
        flat=flat,
        street=STREETS[rng.randrange(len(STREETS))],
        town=town,
        postcode=f"{district} {inward}",
        landline=_phone(rng, mobile=False) if rng.random() < 0.4 else None,
    )


class PopulationBuilder:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.people: list[Person] = []

    def _person(
        self,
        sex: str,
        surname: str,
        dob: dt.date,
        home: Address,
        forename: str | None = None,
        birth_surname: str | None = None,
    ) -> Person:
        rng = self.rng
        names = MALE_FORENAMES if sex == "M" else FEMALE_FORENAMES
        first = forename or zipf_choice(rng, names)
        middle = zipf_choice(rng, names) if rng.random() < 0.6 else None
        adult = dob.year <= 2006
        addresses = [home]
        for _ in range(rng.choice((0, 0, 0, 1, 1, 2)) if adult else 0):
            addresses.append(_address(rng, near=home))
        person = Person(
            person_id=f"T-{len(self.people) + 1:07d}",
            forename=first,
            middle=middle if middle != first else None,
            surname=surname,
            birth_surname=birth_surname or surname,
            sex=sex,
            dob=dob,
            nhs_number=nhs_number(rng),
            pnc_id=pnc_id(rng, dob.year + 18) if adult and rng.random() < 0.35 else None,
            mobile=_phone(rng, mobile=True) if dob.year <= 2010 and rng.random() < 0.8 else None,
            addresses=addresses,
        )
        self.people.append(person)
        return person

    def _birthday(self, start_year: int, end_year: int) -> dt.date:
        day = self.rng.randrange((dt.date(end_year, 12, 31) - dt.date(start_year, 1, 1)).days)
        return dt.date(start_year, 1, 1) + dt.timedelta(days=day)

    def household(self) -> None:
        """One household: a single adult, a couple, or parents with children."""
        rng = self.rng
        home = _address(rng)
        surname = zipf_choice(rng, SURNAMES)
        kind = rng.random()
        parent_dob = self._birthday(1948, 1998)
        father = None
        if kind < 0.3:
            self._person("M" if rng.random() < 0.5 else "F", surname, parent_dob, home)
            return
        if kind < 0.6 or rng.random() < 0.5:
            father = self._person("M", surname, parent_dob, home)
            maiden = zipf_choice(rng, SURNAMES)
            married = rng.random() < 0.7
            partner_dob = parent_dob + dt.timedelta(days=rng.randrange(-2500, 2500))
            self._person(
                "F", surname if married else maiden, partner_dob, home, birth_surname=maiden
            )
        else:
            self._person("F", surname, parent_dob, home)
        if kind < 0.5:
            return
        for _ in range(rng.choice((1, 1, 2, 2, 3, 4))):
            earliest = parent_dob.year + 18
            if earliest > 2022:
                break
            dob = self._birthday(earliest, min(parent_dob.year + 42, 2023))
            sex = "M" if rng.random() < 0.5 else "F"
            junior = father.forename if father and sex == "M" and rng.random() < 0.15 else None
            child = self._person(sex, surname, dob, home, forename=junior)
            if rng.random() < 0.04:
                twin_sex = sex if rng.random() < 0.5 else ("F" if sex == "M" else "M")
                twin_names = MALE_FORENAMES if twin_sex == "M" else FEMALE_FORENAMES
                twin_name = child.forename
                while twin_name == child.forename:
                    twin_name = zipf_choice(rng, twin_names)
                self._person(twin_sex, surname, dob, home, forename=twin_name)
