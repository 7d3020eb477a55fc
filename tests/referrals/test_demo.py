"""The demo stream of concerns: every RAG rating, some unrated, some decided, some matchable."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.utils import timezone

from safeguard.accounts.roles import AgencyKind, Role
from safeguard.referrals.demo import referrals_generate
from safeguard.referrals.matching import propose_matches
from safeguard.referrals.models import Concern, ConcernSource
from safeguard.safeguarding.models import Child
from tests import factories as f

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 30)


def _county() -> None:
    f.user(Role.TRIAGE, f.team(f.agency("Testshire Hub", AgencyKind.FRONT_DOOR), "FD"))
    f.user(Role.PRACTITIONER, f.team(f.agency("Testshire Police", AgencyKind.POLICE), "PPU"))
    for n in range(5):
        kid = f.person(f"Demo{n}", "Testchild", dob=date(2018, 1, n + 1), address=f"{n} Row")
        Child.objects.create(person=kid, registered_at=timezone.now())


def test_demo_concerns_cover_every_rating_and_stage() -> None:
    _county()
    referrals_generate(seed=7, today=TODAY)
    concerns = list(Concern.objects.all())
    assert len(concerns) == 24
    assert {c.rag for c in concerns} == {"", "red", "amber", "green"}
    assert any(c.outcome for c in concerns)
    assert any(not c.outcome for c in concerns)
    assert {c.source for c in concerns} == {ConcernSource.PUBLIC, ConcernSource.PROFESSIONAL}
    about_known = [c for c in concerns if c.child_name.endswith("Testchild")]
    assert about_known
    assert all(propose_matches(c, today=TODAY) for c in about_known)
    triage = Client()
    triage.force_login(f.user(Role.TRIAGE, username="demo-check"))
    assert triage.get("/triage").status_code == 200


def test_demo_concerns_are_deterministic() -> None:
    _county()
    referrals_generate(seed=7, today=TODAY)
    first = sorted(Concern.objects.values_list("reference", "rag", "outcome"))
    Concern.objects.all().delete()
    referrals_generate(seed=7, today=TODAY)
    assert sorted(Concern.objects.values_list("reference", "rag", "outcome")) == first
