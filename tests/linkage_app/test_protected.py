"""Protected identities: never linked to a former identity automatically, and pairs involving
them are seen (in the queue, on the comparison page, in proposals) by the privacy officer only."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from safeguard.accounts.roles import Role
from safeguard.linkage.candidates import propose_candidates
from safeguard.linkage.models import CandidatePair, Membership, PairStatus
from safeguard.linkage.services import pair_decide, record_arrival
from safeguard.people.models import IdentityLink
from tests import factories as f
from tests.linkage_app.helpers import population, record

pytestmark = pytest.mark.django_db

OLD = dict(sex="F", line1="7 Rowan Court", postcode="NS3 8PL")


def _protected_world() -> tuple:  # type: ignore[type-arg]
    population()
    current = record(
        "Rose",
        "Ashgrove",
        date(1990, 6, 5),
        sex="F",
        line1="1 Secret Way",
        postcode="NS8 1AA",
        protected=True,
    )
    former = record("Carla", "Mendip", date(1990, 6, 5), former=True, **OLD)  # type: ignore[arg-type]
    IdentityLink.build(current=current, former=former).save()
    # An old police record of her former identity arrives: it matches the former identity
    # almost certainly.
    police = record("Carla", "Mendip", date(1990, 6, 5), **OLD)  # type: ignore[arg-type]
    return current, former, police


def _client(role: Role) -> Client:
    client = Client()
    client.force_login(f.user(role, f.team(f.agency("Testshire Hub"), "FD"), username=role.value))
    return client


def test_a_record_matching_a_former_identity_is_never_linked_automatically() -> None:
    current, former, police = _protected_world()
    arrival = record_arrival(person=police)
    assert arrival.linked_to is None
    pair = CandidatePair.objects.get(left=police, right=former)
    assert pair.match_probability >= 0.99  # would have been linked were it not protected
    assert pair.restricted and pair.status == PairStatus.PENDING
    states = {m.person_id: m.master_id for m in Membership.objects.all()}
    assert states[police.pk] != states[former.pk]
    # The protected person and their own former identity are never paired at all.
    assert not CandidatePair.objects.filter(left=current, right=former).exists()
    assert not CandidatePair.objects.filter(left=former, right=current).exists()


def test_only_the_privacy_officer_sees_and_decides_a_restricted_pair() -> None:
    _current, former, police = _protected_world()
    record_arrival(person=police)
    pair = CandidatePair.objects.get(left=police, right=former)
    triage, officer = _client(Role.TRIAGE), _client(Role.PRIVACY_OFFICER)
    assert "Mendip" not in triage.get("/linkage/review").content.decode()
    assert "Mendip" in officer.get("/linkage/review").content.decode()
    hidden = triage.get(f"/linkage/pairs/{pair.pk}")
    missing = triage.get("/linkage/pairs/00000000-0000-4000-8000-000000000000")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.content == missing.content
    assert (
        triage.post(
            f"/linkage/pairs/{pair.pk}/decide", {"decision": "link", "reason": "x"}
        ).status_code
        == 404
    )
    api = triage.get(f"/api/v1/linkage/pairs/{pair.pk}")
    assert api.status_code == 404
    shown = officer.get(f"/linkage/pairs/{pair.pk}").content.decode()
    assert "7 Rowan Court" in shown and "only the privacy officer" in shown
    assert (
        officer.post(
            f"/linkage/pairs/{pair.pk}/decide",
            {"decision": "link", "reason": "Same person, checked with the court order"},
        ).status_code
        == 302
    )
    pair.refresh_from_db()
    assert pair.status == PairStatus.LINKED


def test_proposals_leave_out_protected_and_former_identities_except_for_the_privacy_officer() -> (
    None
):
    current, former, _police = _protected_world()
    triage = f.user(Role.TRIAGE, username="t")
    officer = f.user(Role.PRIVACY_OFFICER, username="po")
    query = dict(name="Carla Mendip", date_of_birth=date(1990, 6, 5), postcode="NS3 8PL")
    assert former not in [c.person for c in propose_candidates(viewer=triage, **query)]  # type: ignore[arg-type]
    assert former not in [c.person for c in propose_candidates(**query)]  # type: ignore[arg-type]
    assert former in [c.person for c in propose_candidates(viewer=officer, **query)]  # type: ignore[arg-type]
    mine = dict(name="Rose Ashgrove", date_of_birth=date(1990, 6, 5), postcode="NS8 1AA")
    assert current not in [c.person for c in propose_candidates(viewer=triage, **mine)]  # type: ignore[arg-type]
    assert current in [c.person for c in propose_candidates(viewer=officer, **mine)]  # type: ignore[arg-type]


def test_a_reviewer_other_than_the_officer_cannot_link_through_the_service_path() -> None:
    """The restriction is enforced where pairs are read; the service trusts its caller, so the
    pages and API reach restricted pairs only through access_pair_by_id."""
    from safeguard.linkage.access import access_pair_by_id
    from safeguard.site.errors import NotFoundError

    _current, former, police = _protected_world()
    record_arrival(person=police)
    pair = CandidatePair.objects.get(left=police, right=former)
    with pytest.raises(NotFoundError):
        access_pair_by_id(f.user(Role.TRIAGE, username="t"), pair.pk)
    officer = f.user(Role.PRIVACY_OFFICER, username="po")
    pair_decide(
        actor=officer,
        pair=access_pair_by_id(officer, pair.pk),
        decision="keep_apart",
        reason="Different people",
    )
