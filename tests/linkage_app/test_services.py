"""Records matched as they arrive: linked, queued for review or left apart; decisions, undo
and unmerge restore exactly what was there before, and every change is audited."""

from __future__ import annotations

from datetime import date

import pytest

from safeguard.accounts.roles import Role
from safeguard.audit.models import AuditEntry
from safeguard.linkage.models import (
    CandidatePair,
    EventKind,
    LinkageEvent,
    MasterPerson,
    Membership,
    PairStatus,
)
from safeguard.linkage.services import (
    event_undo,
    master_unmerge,
    pair_decide,
    record_arrival,
)
from safeguard.people.models import Person
from safeguard.site.errors import DomainError
from tests import factories as f
from tests.linkage_app.helpers import population, record

pytestmark = pytest.mark.django_db

STEPHEN = dict(sex="M", line1="14 Acacia Avenue", postcode="NS1 4AB")


def _stephen() -> Person:
    population()
    return record("Stephen", "Marlowe", date(1986, 4, 2), **STEPHEN)  # type: ignore[arg-type]


def _state() -> dict[str, str]:
    return {str(m.person_id): str(m.master_id) for m in Membership.objects.all()}


def test_a_strong_match_is_linked_on_arrival_and_audited() -> None:
    stephen = _stephen()
    steve = record(
        "Steve", "Marlowe", date(1986, 4, 2), sex="M", line1="14 Acacia Ave", postcode="NS1 4AB"
    )
    arrival = record_arrival(person=steve)
    assert arrival.linked_to == stephen
    pair = CandidatePair.objects.get(left=steve, right=stephen)
    assert pair.status == PairStatus.AUTO_LINKED
    assert pair.match_probability >= 0.99
    assert _state()[str(steve.pk)] == _state()[str(stephen.pk)]
    entry = AuditEntry.objects.get(object_id=str(steve.pk), action="combination")
    assert entry.summary == "linked a new record to a master person"
    assert entry.actor_label == "linkage"


def test_an_uncertain_match_waits_for_review_and_a_stranger_stays_apart() -> None:
    stephen = _stephen()
    moved = record("Stephen", "Marlowe", date(1986, 4, 2), line1="3 Elm Road", postcode="NS5 9ZZ")
    arrival = record_arrival(person=moved)
    assert arrival.linked_to is None
    [pair] = arrival.queued
    assert (pair.left, pair.right, pair.status) == (moved, stephen, PairStatus.PENDING)
    assert 0.2 <= pair.match_probability < 0.99
    assert _state()[str(moved.pk)] != _state()[str(stephen.pk)]
    stranger = record("Priya", "Okonkwo", date(2003, 8, 19), line1="1 New Road", postcode="NS9 1ZZ")
    assert record_arrival(person=stranger).queued == ()
    assert not CandidatePair.objects.filter(left=stranger).exists()


def test_a_son_of_the_same_name_at_the_same_address_is_never_linked_automatically() -> None:
    father = _stephen()
    son = record("Stephen", "Marlowe", date(2010, 4, 2), **STEPHEN)  # type: ignore[arg-type]
    arrival = record_arrival(person=son)
    assert arrival.linked_to is None
    pair = CandidatePair.objects.get(left=son, right=father)
    assert pair.contradicts
    assert pair.status == PairStatus.PENDING


def test_thresholds_are_settings(settings: object) -> None:
    stephen = _stephen()
    settings.LINKAGE_LINK_THRESHOLD = 1.01  # type: ignore[attr-defined]
    steve = record("Steve", "Marlowe", date(1986, 4, 2), **STEPHEN)  # type: ignore[arg-type]
    arrival = record_arrival(person=steve)
    assert arrival.linked_to is None
    assert [p.right for p in arrival.queued] == [stephen]


def _queued_pair() -> CandidatePair:
    _stephen()
    moved = record("Stephen", "Marlowe", date(1986, 4, 2), line1="3 Elm Road", postcode="NS5 9ZZ")
    [pair] = record_arrival(person=moved).queued
    return pair


def test_linking_a_pair_and_undoing_it_restores_the_index_exactly() -> None:
    pair = _queued_pair()
    reviewer = f.user(Role.TRIAGE, username="reviewer")
    before = _state()
    masters_before = set(MasterPerson.objects.values_list("pk", flat=True))
    event = pair_decide(actor=reviewer, pair=pair, decision="link", reason="Same NHS letter")
    pair.refresh_from_db()
    assert pair.status == PairStatus.LINKED
    assert pair.decided_by == reviewer
    after = _state()
    assert after[str(pair.left_id)] == after[str(pair.right_id)]
    assert AuditEntry.objects.filter(
        object_id=str(pair.pk), action="combination", summary="linked two records as one person"
    ).exists()

    undo = event_undo(actor=reviewer, event=event, reason="Wrong person")
    assert _state() == before
    assert set(MasterPerson.objects.values_list("pk", flat=True)) == masters_before
    pair.refresh_from_db()
    restored = (pair.status, pair.reason, pair.decided_by_id, pair.decided_at)
    assert restored == (PairStatus.PENDING, "", None, None)
    assert undo.undoes == event
    assert AuditEntry.objects.filter(object_id=str(event.pk), object_type="linkage_event").exists()
    with pytest.raises(DomainError):
        event_undo(actor=reviewer, event=event)  # once only


def test_keeping_apart_needs_a_reason_and_can_be_undone() -> None:
    pair = _queued_pair()
    reviewer = f.user(Role.PRIVACY_OFFICER, username="po")
    with pytest.raises(DomainError) as refused:
        pair_decide(actor=reviewer, pair=pair, decision="keep_apart", reason=" ")
    assert "reason" in refused.value.extra["fields"]
    before = _state()
    event = pair_decide(actor=reviewer, pair=pair, decision="keep_apart", reason="Different NI")
    assert _state() == before
    pair.refresh_from_db()
    assert pair.status == PairStatus.KEPT_APART
    with pytest.raises(DomainError):
        pair_decide(actor=reviewer, pair=pair, decision="link", reason="again")
    event_undo(actor=reviewer, event=event)
    pair.refresh_from_db()
    assert pair.status == PairStatus.PENDING


def test_an_unmerge_is_audited_and_undone_exactly_and_undo_order_is_enforced() -> None:
    stephen = _stephen()
    steve = record("Steve", "Marlowe", date(1986, 4, 2), **STEPHEN)  # type: ignore[arg-type]
    record_arrival(person=steve)
    auto = LinkageEvent.objects.get(kind=EventKind.AUTO_LINK)
    master = Membership.objects.get(person=stephen).master
    reviewer = f.user(Role.PRIVACY_OFFICER, username="po")
    linked = _state()
    unmerge = master_unmerge(actor=reviewer, master=master, person=steve, reason="Twin brother")
    assert _state()[str(steve.pk)] != str(master.pk)
    assert AuditEntry.objects.filter(
        object_id=str(master.pk), summary="took a record out of a master person"
    ).exists()
    # The auto-link cannot be undone while the later unmerge stands.
    with pytest.raises(DomainError):
        event_undo(actor=reviewer, event=auto)
    event_undo(actor=reviewer, event=unmerge)
    assert _state() == linked
    # Now the auto-link can be undone: the pair goes back to the review queue.
    event_undo(actor=reviewer, event=auto)
    assert _state()[str(steve.pk)] != _state()[str(stephen.pk)]
    assert CandidatePair.objects.get(left=steve).status == PairStatus.PENDING
    with pytest.raises(DomainError):
        master_unmerge(actor=reviewer, master=master, person=steve, reason="x")
