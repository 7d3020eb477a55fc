"""Settings of the concerns front door, each with a default. Override in Django settings."""

from __future__ import annotations

from django.conf import settings

# Hours from receipt by which partner information must be gathered, by RAG rating.
DEFAULT_RAG_HOURS = {"red": 2, "amber": 8, "green": 24}


def rag_hours() -> dict[str, int]:
    return dict(getattr(settings, "REFERRALS_RAG_HOURS", DEFAULT_RAG_HOURS))


def public_max_submissions() -> int:
    """Concerns one client address may send within the window before being asked to wait."""
    return int(getattr(settings, "REFERRALS_PUBLIC_MAX_SUBMISSIONS", 5))


def public_window_seconds() -> int:
    return int(getattr(settings, "REFERRALS_PUBLIC_WINDOW_SECONDS", 60 * 60))


def public_max_request_bytes() -> int:
    """The whole form, encoded; anything larger is refused before it is read."""
    return int(getattr(settings, "REFERRALS_PUBLIC_MAX_REQUEST_BYTES", 40_000))


def warn_fraction() -> float:
    """The share of a concern's window left when its worker is told it is due soon."""
    return float(getattr(settings, "REFERRALS_WARN_FRACTION", 0.25))
