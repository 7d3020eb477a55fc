"""Licences for the synthetic demo county: every person on licence gets a realistic one.

Deterministic (seeded). Most licences are in force with the standard conditions and a few
common additional ones; many have a curfew, an exclusion zone (drawn around a place a little
way from home), now and then an event zone, with the electronic-monitoring condition that goes
with them; some have been varied. A few are still being prepared, waiting for release, or
recalled. Every additional condition's values pass the catalogue's checks, so the demo shows
nothing the service itself would refuse.
"""

from __future__ import annotations

import math
import random
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from safeguard.accounts.models import User
from safeguard.accounts.roles import Role
from safeguard.audit.models import AuditAction
from safeguard.audit.services import AuditDraft, audit_record_many
from safeguard.licences import conf
from safeguard.licences.engine import (
    Condition,
    load_catalogue,
    policy_for,
    validate_condition_inputs,
)
from safeguard.licences.engine.orders import EVENT_ZONE_CODE, TAG_CODE
from safeguard.licences.engine.zones import circle_zone, zone_normalise
from safeguard.licences.models import (
    Licence,
    LicenceCondition,
    LicenceEvent,
    LicenceStatus,
    LicenceVariation,
)
from safeguard.people.models import Allocation, Person, PersonAddress

CURFEW_CODES = {
    "3.0": "0a370862-5426-49c1-b6d4-3d074d78a81a",
    "4.0": "52faefcf-15f0-42c5-b908-621b4a7ecdb9",
}
EXCLUSION_CODE = "0f9a20f4-35c7-4c77-8af8-f200f153fa11"
# Not to have unsupervised contact with children under an age (V3 and V4 share the code).
CHILD_CONTACT_CODE = "4a5fed48-0fb9-4711-8ddf-b46ddfd90246"
# Common additional conditions with no inputs (the same codes mean the same in V3 and V4).
COMMON = [
    "d5998ca1-62a2-4409-88cd-3137d893c2a0",  # not to approach victims
    "db2d7e24-b130-4c7e-a1bf-6bb5f3036c02",  # notify developing relationships
    "5fa04bbf-6b7c-4b65-9388-a0115cd365a6",  # surrender passport
    "8e52e16e-1abf-4251-baca-2fabfcb243d0",  # one mobile phone
    "985d339a-b652-40e3-b0a8-5aafd5e121f1",  # no gambling
    "0EDB6D01-46B6-408F-971C-0EBFF5FA93F0",  # integrated offender management
    "322bb3f7-2ee1-46aa-ae1c-3f743efd4327",  # drug testing
]
CURFEW_TIMES = [
    [("19:00", "07:00")],
    [("21:00", "06:00")],
    [("20:00", "07:00")],
    [("22:00", "06:00"), ("13:00", "14:00")],
]
EVENTS = ["the Northam Show", "Kestrel Bridge Town football matches", "the Ashby Moor Festival"]


@dataclass
class _Batch:
    licences: list[Licence] = field(default_factory=list)
    rows: list[LicenceCondition] = field(default_factory=list)
    variations: list[tuple[LicenceVariation, list[LicenceCondition], list[LicenceCondition]]] = (
        field(default_factory=list)
    )
    events: list[LicenceEvent] = field(default_factory=list)


def _checked(condition: Condition, values: dict[str, Any]) -> dict[str, Any]:
    problems = validate_condition_inputs(condition.policy, condition.code, values)
    if problems:  # a bug in the generator, never a data problem: fail loudly
        raise ValueError(f"demo values for {condition.code} do not validate: {problems}")
    return values


def _curfew(condition: Condition, windows: list[tuple[str, str]]) -> dict[str, Any]:
    number = condition.inputs[0]
    option = number.options[len(windows) - 1]
    values: dict[str, Any] = {number.name: option.value}
    names = [spec.name for spec in option.inputs]
    for (start, end), (a, b) in zip(
        windows, zip(names[::2], names[1::2], strict=True), strict=False
    ):
        values[a], values[b] = start, end
    for spec in condition.inputs[1:]:  # V3's review period
        if spec.type == "radio" and spec.required:
            values[spec.name] = spec.options[0].value
    return _checked(condition, values)


def _polygon(rng: random.Random, lat: float, lon: float) -> dict[str, Any]:
    """A star-shaped (so never self-crossing) area 150–600 m across, 0.5–3 km from (lat, lon)."""
    bearing, distance = rng.uniform(0, 2 * math.pi), rng.uniform(500, 3000)
    centre_lat = lat + distance * math.cos(bearing) / 111_320
    centre_lon = lon + distance * math.sin(bearing) / (111_320 * math.cos(math.radians(lat)))
    if rng.random() < 0.3:
        return circle_zone(centre_lat, centre_lon, rng.choice([150, 200, 300, 400]))
    corners = rng.randint(5, 9)
    # Evenly spread corners, jittered: each gap stays under half a turn, so the centre is
    # inside and the outline never crosses itself.
    step = 2 * math.pi / corners
    angles = [k * step + rng.uniform(-0.3, 0.3) * step for k in range(corners)]
    ring = []
    for angle in angles:
        metres = rng.uniform(150, 600)
        ring.append(
            [
                round(
                    centre_lon + metres * math.sin(angle) / (111_320 * math.cos(math.radians(lat))),
                    6,
                ),
                round(centre_lat + metres * math.cos(angle) / 111_320, 6),
            ]
        )
    return zone_normalise({"type": "Polygon", "coordinates": [[*ring, ring[0]]]})


def _tag(condition: Condition, curfew: bool, zones: bool, end: date) -> dict[str, Any]:
    """The tag condition, checking what the licence's other conditions need (V4 also asks
    until when: the licence's end)."""
    options = [o.value for o in condition.inputs[0].options]
    chosen = [v for v in options if (curfew and "curfew" in v) or (zones and "exclusion zone" in v)]
    values: dict[str, Any] = {condition.inputs[0].name: chosen}
    values.update({spec.name: end.isoformat() for spec in condition.inputs if spec.type == "date"})
    return _checked(condition, values)


def _row(
    rng: random.Random,
    licence: Licence,
    condition: Condition,
    values: dict[str, Any],
    position: int,
    **extra: Any,
) -> LicenceCondition:
    fields: dict[str, Any] = {
        "valid_from": licence.start_date,
        "lineage": uuid.UUID(int=rng.getrandbits(128)),  # seeded: the same ids every run
        **extra,
    }
    return LicenceCondition(
        licence=licence,
        code=condition.code,
        kind=condition.kind,
        category=condition.category,
        values=values,
        position=position,
        **fields,
    )


def _stamp(day: date) -> datetime:
    return datetime.combine(day, time(10, 0), ZoneInfo("Europe/London"))


def _licence_for(
    rng: random.Random,
    batch: _Batch,
    person: Person,
    address: PersonAddress,
    allocation: Allocation,
    senior: User,
    today: date,
) -> None:
    roll = rng.random()
    status = (
        LicenceStatus.DRAFT
        if roll < 0.03
        else LicenceStatus.SUBMITTED
        if roll < 0.07
        else LicenceStatus.APPROVED
        if roll < 0.12
        else LicenceStatus.RECALLED
        if roll < 0.15
        else LicenceStatus.ACTIVE
    )
    if status in (LicenceStatus.DRAFT, LicenceStatus.SUBMITTED, LicenceStatus.APPROVED):
        start = today + timedelta(days=rng.randint(1, 28))
    else:
        start = min(allocation.started_on, today - timedelta(days=2))
    end = start + timedelta(days=rng.choice([182, 365, 547, 730, 1095]))
    if end <= today + timedelta(days=7):
        end = today + timedelta(days=rng.randint(30, 400))
    practitioner = allocation.practitioner
    licence = Licence(
        id=uuid.UUID(int=rng.getrandbits(128)),
        person=person,
        policy=policy_for(start, conf.v4_start()),
        status=status,
        start_date=start,
        end_date=end,
        supervising_practitioner=practitioner,
        approved_address=address,
        created_by=practitioner,
        created_at=_stamp(min(start, today) - timedelta(days=14)),
    )
    catalogue = load_catalogue(licence.policy)
    by_code = catalogue.by_code
    position = 0
    for condition in catalogue.conditions:
        if condition.kind == "standard" and condition.licence_type == "AP" and not condition.inputs:
            batch.rows.append(_row(rng, licence, condition, {}, position))
            position += 1
    for code in rng.sample(COMMON, rng.randint(1, 3)):
        batch.rows.append(_row(rng, licence, by_code[code.lower()], {}, position))
        position += 1
    # About one man in eight is not to have unsupervised contact with children (sexual and
    # violent offences against children). Drawn from a generator of its own, keyed on the
    # person, so the rest of the county stays as it was.
    own = random.Random(f"child-contact:{person.family_name}:{person.given_name}:{start}")  # noqa: S311  # nosec B311
    if person.sex == "M" and own.random() < 0.125:
        condition = by_code[CHILD_CONTACT_CODE]
        values = _checked(
            condition,
            {
                "gender": "any",
                "age": 16,
                "socialServicesDepartment": "Northshire Children's Services",
            },
        )
        batch.rows.append(_row(own, licence, condition, values, position))
        position += 1
    has_curfew, zones = rng.random() < 0.45, 0
    curfew_row = None
    if has_curfew:
        condition = by_code[CURFEW_CODES[licence.policy]]
        curfew_row = _row(
            rng, licence, condition, _curfew(condition, rng.choice(CURFEW_TIMES)), position
        )
        batch.rows.append(curfew_row)
        position += 1
    if rng.random() < 0.3:
        geometry = _polygon(rng, address.latitude or 53.05, address.longitude or -1.45)
        condition = by_code[EXCLUSION_CODE]
        batch.rows.append(
            _row(
                rng,
                licence,
                condition,
                _checked(condition, {"outOfBoundFilename": geometry}),
                position,
            )
        )
        position, zones = position + 1, zones + 1
    if rng.random() < 0.08:
        condition = by_code[EVENT_ZONE_CODE]
        values = {
            "eventName": rng.choice(EVENTS),
            "outOfBoundFilename": _polygon(
                rng, address.latitude or 53.05, address.longitude or -1.45
            ),
        }
        first = max(today, start) + timedelta(days=rng.randint(3, 40))
        windows = [
            {"date": (first + timedelta(days=7 * k)).isoformat(), "from": "12:00", "until": "18:00"}
            for k in range(rng.randint(1, 3))
            if first + timedelta(days=7 * k) <= end
        ]
        if windows:
            batch.rows.append(
                _row(
                    rng,
                    licence,
                    condition,
                    _checked(condition, values),
                    position,
                    event_windows=windows,
                )
            )
            position, zones = position + 1, zones + 1
    if has_curfew or zones:
        condition = by_code[TAG_CODE]
        batch.rows.append(
            _row(rng, licence, condition, _tag(condition, has_curfew, bool(zones), end), position)
        )
        position += 1
    batch.licences.append(licence)
    steps = [("created", practitioner, licence.created_at)]
    if status != LicenceStatus.DRAFT:
        steps.append(("submitted", practitioner, licence.created_at + timedelta(days=2)))
        licence.submitted_by, licence.submitted_at = (
            practitioner,
            licence.created_at + timedelta(days=2),
        )
    if status not in (LicenceStatus.DRAFT, LicenceStatus.SUBMITTED):
        steps.append(("approved", senior, licence.created_at + timedelta(days=4)))
        licence.approved_by, licence.approved_at = senior, licence.created_at + timedelta(days=4)
    if status in (LicenceStatus.ACTIVE, LicenceStatus.RECALLED):
        steps.append(("activated", practitioner, _stamp(start)))
    if (
        status == LicenceStatus.ACTIVE
        and curfew_row is not None
        and (today - start).days > 60
        and rng.random() < 0.5
    ):
        effective = start + timedelta(days=rng.randint(30, (today - start).days - 1))
        variation = LicenceVariation(
            licence=licence,
            effective_from=effective,
            reason="Curfew shortened after good compliance",
            created_by=practitioner,
            created_at=_stamp(effective),
        )
        condition = by_code[CURFEW_CODES[licence.policy]]
        later = _row(
            rng,
            licence,
            condition,
            _curfew(condition, [("22:00", "06:00")]),
            curfew_row.position,
            lineage=curfew_row.lineage,
            valid_from=effective,
        )
        curfew_row.valid_to = effective
        batch.rows.append(later)
        batch.variations.append((variation, [later], [curfew_row]))
        licence.status = LicenceStatus.VARIED
        steps.append(("varied", practitioner, _stamp(effective)))
    if status == LicenceStatus.RECALLED:
        licence.recalled_on = today - timedelta(days=rng.randint(1, 20))
        licence.recalled_on = max(licence.recalled_on, start)
        steps.append(("recalled", senior, _stamp(licence.recalled_on)))
    batch.events.extend(LicenceEvent(licence=licence, kind=k, actor=a, at=at) for k, a, at in steps)


def licences_generate(*, seed: int, today: date) -> int:
    """A licence for every person allocated to a probation team (run inside the county's
    transaction). Returns how many were made."""
    rng = random.Random(seed * 7_919 + 3)  # noqa: S311 - synthetic data, seeded on purpose
    allocations = (
        Allocation.objects.filter(team__agency__kind="probation", ended_on__isnull=True)
        .select_related("person", "practitioner", "team")
        .order_by("person__family_name", "person__given_name", "person_id")
    )
    seniors: dict[int, User] = {}
    for user in User.objects.filter(role=Role.SENIOR_PRACTITIONER, team__isnull=False).order_by(
        "id"
    ):
        seniors.setdefault(user.team_id or 0, user)
    addresses = {
        a.person_id: a
        for a in PersonAddress.objects.filter(valid_to__isnull=True).order_by("valid_from")
    }
    batch = _Batch()
    for allocation in allocations:
        address = addresses.get(allocation.person_id)
        senior = seniors.get(allocation.team_id)
        if address is None or senior is None or allocation.practitioner is None:
            continue
        _licence_for(rng, batch, allocation.person, address, allocation, senior, today)
    Licence.objects.bulk_create(batch.licences)
    for variation, _added, _ended in batch.variations:
        variation.save()
    for variation, added, ended in batch.variations:
        for row in added:
            row.added_by = variation
        for row in ended:
            row.ended_by = variation
    LicenceCondition.objects.bulk_create(batch.rows, batch_size=500)
    LicenceEvent.objects.bulk_create(batch.events, batch_size=500)
    audit_record_many(
        actor=None,
        actor_label="demo-generator",
        drafts=[
            AuditDraft(
                action=AuditAction.COLLECTION,
                object_type="licence",
                object_id=str(licence.pk),
                summary="recorded a licence (synthetic demo county)",
                details={"person": str(licence.person_id), "status": str(licence.status)},
            )
            for licence in batch.licences
        ],
    )
    return len(batch.licences)
