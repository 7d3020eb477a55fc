"""Input and output schemas of the licences API (one per operation, django-ninja)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from ninja import Schema

from safeguard.licences.conditions import ConditionEntry
from safeguard.licences.selectors import LicenceView


class ConditionIn(Schema):
    code: str
    values: dict[str, Any] = {}
    bespoke_text: str = ""
    # Event zones: [{"date": "YYYY-MM-DD", "from": "HH:MM", "until": "HH:MM"}]
    event_windows: list[dict[str, Any]] = []

    def entry(self) -> ConditionEntry:
        return ConditionEntry(self.code, self.values, self.bespoke_text, self.event_windows)


class ConditionValuesIn(Schema):
    values: dict[str, Any] = {}
    bespoke_text: str = ""
    event_windows: list[dict[str, Any]] = []

    def entry(self, code: str) -> ConditionEntry:
        return ConditionEntry(code, self.values, self.bespoke_text, self.event_windows)


class DetailsIn(Schema):
    start_date: str | None = None  # YYYY-MM-DD; checked by the service for GOV.UK messages
    end_date: str | None = None
    supervising_practitioner: str | None = None  # a username; default: the caller
    approved_address_id: int | None = None


class LicenceCreateIn(DetailsIn):
    person_id: str
    conditions: list[ConditionIn] = []


class ChangeIn(ConditionValuesIn):
    condition_id: int


class VariationIn(Schema):
    effective_from: str | None = None
    reason: str = ""
    add: list[ConditionIn] = []
    remove: list[int] = []
    change: list[ChangeIn] = []


class ReasonIn(Schema):
    reason: str = ""


class RecallIn(Schema):
    recalled_on: str | None = None
    reason: str = ""


class NewPartnerIn(Schema):
    given_name: str = ""
    family_name: str = ""
    date_of_birth: str | None = None


class DisclosureIn(Schema):
    partner_id: str | None = None
    new_partner: NewPartnerIn | None = None
    started_on: str | None = None
    household_includes_children: bool | None = None
    action_taken: str = ""
    action_notes: str = ""


class PersonRefOut(Schema):
    id: uuid.UUID | None  # None for someone the caller may not see
    name: str


class LicenceAddressOut(Schema):
    id: int
    line1: str
    town: str
    postcode: str
    latitude: float | None
    longitude: float | None


class ConditionOut(Schema):
    id: int
    lineage: uuid.UUID
    code: str
    kind: str
    category: str
    text: str
    # None when the person is protected and the caller is not cleared (addresses, zones).
    values: dict[str, Any] | None
    event_windows: list[dict[str, Any]]
    valid_from: date
    valid_to: date | None


class VariationOut(Schema):
    id: int
    effective_from: date
    reason: str
    created_by: str
    added: list[int]
    ended: list[int]


class LicenceEventOut(Schema):
    kind: str
    at: str
    actor: str
    note: str


class DisclosureOut(Schema):
    id: int
    partner: PersonRefOut
    started_on: date
    household_includes_children: bool
    action_taken: str
    action_notes: str
    last_check: dict[str, Any]


class LicenceSummaryOut(Schema):
    id: uuid.UUID
    person: PersonRefOut
    status: str
    policy: str
    start_date: date
    end_date: date
    supervising_practitioner: str


class LicenceOut(LicenceSummaryOut):
    licence_type: str
    address_withheld: bool
    approved_address: LicenceAddressOut | None
    created_by: str | None
    submitted_by: str | None
    approved_by: str | None
    recalled_on: date | None
    on: date | None
    conditions: list[ConditionOut]
    variations: list[VariationOut]
    history: list[LicenceEventOut]
    disclosures: list[DisclosureOut]


class ConditionsOnOut(Schema):
    licence: uuid.UUID
    on: date
    conditions: list[ConditionOut]


def _name(user: Any) -> str | None:
    return user.display_name if user is not None else None


def licence_out(view: LicenceView) -> LicenceOut:
    licence, withhold = view.licence, view.addresses_withheld
    address = licence.approved_address
    return LicenceOut(
        id=licence.pk,
        person=PersonRefOut(id=view.person.pk, name=view.person.full_name),
        status=licence.status,
        policy=licence.policy,
        licence_type=licence.licence_type,
        start_date=licence.start_date,
        end_date=licence.end_date,
        supervising_practitioner=_name(licence.supervising_practitioner) or "",
        address_withheld=withhold,
        approved_address=None
        if withhold or address is None
        else LicenceAddressOut.model_validate(address, from_attributes=True),
        created_by=_name(licence.created_by),
        submitted_by=_name(licence.submitted_by),
        approved_by=_name(licence.approved_by),
        recalled_on=licence.recalled_on,
        on=view.on,
        conditions=[
            ConditionOut(
                id=c.row.pk,
                lineage=c.row.lineage,
                code=c.row.code,
                kind=c.row.kind,
                category=c.row.category,
                text=c.text,
                values=None if withhold else c.row.values,
                event_windows=c.row.event_windows,
                valid_from=c.row.valid_from,
                valid_to=c.row.valid_to,
            )
            for c in view.conditions
        ],
        variations=[
            VariationOut(
                id=v.pk,
                effective_from=v.effective_from,
                reason=v.reason,
                created_by=_name(v.created_by) or "",
                added=sorted(c.pk for c in v.added_conditions.all()),
                ended=sorted(c.pk for c in v.ended_conditions.all()),
            )
            for v in view.variations
        ],
        history=[
            LicenceEventOut(
                kind=e.kind, at=e.at.isoformat(), actor=_name(e.actor) or "system", note=e.note
            )
            for e in view.events
        ],
        disclosures=[
            DisclosureOut(
                id=d.pk,
                partner=PersonRefOut(id=d.partner.pk, name=d.partner.full_name)
                if d.partner_id in view.visible_partners
                else PersonRefOut(id=None, name="Someone you have no reason to see"),
                started_on=d.started_on,
                household_includes_children=d.household_includes_children,
                action_taken=d.action_taken,
                action_notes=d.action_notes,
                last_check=d.last_check,
            )
            for d in view.disclosures
        ],
    )
