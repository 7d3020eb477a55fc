"""The arrival hook (after commit, every way a person is created) and propose_candidates."""

from __future__ import annotations

from datetime import date

import pytest

from safeguard.linkage.candidates import propose_candidates
from safeguard.linkage.models import CandidatePair, PairStatus
from safeguard.people.services import AddressInput, person_create
from tests.linkage_app.helpers import population, record

pytestmark = pytest.mark.django_db


def test_a_person_created_by_the_people_service_is_matched_after_commit(
    django_capture_on_commit_callbacks: object,
) -> None:
    population()
    stephen = record(
        "Stephen",
        "Marlowe",
        date(1986, 4, 2),
        sex="M",
        line1="14 Acacia Avenue",
        postcode="NS1 4AB",
    )
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        steve = person_create(
            actor=None,
            given_name="Steve",
            family_name="Marlowe",
            date_of_birth=date(1986, 4, 2),
            address=AddressInput("14 Acacia Ave", "Northam", "NS1 4AB", date(2025, 1, 1)),
        )
    pair = CandidatePair.objects.get(left=steve)
    assert pair.right == stephen and pair.status == PairStatus.AUTO_LINKED


def test_a_failing_match_never_undoes_the_new_person(
    django_capture_on_commit_callbacks: object,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(**_: object) -> None:
        raise RuntimeError("index unavailable")

    monkeypatch.setattr("safeguard.linkage.services.record_arrival", broken)
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        person = person_create(actor=None, given_name="Priya", family_name="Okonkwo")
    person.refresh_from_db()
    assert "matching a new record failed (RuntimeError)" in caplog.text
    assert "Okonkwo" not in caplog.text


def test_arrival_matching_can_be_switched_off(
    django_capture_on_commit_callbacks: object, settings: object
) -> None:
    settings.LINKAGE_MATCH_ON_ARRIVAL = False  # type: ignore[attr-defined]
    population()
    record("Stephen", "Marlowe", date(1986, 4, 2), postcode="NS1 4AB")
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        person_create(
            actor=None, given_name="Stephen", family_name="Marlowe", date_of_birth=date(1986, 4, 2)
        )
    assert not CandidatePair.objects.exists()


def test_candidates_for_a_description_tolerate_nicknames_and_typos_and_explain_themselves() -> None:
    population()
    liz = record(
        "Elizabeth", "Cartwright", date(2015, 3, 9), sex="F", line1="5 Mill Row", postcode="NS4 2CD"
    )
    [best, *_] = propose_candidates(
        name="Liz Cartwrigt", date_of_birth=date(2015, 3, 9), postcode="NS4 2CD"
    )
    assert best.person == liz
    levels = {e.comparison: e.level for e in best.explanation}
    assert levels["forename"] == "nickname of the same name"
    assert levels["surname"] == "surname with a typo"
    assert best.match_weight > 0


def test_an_age_stands_in_for_a_missing_date_of_birth() -> None:
    population()
    child = record("Tilly", "Testchild", date(2019, 3, 3), line1="4 Canary Row", postcode="NS1 1AA")
    found = propose_candidates(
        name="Tilly Testchild", age=7, postcode="NS1 1AA", today=date(2026, 11, 30)
    )
    assert [c.person for c in found][:1] == [child]
    assert "age" in {e.comparison for e in found[0].explanation}
    assert (
        propose_candidates(
            name="Tilly Testchild", age=40, postcode="NS1 1AA", today=date(2026, 11, 30)
        )
        == []
    )


def test_nothing_to_go_on_proposes_no_one() -> None:
    population()
    assert propose_candidates(name="") == []
