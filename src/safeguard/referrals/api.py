"""POST /api/v1/referrals/: professional referrals from other systems or staff sessions."""

# No ``from __future__ import annotations``: django-ninja reads the operations' annotations
# at import time, through the access-policy wrapper.

from datetime import datetime

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from safeguard.referrals.services.professional import professional_concern_submit
from safeguard.site.policy import STAFF, access_policy

router = Router(tags=["referrals"])


class ReferralIn(Schema):
    child_name: str = Field("", max_length=200)
    child_age: str = Field("", max_length=50, description="Age or date of birth, as known")
    address: str = Field("", max_length=300)
    postcode: str = Field("", max_length=10)
    adults: str = Field("", max_length=1000)
    what_happened: str = Field(..., min_length=1, max_length=5000)
    where: str = Field("", max_length=500)
    when: str = Field("", max_length=200)
    contact_details: str = Field("", max_length=300)


class ReferralOut(Schema):
    reference: str
    received_at: datetime


@router.post("/", response={201: ReferralOut}, summary="Refer a concern about a child")
@access_policy(STAFF)
def referral_create(request: HttpRequest, payload: ReferralIn) -> Status[ReferralOut]:
    actor = getattr(request, "auth", None) or request.user
    data = {k: str(v) for k, v in payload.dict().items()}
    concern = professional_concern_submit(actor=actor, data=data)
    return Status(201, ReferralOut(reference=concern.reference, received_at=concern.received_at))
