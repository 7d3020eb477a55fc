"""Linkage settings, each overridable in Django settings (or the environment).

- ``LINKAGE_LINK_THRESHOLD`` (``SAFEGUARD_LINKAGE_LINK_THRESHOLD``): match probability at or
  above which an arriving record is linked to its best candidate without review (0.99).
- ``LINKAGE_REVIEW_THRESHOLD`` (``SAFEGUARD_LINKAGE_REVIEW_THRESHOLD``): lower edge of the band
  that goes to clerical review (0.2). Below it, records stay apart.
- ``LINKAGE_PROPOSAL_MIN_PROBABILITY``: the least probability at which a free-text description
  (a concern) is proposed to triage (0.01): a description holds less evidence than a record.
- ``LINKAGE_MATCH_ON_ARRIVAL``: match each new person after its transaction commits (True).
- ``LINKAGE_MODEL_PATH``: a trained model file; empty means the shipped default model.
See docs/linkage-app.md and ADR 0402.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings

DEFAULT_LINK_THRESHOLD = 0.99
DEFAULT_REVIEW_THRESHOLD = 0.2
DEFAULT_PROPOSAL_MIN_PROBABILITY = 0.01


def _float(name: str, default: float) -> float:
    value = getattr(settings, name, None)
    if value is None:
        return float(os.environ.get(f"SAFEGUARD_{name}", default))
    return float(value)


def link_threshold() -> float:
    return _float("LINKAGE_LINK_THRESHOLD", DEFAULT_LINK_THRESHOLD)


def review_threshold() -> float:
    return _float("LINKAGE_REVIEW_THRESHOLD", DEFAULT_REVIEW_THRESHOLD)


def proposal_min_probability() -> float:
    return _float("LINKAGE_PROPOSAL_MIN_PROBABILITY", DEFAULT_PROPOSAL_MIN_PROBABILITY)


def match_on_arrival() -> bool:
    return bool(getattr(settings, "LINKAGE_MATCH_ON_ARRIVAL", True))


def model_path() -> Path | None:
    value = getattr(settings, "LINKAGE_MODEL_PATH", None) or os.environ.get(
        "SAFEGUARD_LINKAGE_MODEL_PATH", ""
    )
    return Path(value) if value else None
