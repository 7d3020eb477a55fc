"""Reads of licences for users: access-checked, field-filtered, and audited (one consultation
entry per response that shows a licence)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from safeguard.accounts.roles import AgencyKind
from safeguard.audit.models import AuditAction
from safeguard.audit.services import audit_record
from safeguard.licences import conf
from safeguard.licences.access import access_licence_by_id, licences_visible_to
from safeguard.licences.conditions import condition_text, event_windows_text, zone_inputs
from safeguard.licences.engine.orders import EVENT_ZONE_CODE, ZONE_KINDS
from safeguard.licences.models import (
    OPEN_STATUSES,
    Licence,
    LicenceCondition,
    LicenceEvent,
    LicenceStatus,
    LicenceVariation,
    RelationshipDisclosure,
)
from safeguard.people.access import can_see_protected, people_visible_to
from safeguard.people.models import Allocation, Person

NEVER_IN_FORCE = (LicenceStatus.DRAFT, LicenceStatus.SUBMITTED)


def conditions_in_force(licence: Licence, *, on: date) -> list[LicenceCondition]:
    """The conditions that applied on ``on``: none before approval, outside the licence period,
    or from the recall date; otherwise every version whose validity covers the day."""
    if licence.status in NEVER_IN_FORCE:
        return []
    if not licence.start_date <= on <= licence.end_date:
        return []
    if licence.recalled_on is not None and on >= licence.recalled_on:
        return []
    prefetched = getattr(licence, "_prefetched_objects_cache", {}).get("conditions")
    if prefetched is not None:
        # Many licences at once (monitoring orders after every ingest batch): filter the rows
        # already fetched by prefetch_related rather than one query per licence.
        rows = [
            r for r in prefetched if r.valid_from <= on and (r.valid_to is None or r.valid_to > on)
        ]
        return sorted(rows, key=lambda r: (r.position, r.pk))
    return list(
        licence.conditions.filter(valid_from__lte=on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on))
        .order_by("position", "id")
    )


def conditions_current(licence: Licence) -> list[LicenceCondition]:
    """The latest version of every condition not removed (a draft's conditions, or what a
    licence in force will hold once every dated variation has taken effect)."""
    return list(licence.conditions.filter(valid_to__isnull=True).order_by("position", "id"))


def withholds_addresses(user: Any, licence: Licence) -> bool:
    return licence.person.protected_identity and not can_see_protected(user)


@dataclass(frozen=True)
class ConditionView:
    row: LicenceCondition
    text: str
    event_lines: list[str]
    has_zone: bool


@dataclass(frozen=True)
class LicenceView:
    licence: Licence
    person: Person
    on: date | None  # the day asked about, or None for the current conditions
    conditions: list[ConditionView]
    addresses_withheld: bool
    map_data: dict[str, Any] | None
    events: list[LicenceEvent]
    variations: list[LicenceVariation]
    disclosures: list[RelationshipDisclosure]
    # Partners the viewer may see; others are shown without their name.
    visible_partners: frozenset[uuid.UUID]
    # Versions that take effect after ``on`` (dated variations not yet in force).
    upcoming: list[ConditionView]


def condition_views(
    licence: Licence, rows: list[LicenceCondition], *, withhold: bool
) -> list[ConditionView]:
    return [
        ConditionView(
            row=row,
            text=condition_text(licence, row, withhold_addresses=withhold),
            event_lines=event_windows_text(row),
            has_zone=bool(zone_inputs(licence, row)),
        )
        for row in rows
    ]


def map_data(licence: Licence, rows: list[LicenceCondition], *, withhold: bool) -> dict[str, Any]:
    """What the page's map draws: zones and the approved address (for the map script)."""
    zones = []
    for row in rows:
        for name, geometry in zone_inputs(licence, row):
            kind = "event" if row.code.lower() == EVENT_ZONE_CODE else ZONE_KINDS.get(name)
            zones.append(
                {
                    "id": row.pk,
                    "kind": kind or "exclusion",
                    "label": row.category,
                    "geometry": geometry,
                }
            )
    address = licence.approved_address
    point = None
    if not withhold and address is not None and address.latitude is not None:
        point = {"lat": address.latitude, "lon": address.longitude, "label": "Approved address"}
    tiles, attribution = conf.map_tiles()
    centre = conf.map_default_centre()
    return {
        "zones": zones,
        "address": point,
        "tileUrl": tiles,
        "attribution": attribution,
        "centre": {"lat": centre[0], "lon": centre[1]},
    }


def _audit_view(user: Any, licence: Licence, summary: str, details: dict[str, Any]) -> None:
    audit_record(
        actor=user,
        action=AuditAction.CONSULTATION,
        object_type="licence",
        object_id=str(licence.pk),
        summary=summary,
        details={"person": str(licence.person_id), **details},
    )


def licence_view(*, user: Any, licence_id: uuid.UUID | str, on: date | None = None) -> LicenceView:
    """A licence for its page or the API: the current conditions, or those in force on ``on``."""
    with transaction.atomic():
        licence = access_licence_by_id(user, licence_id)
        withhold = withholds_addresses(user, licence)
        rows = conditions_in_force(licence, on=on) if on else conditions_current(licence)
        disclosures = list(licence.disclosures.select_related("partner"))
        partners = people_visible_to(user).filter(pk__in=[d.partner_id for d in disclosures])
        view = LicenceView(
            licence=licence,
            person=licence.person,
            on=on,
            conditions=condition_views(licence, rows, withhold=withhold),
            addresses_withheld=withhold,
            map_data=None if withhold else map_data(licence, rows, withhold=withhold),
            events=list(licence.events.select_related("actor")),
            variations=list(
                licence.variations.select_related("created_by").prefetch_related(
                    "added_conditions", "ended_conditions"
                )
            ),
            disclosures=disclosures,
            visible_partners=frozenset(partners.values_list("pk", flat=True)),
            upcoming=condition_views(
                licence,
                list(licence.conditions.filter(valid_from__gt=on).order_by("valid_from", "id"))
                if on and licence.status not in NEVER_IN_FORCE
                else [],
                withhold=withhold,
            ),
        )
        _audit_view(
            user,
            licence,
            "viewed a licence",
            {"on": on.isoformat() if on else None, "protected_fields_shown": not withhold},
        )
        return view


def licence_for_form(*, user: Any, licence_id: uuid.UUID | str, purpose: str) -> Licence:
    """The licence behind a form page (which shows the person's name and conditions)."""
    with transaction.atomic():
        licence = access_licence_by_id(user, licence_id)
        form_view_record(user=user, licence=licence, purpose=purpose)
        return licence


def form_view_record(
    *, user: Any, licence: Licence, purpose: str, people: list[Person] | None = None
) -> None:
    """The one consultation entry of a form page; ``people`` offered in a list are named in
    it, since their names are shown too."""
    with transaction.atomic():
        details = {"people_offered": sorted(str(p.pk) for p in people)} if people else {}
        _audit_view(user, licence, f"opened a licence form: {purpose}", details)


def people_to_name(user: Any, licence: Licence, limit: int = 500) -> list[Person]:
    """People the user may choose in a form (a named person, a partner): those they may see."""
    return list(
        people_visible_to(user)
        .exclude(pk=licence.person_id)
        .order_by("family_name", "given_name")[:limit]
    )


@dataclass(frozen=True)
class LicenceRow:
    licence: Licence
    person: Person
    supervising: str


@dataclass(frozen=True)
class LicenceList:
    rows: list[LicenceRow]
    people_without_licence: list[Person]


def licence_list(
    *, user: Any, status: str | None = None, with_people_without: bool = False
) -> LicenceList:
    """Licences of the people this user may see (and, for the page, the people on the user's
    caseload who have none yet); one consultation entry for everything shown."""
    with transaction.atomic():
        licences = (
            licences_visible_to(user)
            .select_related("person", "supervising_practitioner")
            .order_by("person__family_name", "person__given_name", "-start_date")
        )
        if status:
            licences = licences.filter(status=status)
        rows = [
            LicenceRow(
                licence=licence,
                person=licence.person,
                supervising=licence.supervising_practitioner.display_name
                if licence.supervising_practitioner
                else "Not chosen",
            )
            for licence in licences
        ]
        without = people_needing_a_licence(user=user) if with_people_without else []
        audit_record(
            actor=user,
            action=AuditAction.CONSULTATION,
            object_type="licence_list",
            summary="viewed a list of licences",
            details={
                "licences": sorted(str(r.licence.pk) for r in rows),
                "people": sorted(str(p.pk) for p in without),
            },
        )
        return LicenceList(rows, without)


def people_needing_a_licence(*, user: Any) -> list[Person]:
    """People allocated to a probation user's team with no licence being prepared or in force
    (shown next to the list, which is audited with it)."""
    agency = getattr(user, "agency", None)
    if agency is None or agency.kind != AgencyKind.PROBATION or user.team_id is None:
        return []
    today = timezone.localdate()
    allocated = Allocation.objects.filter(team_id=user.team_id, started_on__lte=today).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=today)
    )
    return list(
        people_visible_to(user)
        .filter(id__in=allocated.values("person_id"))
        .exclude(licences__status__in=OPEN_STATUSES)
        .order_by("family_name", "given_name")
    )
