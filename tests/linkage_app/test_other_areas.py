"""Other areas use linkage: naming an adult routes an uncertain match to review instead of
silently reusing a hidden person; triage proposals come from the linkage model."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from safeguard.linkage.models import CandidatePair, PairStatus
from safeguard.referrals.matching import propose_matches
from safeguard.referrals.models import Concern, ConcernSource
from safeguard.safeguarding.services.adults import adult_resolve
from tests import factories as f
from tests.linkage_app.helpers import population, record
from tests.safeguarding.helpers import family

pytestmark = pytest.mark.django_db

DOB = date(1980, 9, 12)


def test_an_adult_named_with_a_hidden_namesake_is_a_new_record_queued_for_review() -> None:
    population()
    fam = family()
    hidden = record("Dale", "Stranger", DOB, line1="9 Far Lane", postcode="NS7 7ZZ")
    adult = adult_resolve(
        actor=fam.sw,
        child=fam.child,
        given_name="Dale",
        family_name="Stranger",
        date_of_birth=DOB,
    )
    assert adult != hidden  # never attached to a person the recorder may not see
    pair = CandidatePair.objects.get(left=adult, right=hidden)
    assert pair.status == PairStatus.PENDING


def test_an_adult_the_recorder_may_see_is_reused() -> None:
    population()
    fam = family()
    known = record("Dale", "Stranger", DOB)
    f.allocate(known, fam.social_care)
    adult = adult_resolve(
        actor=fam.sw,
        child=fam.child,
        given_name="dale",
        family_name="STRANGER",
        date_of_birth=DOB,
    )
    assert adult == known
    assert not CandidatePair.objects.exists()


def test_triage_proposals_find_a_child_under_a_nickname_and_a_typo() -> None:
    population()
    child = record(
        "Elizabeth", "Cartwright", date(2015, 3, 9), line1="5 Mill Row", postcode="NS4 2CD"
    )
    concern = Concern.objects.create(
        reference="SG-1234-5678",
        received_at=timezone.now() - timedelta(minutes=5),
        source=ConcernSource.PUBLIC,
        child_name="Lizzie Cartwrite",
        child_age="11",
        postcode="NS4 2CD",
        what_happened="Left alone.",
    )
    [best, *_] = propose_matches(concern, today=date(2026, 11, 30))
    assert best.person == child
    assert "postcode" in best.reasons and "age" in best.reasons
    assert best.explanation
