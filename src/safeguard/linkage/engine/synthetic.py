"""Seeded synthetic multi-agency person records with known truth, for evaluation.

Each person gets one or more records from different agencies, each typed the way that agency
types things: nicknames, typos, a middle name in the forename box, maiden or married surname,
an old address, day and month swapped, missing fields, different formats for phone numbers,
postcodes, NHS numbers and PNC ids. All names are drawn at random from common-name lists.
"""

from __future__ import annotations

import datetime as dt
import random
import string
from dataclasses import dataclass

from safeguard.linkage.engine.names import diminutives
from safeguard.linkage.engine.records import PersonRecord
from safeguard.linkage.engine.synthetic_population import Address, Person, PopulationBuilder
from safeguard.linkage.engine.synthetic_words import AGENCIES

# How many records a person has across agencies (1 to 6), and how likely each count is.
_RECORD_COUNTS = (1, 2, 3, 4, 5, 6)
_RECORD_COUNT_WEIGHTS = (35, 28, 17, 10, 6, 4)
_STREET_ABBREVIATIONS = {"ROAD": "RD", "STREET": "ST", "AVENUE": "AVE", "LANE": "LN"}
_STREET_ABBREVIATIONS |= {"DRIVE": "DR", "CLOSE": "CL", "COURT": "CT", "CRESCENT": "CRES"}


@dataclass(frozen=True, slots=True)
class SyntheticData:
    records: list[PersonRecord]
    truth: dict[str, str]  # record_id -> person_id


def typo(rng: random.Random, word: str) -> str:
    """One keyboard slip: a letter dropped, doubled, swapped with its neighbour or replaced."""
    if len(word) < 3:
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(4)
    if kind == 0:
        return word[:i] + word[i + 1 :]
    if kind == 1:
        return word[:i] + word[i] + word[i:]
    if kind == 2:
        return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]
    return word[:i] + rng.choice(string.ascii_uppercase) + word[i + 1 :]


def _case(rng: random.Random, style: int, text: str) -> str:
    if style == 0:
        return text.upper()
    if style == 1:
        return text.lower()
    return text.title().replace("'S", "'s")


class _Renderer:
    """Renders one agency record of a person, with that agency's habits and slips."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def forename(self, person: Person) -> str:
        rng = self.rng
        name = person.forename
        options = diminutives(name)
        roll = rng.random()
        if options and roll < 0.18:
            name = rng.choice(options)
        elif roll < 0.22:
            name = typo(rng, name)
        elif roll < 0.235:
            name = name[0]
        if person.middle and rng.random() < 0.1:
            name = f"{name} {person.middle}"
        return name

    def surname(self, person: Person) -> str:
        rng = self.rng
        name = person.surname
        if person.birth_surname != person.surname and rng.random() < 0.3:
            name = person.birth_surname  # an older record, before marriage
        if "-" in name and rng.random() < 0.4:
            name = rng.choice(name.split("-"))
        if "'" in name and rng.random() < 0.5:
            name = name.replace("'", rng.choice(("", " ")))
        if rng.random() < 0.05:
            name = typo(rng, name)
        return name

    def date_of_birth(self, person: Person) -> str:
        rng = self.rng
        roll = rng.random()
        dob = person.dob
        year, month, day = dob.year, dob.month, dob.day
        if roll < 0.07:
            return ""
        if roll < 0.095 and day <= 12 and day != month:
            month, day = day, month
        elif roll < 0.12:
            part = rng.randrange(3)
            if part == 0:
                year += rng.choice((-1, 1, -10, 10))
            elif part == 1:
                month = rng.randrange(1, 13)
            else:
                day = min(28, max(1, day + rng.choice((-2, -1, 1, 2, 10))))
        try:
            return dt.date(year, month, day).isoformat()
        except ValueError:  # the slip made an impossible date: keep the true one
            return dob.isoformat()

    def address(self, place: Address, style: int) -> str:
        rng = self.rng
        street = place.street
        if rng.random() < 0.4:
            words = street.split(" ")
            street = " ".join(_STREET_ABBREVIATIONS.get(w, w) for w in words)
        if rng.random() < 0.03:
            street = typo(rng, street)
        number = str(place.number)
        if place.flat is not None and rng.random() < 0.9:
            flat_style = rng.randrange(3)
            if flat_style == 0:
                number = f"Flat {place.flat}, {place.number}"
            elif flat_style == 1:
                number = f"{place.flat}/{place.number}"
            else:
                number = f"Flat {place.flat} {place.number}"
        parts = [f"{number} {street}"]
        if rng.random() < 0.7:
            parts.append(place.town)
        return _case(rng, style, ", ".join(parts))

    def postcode(self, place: Address) -> str:
        rng = self.rng
        code = place.postcode
        roll = rng.random()
        if roll < 0.02:
            i = rng.randrange(len(code))
            if code[i] != " ":
                pool = string.digits if code[i].isdigit() else string.ascii_uppercase
                code = code[:i] + rng.choice(pool) + code[i + 1 :]
        elif roll < 0.2:
            code = code.replace(" ", "")
        return code.lower() if rng.random() < 0.15 else code

    def phone(self, person: Person, place: Address) -> str:
        rng = self.rng
        numbers = [n for n in (person.mobile, place.landline) if n]
        if not numbers or rng.random() < 0.4:
            return ""
        number = numbers[0] if rng.random() < 0.75 else rng.choice(numbers)
        if rng.random() < 0.05:
            number = number[:-4] + f"{rng.randrange(10000):04d}"  # a number since changed
        style = rng.randrange(4)
        if style == 0:
            return "+44 " + number[1:5] + " " + number[5:]
        if style == 1:
            return number[:5] + " " + number[5:]
        return number

    def record(self, person: Person, record_id: str) -> PersonRecord:
        rng = self.rng
        agency = rng.choice(AGENCIES if person.dob.year < 2005 else AGENCIES[2:])
        place = person.addresses[0] if rng.random() < 0.6 else rng.choice(person.addresses)
        style = rng.choice((0, 0, 2, 2, 2, 1))
        nhs = ""
        if rng.random() < (0.85 if agency == "health" else 0.3):
            nhs = person.nhs_number
            if rng.random() < 0.02:
                nhs = typo(rng, nhs)
            if rng.random() < 0.3:
                nhs = f"{nhs[:3]} {nhs[3:6]} {nhs[6:]}"
        pnc = ""
        if person.pnc_id and agency in ("police", "probation") and rng.random() < 0.85:
            pnc = person.pnc_id if rng.random() < 0.7 else "19" + person.pnc_id
        sex = "" if rng.random() < 0.2 else person.sex
        if sex and rng.random() < 0.3:
            sex = {"M": "Male", "F": "Female"}[sex]
        return PersonRecord(
            record_id=record_id,
            source=agency,
            forename=_case(rng, style, self.forename(person)),
            surname=_case(rng, style, self.surname(person)),
            date_of_birth=self.date_of_birth(person),
            postcode="" if rng.random() < 0.06 else self.postcode(place),
            address="" if rng.random() < 0.06 else self.address(place, style),
            phone=self.phone(person, place),
            sex=sex,
            nhs_number=nhs,
            pnc_id=pnc,
        )


def generate(n_records: int, seed: int = 0) -> SyntheticData:
    """About n_records records (exactly n_records) of a synthetic population, with truth."""
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not security
    builder = PopulationBuilder(rng)
    renderer = _Renderer(rng)
    plan: list[Person] = []
    while len(plan) < n_records:
        start = len(builder.people)
        builder.household()
        for person in builder.people[start:]:
            count = rng.choices(_RECORD_COUNTS, _RECORD_COUNT_WEIGHTS)[0]
            plan.extend([person] * count)
    plan = plan[:n_records]
    rng.shuffle(plan)
    records = [renderer.record(p, f"R{i + 1:07d}") for i, p in enumerate(plan)]
    truth = {r.record_id: p.person_id for r, p in zip(records, plan, strict=True)}
    return SyntheticData(records, truth)
