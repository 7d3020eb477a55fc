"""Licence settings, each with a default so that site/settings.py needs no entry.

Override any of them in the Django settings (``LICENCE_...``) or, for the ones named below, in
the environment. Read at call time, so tests can change them with pytest-django's ``settings``.
"""

from __future__ import annotations

import os
from datetime import date
from typing import Any

from django.conf import settings

from safeguard.licences.engine import v4_start_from
from safeguard.licences.engine.zones import ZoneLimits

# The contract's defaults (contracts.md §1) for every exported monitoring order.
MONITORING_SETTINGS: dict[str, int] = {
    "confirm_fixes": 2,
    "min_absence_minutes": 5,
    "max_gap_minutes": 15,
    "default_accuracy_m": 50,
}


def v4_start() -> date | None:
    """``LICENCE_V4_START`` (a date) or ``SAFEGUARD_LICENCE_V4_START``; unset by default."""
    configured = getattr(settings, "LICENCE_V4_START", None)
    if isinstance(configured, date):
        return configured
    return v4_start_from(os.environ)


def map_tiles() -> tuple[str, str]:
    """(tile URL template, attribution). Empty by default: maps draw on a plain background."""
    # MAP_TILE_URL is the site's setting (its origin is allowed by the content security policy).
    url = getattr(settings, "MAP_TILE_URL", os.environ.get("SAFEGUARD_MAP_TILE_URL", ""))
    attribution = getattr(
        settings, "LICENCE_MAP_ATTRIBUTION", os.environ.get("SAFEGUARD_MAP_ATTRIBUTION", "")
    )
    return str(url), str(attribution)


def curfew_radius_m() -> float:
    """How far from the approved address still counts as at home for a curfew."""
    return float(getattr(settings, "LICENCE_CURFEW_RADIUS_M", 60))


def zone_limits() -> ZoneLimits:
    return getattr(settings, "LICENCE_ZONE_LIMITS", None) or ZoneLimits()


def monitoring_settings() -> dict[str, Any]:
    return {**MONITORING_SETTINGS, **getattr(settings, "LICENCE_MONITORING_SETTINGS", {})}


def map_default_centre() -> tuple[float, float]:
    """Where a map with nothing on it opens (no address, no zones)."""
    centre = getattr(settings, "LICENCE_MAP_CENTRE", (53.05, -1.45))
    return float(centre[0]), float(centre[1])
