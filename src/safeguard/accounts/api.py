"""API: who am I."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from safeguard.site.policy import STAFF, access_policy

router = Router(tags=["accounts"])


class MeOut(Schema):
    username: str
    display_name: str
    role: str
    agency: str | None
    team: str | None


@router.get("/me", response=MeOut, summary="The signed-in user or token holder")
@access_policy(STAFF)
def me(request: HttpRequest) -> MeOut:
    user = request.auth  # type: ignore[attr-defined]
    return MeOut(
        username=user.username,
        display_name=user.display_name,
        role=user.role,
        agency=user.agency.name if user.agency else None,
        team=user.team.name if user.team else None,
    )
