"""The single entry point for chronology events: checks, audit, listeners, feeds resending."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from safeguard.audit.models import AuditEntry
from safeguard.people.models import Person
from safeguard.safeguarding.listeners import on_events_recorded, remove_listener
from safeguard.safeguarding.models import AdultPresence, ChronologyEvent
from safeguard.safeguarding.services import (
    NewAdult,
    chronology_event_annotate,
    chronology_event_record,
    contact_record,
)
from safeguard.site.errors import DomainError
from tests import factories as f
from tests.safeguarding.helpers import ago, callout, family

pytestmark = pytest.mark.django_db


def test_an_event_and_its_audit_entry_are_written_together() -> None:
    fam = family()
    before = AuditEntry.objects.count()
    event = chronology_event_record(
        actor=fam.sw,
        child=fam.child,
        kind="visit",
        agency="social_care",
        occurred_at=ago(1),
        details={"child_seen": True, "adults_present": [str(fam.mother.pk)]},
    )
    [entry] = AuditEntry.objects.filter(seq__gt=before)
    assert entry.action == "collection"
    assert entry.object_type == "child" and entry.object_id == str(fam.child.pk)
    assert entry.details["events"] == [event.public_id]
    assert AdultPresence.objects.filter(event=event, person=fam.mother).exists()


def test_listeners_hear_every_write_and_a_failing_one_rolls_it_back() -> None:
    fam = family()
    heard: list[tuple[list[str], Any]] = []

    def listener(events: Sequence[ChronologyEvent], actor: Any) -> None:
        heard.append(([e.kind for e in events], actor))

    on_events_recorded(listener)
    try:
        contact_record(
            actor=fam.sw,
            child=fam.child,
            kind="concern",
            agency="education",
            occurred_at=ago(2),
            details={"summary": "hungry at school"},
        )
    finally:
        remove_listener(listener)
    assert heard == [(["concern"], fam.sw)]

    def broken(events: Sequence[ChronologyEvent], actor: Any) -> None:
        raise RuntimeError("alert store unavailable")

    on_events_recorded(broken)
    count, audits = ChronologyEvent.objects.count(), AuditEntry.objects.count()
    try:
        with pytest.raises(RuntimeError):
            contact_record(
                actor=fam.sw,
                child=fam.child,
                kind="concern",
                agency="education",
                occurred_at=ago(1),
                details={"summary": "again"},
            )
    finally:
        remove_listener(broken)
    assert (ChronologyEvent.objects.count(), AuditEntry.objects.count()) == (count, audits)


@pytest.mark.parametrize(
    ("kind", "details", "field"),
    [
        ("visit", {"adults_present": []}, "child_seen"),
        ("visit", {"child_seen": "yes", "adults_present": []}, "child_seen"),
        ("injury", {"site": "tail", "type": "bruise"}, "site"),
        ("injury", {"site": "face", "type": "bruise", "u": "left"}, "u"),
        ("attendance", {"setting": "spa", "provider": "x"}, "setting"),
        ("police_callout", {"reason": "", "adults_present": []}, "reason"),
        ("concern", {"summary": "x", "mood": "bad"}, "mood"),
        ("adult_associated", {"person": "not-an-id", "reason": "x"}, "person"),
    ],
)
def test_details_are_checked_against_the_kind(
    kind: str, details: dict[str, object], field: str
) -> None:
    fam = family()
    with pytest.raises(DomainError) as caught:
        contact_record(
            actor=fam.sw,
            child=fam.child,
            kind=kind,
            agency="health",
            occurred_at=ago(1),
            details=details,
        )
    assert field in caught.value.extra["fields"]


def test_times_must_be_aware_and_not_in_the_future() -> None:
    fam = family()
    for moment in [timezone.now() + timedelta(hours=2), timezone.now().replace(tzinfo=None)]:
        with pytest.raises(DomainError) as caught:
            contact_record(
                actor=fam.sw,
                child=fam.child,
                kind="concern",
                agency="public",
                occurred_at=moment,
                details={"summary": "x"},
            )
        assert "occurred_at" in caught.value.extra["fields"]


def test_registration_plans_and_households_are_not_recorded_as_contacts() -> None:
    fam = family()
    with pytest.raises(DomainError):
        contact_record(
            actor=fam.sw,
            child=fam.child,
            kind="cp_plan_started",
            agency="social_care",
            occurred_at=ago(1),
            details={"category": "neglect"},
        )


def test_a_recorder_cannot_name_someone_unconnected_by_id() -> None:
    """Otherwise any person-index id would reveal that person's name in the chronology."""
    fam = family()
    stranger = f.person("Quinn", "Unconnected")
    with pytest.raises(DomainError):
        callout(fam, days_ago=3, adults=[stranger])
    with pytest.raises(DomainError):
        contact_record(
            actor=fam.sw,
            child=fam.child,
            kind="adult_associated",
            agency="police",
            occurred_at=ago(1),
            details={"person": str(stranger.pk), "reason": "x"},
        )
    # Named by name instead, they are recorded (a new person: never merged with a stranger).
    event = callout(fam, days_ago=3, new=[NewAdult("Quinn", "Unconnected")])
    [ref] = event.details["adults_present"]
    assert ref != str(stranger.pk)


def test_new_adults_are_resolved_within_the_childs_circle() -> None:
    fam = family()
    first = callout(fam, days_ago=30, new=[NewAdult("Dale", "Stranger")])
    again = callout(fam, days_ago=10, new=[NewAdult("dale", "STRANGER")])
    assert first.details["adults_present"] == again.details["adults_present"]
    assert Person.objects.filter(family_name="Stranger").count() == 1
    # The mother, by name, is the mother.
    named = callout(fam, days_ago=5, new=[NewAdult("Morgan", "Testchild")])
    assert named.details["adults_present"] == [str(fam.mother.pk)]


def test_a_feed_resending_an_item_gets_the_same_event_and_a_changed_one_is_refused() -> None:
    fam = family()
    sent = dict(
        actor=fam.sw,
        child=fam.child,
        kind="attendance",
        agency="health",
        details={"setting": "gp", "provider": "Testshire Surgery", "reason": "cough"},
        source="feed:health",
        reference="ATT-1",
    )
    first = contact_record(occurred_at=ago(1), **sent)  # type: ignore[arg-type]
    again = contact_record(occurred_at=ago(1), **sent)  # type: ignore[arg-type]
    assert again.pk == first.pk
    assert ChronologyEvent.objects.filter(reference="ATT-1").count() == 1
    with pytest.raises(DomainError):
        contact_record(occurred_at=ago(2), **sent)  # type: ignore[arg-type]


def test_annotation_marks_significance_and_action_and_is_audited() -> None:
    fam = family()
    event = callout(fam, days_ago=2)
    before = AuditEntry.objects.count()
    chronology_event_annotate(
        actor=fam.sw, event=event, significant=True, action_taken="Strategy discussion held"
    )
    event.refresh_from_db()
    assert event.significant and event.action_taken == "Strategy discussion held"
    [entry] = AuditEntry.objects.filter(seq__gt=before)
    assert entry.action == "alteration" and entry.details["significant"] == [False, True]
