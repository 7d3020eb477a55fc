"""Local time of the service (settings.TIME_ZONE, Europe/London) for dates and exports."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings


def local_zone() -> ZoneInfo:
    name = settings.TIME_ZONE
    zone = _ZONES.get(name)
    if zone is None:
        zone = _ZONES[name] = ZoneInfo(name)
    return zone


_ZONES: dict[str, ZoneInfo] = {}


def local_midnight(day: date) -> datetime:
    """A fact known only by its date (a plan start, a move) is placed at local midnight."""
    return datetime.combine(day, time(0, 0), tzinfo=local_zone())


def to_local(moment: datetime) -> datetime:
    return moment.astimezone(local_zone())


def local_date(moment: datetime) -> date:
    return to_local(moment).date()


def iso_local(moment: datetime) -> str:
    """``2026-05-03T14:20:00+01:00``: local wall-clock time with its offset, whole seconds."""
    return to_local(moment).replace(microsecond=0).isoformat()


def iso_utc(moment: datetime) -> str:
    """``2026-05-03T13:20:00Z``: the contracts' output form (UTC with Z, whole seconds)."""
    return moment.astimezone(UTC).replace(microsecond=0, tzinfo=None).isoformat() + "Z"
