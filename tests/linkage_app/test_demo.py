"""The demo county's index: everyone indexed, some records linked, a handful to review."""

from __future__ import annotations

import pytest
from django.test import Client

from safeguard.demo.county import county_generate
from safeguard.linkage.models import CandidatePair, Membership, PairStatus
from safeguard.people.models import Person

pytestmark = pytest.mark.django_db


def test_the_demo_county_has_an_index_links_and_a_review_queue() -> None:
    county_generate(seed=7)
    assert Membership.objects.count() == Person.objects.count()
    auto = CandidatePair.objects.filter(status=PairStatus.AUTO_LINKED)
    assert auto.count() >= 3
    for pair in auto:
        left, right = (Membership.objects.get(person=p) for p in (pair.left, pair.right))
        assert left.master_id == right.master_id
    pending = CandidatePair.objects.filter(status=PairStatus.PENDING)
    assert 3 <= pending.filter(restricted=False).count() <= 15
    assert pending.filter(restricted=True).count() >= 1
    triage = Client()
    assert triage.post("/sign-in", {"username": "triage.mash", "password": "northshire-demo"})
    page = triage.get("/linkage/review").content.decode()
    assert page.count("/linkage/pairs/") >= 3
