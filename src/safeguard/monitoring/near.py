"""Crime matching for the police: which tagged people were near a place around a time.

The rule is the engine's (``engine/near.py``; ADR 0108). This module reads the stored fixes
that could count, runs the engine, and writes one DISCLOSURE audit entry per search naming
the subjects disclosed (none is a valid answer and is audited too), in the same transaction.

Who may search: staff of a police agency in a casework role (``POLICE_SEARCH``); everyone
else gets the not-found answer of a missing route. The search is not limited to the people
the officer may otherwise see: finding who was there is its purpose, which is why every
search is a recorded disclosure with its reason.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from django.db import transaction
from django.db.models import Q

from safeguard.accounts.roles import AgencyKind, Role
from safeguard.audit.models import AuditAction
from safeguard.audit.services import audit_record
from safeguard.monitoring.engine.near import NearHit, check_query, near
from safeguard.monitoring.engine.settings import Settings
from safeguard.monitoring.engine.timeparse import from_datetime, to_datetime
from safeguard.monitoring.models import Fix
from safeguard.people.models import Person
from safeguard.site.errors import DomainError
from safeguard.site.policy import Policy

# Fixes claiming more than this accuracy are read whatever their position; the others only
# inside a box of radius + this margin around the place (an index-friendly pre-filter that
# never drops a fix the rule would count).
BOX_ACCURACY_M = 2_000.0
_M_PER_DEGREE_LAT = 110_574.0


@dataclass(frozen=True)
class AgencyPolicy(Policy):
    """Staff in one of ``roles`` whose agency is of one of ``agency_kinds``."""

    agency_kinds: frozenset[AgencyKind] = frozenset()

    def allows(self, user: Any) -> bool:
        if not super().allows(user) or getattr(user, "is_service_account", False):
            return False
        agency = getattr(user, "agency", None)
        return agency is not None and AgencyKind(agency.kind) in self.agency_kinds


POLICE_SEARCH = AgencyPolicy(
    "police-casework",
    signed_in=True,
    roles=frozenset({Role.PRACTITIONER, Role.SENIOR_PRACTITIONER, Role.MANAGER}),
    agency_kinds=frozenset({AgencyKind.POLICE}),
)


@dataclass(frozen=True)
class NearQuery:
    at: datetime
    lat: float
    lon: float
    radius_m: float
    window_minutes: float
    reason: str

    def problems(self) -> dict[str, str]:
        found = check_query(
            lat=self.lat, lon=self.lon, radius_m=self.radius_m, window_minutes=self.window_minutes
        )
        if self.at.utcoffset() is None:
            found["at"] = "The time needs a UTC offset"
        if not self.reason.strip():
            found["reason"] = "Give the reason for the search (for example the crime reference)"
        return found


@dataclass(frozen=True)
class NearResult:
    subject: str
    name: str
    first_at: datetime
    last_at: datetime
    fixes: int
    closest_m: float
    closest_accuracy_m: float

    def to_json(self) -> dict[str, Any]:
        return {
            "subject": self.subject,
            "name": self.name,
            "first_at": self.first_at.isoformat(),
            "last_at": self.last_at.isoformat(),
            "fixes": self.fixes,
            "closest_m": round(self.closest_m, 1),
            "closest_accuracy_m": round(self.closest_accuracy_m, 1),
        }


def _candidates(query: NearQuery) -> list[tuple[str, datetime, float, float, float | None]]:
    window = timedelta(minutes=query.window_minutes)
    margin = query.radius_m + BOX_ACCURACY_M
    dlat = margin / _M_PER_DEGREE_LAT
    cos_lat = max(math.cos(math.radians(min(abs(query.lat) + dlat, 89.9))), 1e-6)
    dlon = min(margin / (_M_PER_DEGREE_LAT * cos_lat), 180.0)
    box = Q(
        lat__gte=query.lat - dlat,
        lat__lte=query.lat + dlat,
        lon__gte=query.lon - dlon,
        lon__lte=query.lon + dlon,
    )
    rows = Fix.objects.filter(
        recorded_at__gte=query.at - window, recorded_at__lte=query.at + window
    ).filter(box | Q(accuracy_m__gt=BOX_ACCURACY_M))
    return list(rows.values_list("subject", "recorded_at", "lat", "lon", "accuracy_m"))


def near_hits(query: NearQuery) -> list[NearHit]:
    """The engine's answer over the stored fixes (no audit: callers use ``near_search``)."""
    rows = _candidates(query)
    if not rows:
        return []
    return near(
        [r[0] for r in rows],
        np.array([from_datetime(r[1]) for r in rows], np.int64),
        np.array([r[2] for r in rows], np.float64),
        np.array([r[3] for r in rows], np.float64),
        np.array([np.nan if r[4] is None else r[4] for r in rows], np.float64),
        at=from_datetime(query.at),
        lat0=query.lat,
        lon0=query.lon,
        radius_m=query.radius_m,
        window_minutes=query.window_minutes,
        default_accuracy_m=Settings().default_accuracy_m,
    )


def near_search(
    *, actor: Any, query: NearQuery, recipients: list[str], actor_label: str | None = None
) -> list[NearResult]:
    """Run a search and record it as a disclosure of the subjects found (one audit entry)."""
    problems = query.problems()
    if problems:
        raise DomainError("Check the search", {"fields": problems})
    hits = near_hits(query)
    people = {
        str(p.pk): p
        for p in Person.objects.filter(pk__in=[h.subject for h in hits], is_former_identity=False)
    }
    results = [
        NearResult(
            subject=h.subject,
            name=people[h.subject].full_name,
            first_at=to_datetime(h.first_t),
            last_at=to_datetime(h.last_t),
            fixes=h.fixes,
            closest_m=h.closest_m,
            closest_accuracy_m=h.closest_accuracy_m,
        )
        for h in hits
        if h.subject in people
    ]
    with transaction.atomic():
        audit_record(
            actor=actor,
            actor_label=actor_label,
            action=AuditAction.DISCLOSURE,
            object_type="em_near_search",
            summary="searched tag trails near a place and time (crime matching)",
            justification=query.reason.strip(),
            recipients=recipients,
            details={
                "subjects": [r.subject for r in results],
                "at": query.at.isoformat(),
                "lat": query.lat,
                "lon": query.lon,
                "radius_m": query.radius_m,
                "window_minutes": query.window_minutes,
            },
        )
    return results
