"""Who may review linkage: the clerical reviewers, and which pairs each of them may see.

The comparison page shows two whole records side by side, including records the reviewer has
no case reason to see, so only two roles review (ADR 0404):
- the privacy officer, who oversees the whole index and alone sees pairs that involve a
  protected identity or a former identity;
- triage (front-door / MASH) staff, whose work is matching information across agencies; they
  see every other pair.
Everyone else gets the not-found answer, the same as for a pair that does not exist.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from safeguard.accounts.roles import Role
from safeguard.linkage.models import CandidatePair, LinkageEvent, MasterPerson, Membership
from safeguard.site.errors import NotFoundError
from safeguard.site.policy import roles

REVIEWERS = roles(Role.PRIVACY_OFFICER, Role.TRIAGE, name="linkage-reviewers")


def _role(user: Any) -> Role | None:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if getattr(user, "is_service_account", False):
        return None
    try:
        return Role(user.role)
    except ValueError:
        return None


def sees_restricted(user: Any) -> bool:
    """Protected and former identities in linkage: the privacy officer role only."""
    return _role(user) is Role.PRIVACY_OFFICER


def is_reviewer(user: Any) -> bool:
    return _role(user) in (Role.PRIVACY_OFFICER, Role.TRIAGE)


def pairs_visible_to(user: Any) -> QuerySet[CandidatePair]:
    if not is_reviewer(user):
        return CandidatePair.objects.none()
    pairs = CandidatePair.objects.select_related("left", "right", "decided_by")
    return pairs if sees_restricted(user) else pairs.filter(restricted=False)


def _uuid(value: Any) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError as exc:
        raise NotFoundError() from exc


def access_pair_by_id(user: Any, pair_id: Any) -> CandidatePair:
    pair = pairs_visible_to(user).filter(pk=_uuid(pair_id)).first()
    if pair is None:
        raise NotFoundError()
    return pair


def _restricted_member() -> Q:
    return Q(person__protected_identity=True) | Q(person__is_former_identity=True)


def masters_visible_to(user: Any) -> QuerySet[MasterPerson]:
    if not is_reviewer(user):
        return MasterPerson.objects.none()
    masters = MasterPerson.objects.all()
    if sees_restricted(user):
        return masters
    hidden = Membership.objects.filter(_restricted_member(), master=OuterRef("pk"))
    return masters.exclude(Exists(hidden))


def access_master_by_id(user: Any, master_id: Any) -> MasterPerson:
    master = masters_visible_to(user).filter(pk=_uuid(master_id)).first()
    if master is None:
        raise NotFoundError()
    return master


def access_event_by_id(user: Any, event_id: Any) -> LinkageEvent:
    try:
        key = int(event_id)
    except (TypeError, ValueError) as exc:
        raise NotFoundError() from exc
    event = LinkageEvent.objects.select_related("pair", "master").filter(pk=key).first()
    if event is None or not is_reviewer(user):
        raise NotFoundError()
    if event.pair is not None:
        access_pair_by_id(user, event.pair_id)
    elif event.master is not None:
        access_master_by_id(user, event.master_id)
    else:
        raise NotFoundError()
    # The records the event moved must all be visible to this reviewer too.
    if not sees_restricted(user):
        from safeguard.people.models import Person

        moved = [m["person"] for m in event.moves]
        if (
            Person.objects.filter(pk__in=moved)
            .filter(Q(protected_identity=True) | Q(is_former_identity=True))
            .exists()
        ):
            raise NotFoundError()
    return event
