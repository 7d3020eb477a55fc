"""Settings of the safeguarding area, each with the default local practice uses.

Override any of them in Django settings (e.g. ``SAFEGUARDING_VISIT_WORKING_DAYS = 5``).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings

from safeguard.accounts.roles import AgencyKind

# Bank holidays in England and Wales (gov.uk/bank-holidays), used to count working days.
# Extend or replace with the setting SAFEGUARDING_BANK_HOLIDAYS.
ENGLAND_BANK_HOLIDAYS: tuple[date, ...] = (
    date(2025, 1, 1),
    date(2025, 4, 18),
    date(2025, 4, 21),
    date(2025, 5, 5),
    date(2025, 5, 26),
    date(2025, 8, 25),
    date(2025, 12, 25),
    date(2025, 12, 26),
    date(2026, 1, 1),
    date(2026, 4, 3),
    date(2026, 4, 6),
    date(2026, 5, 4),
    date(2026, 5, 25),
    date(2026, 8, 31),
    date(2026, 12, 25),
    date(2026, 12, 28),
    date(2027, 1, 1),
    date(2027, 3, 26),
    date(2027, 3, 29),
    date(2027, 5, 3),
    date(2027, 5, 31),
    date(2027, 8, 30),
    date(2027, 12, 27),
    date(2027, 12, 28),
)

_DEFAULTS: dict[str, Any] = {
    # Child protection conferences: the first review within 3 months of the initial
    # conference, then at most every 6 months (Working Together to Safeguard Children).
    "FIRST_REVIEW_MONTHS": 3,
    "REVIEW_INTERVAL_MONTHS": 6,
    # How often the allocated social worker visits a child on a plan (local practice).
    "VISIT_WORKING_DAYS": 10,
    "BANK_HOLIDAYS": ENGLAND_BANK_HOLIDAYS,
    # Rows per page of the chronology and of the story view.
    "CHRONOLOGY_PAGE_SIZE": 50,
    "STORY_PAGE_SIZE": 200,
    # Agencies whose staff may ask for a child's plan flag (CP-IS style) without seeing the
    # record itself.
    "FLAG_AGENCY_KINDS": (AgencyKind.HEALTH.value, AgencyKind.POLICE.value),
}


def setting(name: str) -> Any:
    return getattr(settings, f"SAFEGUARDING_{name}", _DEFAULTS[name])


def first_review_months() -> int:
    return int(setting("FIRST_REVIEW_MONTHS"))


def review_interval_months() -> int:
    return int(setting("REVIEW_INTERVAL_MONTHS"))


def visit_working_days() -> int:
    return int(setting("VISIT_WORKING_DAYS"))


def bank_holidays() -> frozenset[date]:
    return frozenset(setting("BANK_HOLIDAYS"))


def chronology_page_size() -> int:
    return int(setting("CHRONOLOGY_PAGE_SIZE"))


def story_page_size() -> int:
    return int(setting("STORY_PAGE_SIZE"))


def flag_agency_kinds() -> frozenset[str]:
    return frozenset(str(k) for k in setting("FLAG_AGENCY_KINDS"))
