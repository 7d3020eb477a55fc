"""A tagged person with an exclusion zone, and fixes that walk into it and out again."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from django.test import Client
from django.utils import timezone

from safeguard.accounts.roles import Role
from tests import factories as f
from tests.licences.helpers import Team, active, exclusion, probation_team, tag

ZONE = (53.06, -1.46)  # centre of the exclusion zone the licence helpers draw
AWAY = (53.0512, -1.4498)


def tagged_team() -> Team:
    team = probation_team()
    active(
        team,
        exclusion(*ZONE),
        tag("exclusion zone"),
        start=timezone.localdate() - timedelta(days=10),
    )
    return team


def feed_client() -> Client:
    user = f.user(Role.PRACTITIONER, f.team(f.agency()), service=True)
    return Client(HTTP_AUTHORIZATION=f"Bearer {f.token_for(user)}")


def walk(subject: Any, start: datetime | None = None) -> list[dict[str, Any]]:
    """Three fixes away, four inside the zone, three away again: one exclusion entry."""
    start = start or (timezone.now() - timedelta(hours=2)).replace(second=0, microsecond=0)
    places = [AWAY] * 3 + [ZONE] * 4 + [AWAY] * 3
    return [
        {
            "subject": str(subject),
            "seq": n,
            "recorded_at": (start + timedelta(minutes=n)).isoformat(),
            "lat": lat,
            "lon": lon,
            "accuracy_m": 10,
        }
        for n, (lat, lon) in enumerate(places)
    ]


def post(client: Client, items: list[dict[str, Any]]) -> Any:
    return client.post(
        "/api/v1/monitoring/fixes", json.dumps(items), content_type="application/json"
    )
