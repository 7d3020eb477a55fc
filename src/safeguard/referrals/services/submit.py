"""Receiving a concern from the public form: checks, rate limit and storage.

This module must never look anything up about the people a concern names: whether a child or
an address is known to any agency is decided later, by triage staff (matching.py). It imports
nothing from the person index or the children's records, and a test checks that it stays so,
so that the public form gives the same answer, by the same code path, for known and unknown
people alike.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from safeguard.audit.models import AuditAction
from safeguard.audit.services import audit_record
from safeguard.referrals import conf
from safeguard.referrals.models import Concern, ConcernSource, PublicSubmission
from safeguard.site import crypto

# No 0/O or 1/I/L: a reference is read out over the phone.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


@dataclass(frozen=True)
class FieldSpec:
    name: str
    max_length: int
    required: bool = False
    message: str = ""


# Per-field limits: long enough for what a person needs to say, short enough to refuse floods.
PUBLIC_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("child_name", 200),
    FieldSpec("child_age", 50),
    FieldSpec("address", 300),
    FieldSpec("postcode", 10),
    FieldSpec("adults", 1000),
    FieldSpec("what_happened", 5000, True, "Tell us what happened or what worries you"),
    FieldSpec("where", 500),
    FieldSpec("when", 200),
    FieldSpec("contact_name", 200),
    FieldSpec("contact_details", 300),
)


def new_reference() -> str:
    body = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"SG-{body[:4]}-{body[4:]}"


def clean_concern_fields(data: Mapping[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """Trimmed values and any errors, keyed by field name (which is also the input's id)."""
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    for spec in PUBLIC_FIELDS:
        raw = data.get(spec.name, "")
        value = raw.strip() if isinstance(raw, str) else ""
        values[spec.name] = value
        if spec.required and not value:
            errors[spec.name] = spec.message
        elif len(value) > spec.max_length:
            errors[spec.name] = f"Use {spec.max_length} characters or fewer"
    if "\x00" in "".join(values.values()):
        errors.setdefault("what_happened", "Remove the unusual characters")
    return values, errors


def clean_public_form(data: Mapping[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    values, errors = clean_concern_fields(data)
    choice = str(data.get("anonymous", ""))
    if choice not in ("yes", "no"):
        errors["anonymous"] = "Choose whether you want to give your contact details"
    elif choice == "no" and not values["contact_details"]:
        errors["contact_details"] = "Enter a phone number or email address, or choose anonymous"
    values["anonymous"] = choice
    return values, errors


def _client_key(address: str | None) -> str:
    return crypto.blind_index(address or "unknown", context="referrals.client")


def submission_allowed(address: str | None) -> bool:
    """Count this attempt and say whether the client is still under the limit."""
    now = timezone.now()
    key = _client_key(address)
    since = now - timedelta(seconds=conf.public_window_seconds())
    with transaction.atomic():
        PublicSubmission.objects.filter(at__lt=now - timedelta(days=1)).delete()
        recent = PublicSubmission.objects.filter(client_key=key, at__gte=since).count()
        if recent >= conf.public_max_submissions():
            return False
        PublicSubmission.objects.create(client_key=key, at=now)
    return True


def public_concern_submit(values: Mapping[str, str], *, honeypot: bool) -> str:
    """Store a checked public concern and return its reference.

    A filled honeypot (a field people cannot see) means a robot: it gets a reference like
    anyone else, and nothing is stored.
    """
    if honeypot:
        return new_reference()
    return concern_store(values, source=ConcernSource.PUBLIC).reference


def concern_store(
    values: Mapping[str, str],
    *,
    source: ConcernSource,
    referrer: Any = None,
    agency: Any = None,
) -> Concern:
    """Store a checked concern (public or professional) with its audit entry."""
    anonymous = source == ConcernSource.PUBLIC and values.get("anonymous") != "no"
    with transaction.atomic():
        reference = new_reference()
        while Concern.objects.filter(reference=reference).exists():
            reference = new_reference()
        concern = Concern.objects.create(
            reference=reference,
            received_at=timezone.now(),
            source=source,
            child_name=values.get("child_name", ""),
            child_age=values.get("child_age", ""),
            address=values.get("address", ""),
            postcode=values.get("postcode", ""),
            adults=values.get("adults", ""),
            what_happened=values["what_happened"],
            where=values.get("where", ""),
            when=values.get("when", ""),
            anonymous=anonymous,
            contact_name="" if anonymous else values.get("contact_name", ""),
            contact_details="" if anonymous else values.get("contact_details", ""),
            referrer=referrer,
            referrer_agency=agency,
        )
        audit_record(
            actor=referrer,
            actor_label=None if referrer is not None else "public form",
            action=AuditAction.COLLECTION,
            object_type="concern",
            object_id=str(concern.pk),
            summary=f"received a concern ({source})",
        )
    return concern
