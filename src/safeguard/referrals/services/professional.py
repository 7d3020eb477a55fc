"""Concerns referred by signed-in professionals (page and API): same checks as the public form,
with the referrer and their agency recorded and no anonymity."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from safeguard.referrals.models import Concern, ConcernSource
from safeguard.referrals.services.submit import clean_concern_fields, concern_store
from safeguard.site.errors import DomainError


def professional_concern_submit(*, actor: Any, data: Mapping[str, str]) -> Concern:
    values, errors = clean_concern_fields(data)
    if errors:
        raise DomainError("Check the referral", {"fields": errors})
    if not values["contact_details"]:
        values["contact_details"] = actor.email or ""
    values["contact_name"] = values["contact_name"] or actor.get_full_name() or actor.username
    return concern_store(
        values, source=ConcernSource.PROFESSIONAL, referrer=actor, agency=actor.agency
    )
